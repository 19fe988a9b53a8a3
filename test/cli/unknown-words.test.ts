/**
 * No dead ends (issue 21): `eqp check --format json` gives every unknown word of a morph-only
 * preset a way forward: the nearest known word by meaning (glossary), a spelling fix only for a
 * typo, and always "define this word".
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eqp, temporaryFolder, writeFileIn } from "../support/cli.js";

const work = temporaryFolder("unknown-words");

interface JsonDiagnostic {
  line: number;
  code: string;
  message: string;
  fixes?: { title: string; replace?: string; define?: string }[];
}

function check(words: string[]): JsonDiagnostic[] {
  const text = words.map((word, index) => `preset "P${index}" {\n  morph ${word} 0.5\n}\n`).join("");
  const file = writeFileIn(work, `${words[0]}.eqp`, text);
  const result = eqp("check", "--format", "json", file);
  assert.equal(result.status, 1, result.stderr);
  const [report] = JSON.parse(result.stdout) as { diagnostics: JsonDiagnostic[] }[];
  return report!.diagnostics.filter((diagnostic) => diagnostic.code === "unknown-word");
}

describe("eqp check: ways forward for unknown words", () => {
  it("offers the nearest known word by meaning for the words sound designers use", () => {
    const expected: Record<string, string> = {
      nasal: "radio",
      honky: "radio",
      sibilant: "harsh",
      essy: "harsh",
      telephone: "radio",
      "lo-fi": "radio",
      underwater: "muffled",
    };
    const diagnostics = check(Object.keys(expected));
    assert.equal(diagnostics.length, Object.keys(expected).length);
    Object.entries(expected).forEach(([word, meaning], index) => {
      const fixes = diagnostics[index]!.fixes ?? [];
      assert.equal(fixes[0]?.replace, meaning, `${word}: ${JSON.stringify(fixes)}`);
      assert.match(fixes[0]!.title, /nearest known word by meaning/);
      assert.equal(fixes.at(-1)?.define, word);
    });
  });

  it("suggests by spelling only for typos, never hollow → mellow or crunchy → punchy", () => {
    const [wram, hollow, crunchy, brite, far] = check(["wram", "hollow", "crunchy", "enerjetikk", "zzzqq"]);
    assert.deepEqual(wram!.fixes?.[0], { title: "Replace with 'warm'", replace: "warm" });
    assert.match(wram!.message, /Did you mean 'warm'/);
    for (const diagnostic of [hollow!, crunchy!]) {
      assert.doesNotMatch(JSON.stringify(diagnostic), /mellow|punchy/);
      assert.ok(diagnostic.fixes?.[0]?.replace, JSON.stringify(diagnostic));
    }
    // Three edits from "energetic" is not a typo (the old rule allowed a third of the length): only "define" is left.
    assert.deepEqual(
      brite!.fixes?.map((fix) => fix.define ?? fix.replace),
      ["enerjetikk"],
    );
    assert.deepEqual(far!.fixes, [{ title: "Define 'zzzqq' by tagging a preset with its bands", define: "zzzqq" }]);
  });
});
