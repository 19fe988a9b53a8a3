import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, it } from "node:test";
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { DiagnosticCode } from "../../server/src/core/index.js";
import { RULE_HELP, ruleIds } from "../../cli/src/sarif.js";
import { eqp, temporaryFolder, writeFileIn } from "../support/cli.js";

// The official schema, vendored (see test/fixtures/sarif/NOTICE.md): validation needs no network.
const schema = JSON.parse(readFileSync("test/fixtures/sarif/sarif-schema-2.1.0.json", "utf8")) as object;
// Both are CommonJS: under Node's ES-module loader the default import is module.exports, whose .default is the export.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; help: { text: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string; uriBaseId?: string };
          region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
        };
      }[];
    }[];
  }[];
}

const work = temporaryFolder("sarif");
const BAD = [
  'preset "Bad" {',
  "  bell 1kHz +3dB q 20", // q-out-of-range (warning)
  "  lowshelf 120Hz -3dB q 1", // shelf-q-ignored (warning)
  "  bel 2kHz +1dB", // unknown-statement (error)
  "}",
  "",
].join("\n");

function checkSarif(...files: string[]): { status: number | null; log: SarifLog; text: string } {
  const result = eqp("check", "--format", "sarif", ...files);
  return { status: result.status, log: JSON.parse(result.stdout) as SarifLog, text: result.stdout };
}

describe("eqp check --format sarif", () => {
  it("writes SARIF 2.1.0 that the official schema accepts, with line and column regions", () => {
    const file = writeFileIn(work, "bad preset.eqp", BAD);
    const { status, log } = checkSarif(file);
    assert.equal(status, 1, "an error still fails the check");
    assert.ok(validate(log), ajv.errorsText(validate.errors));
    assert.equal(log.version, "2.1.0");
    const run = log.runs[0]!;
    const text = eqp("check", file).stdout.trim().split("\n");
    assert.equal(run.results.length, text.length, "one result per diagnostic of the text output");
    for (const [index, result] of run.results.entries()) {
      // The text output is "file:line:col severity code message": the same places and codes.
      const [, line, column, severity, code] = /:(\d+):(\d+) (\w+) (\S+) /.exec(text[index]!)!;
      const { region, artifactLocation } = result.locations[0]!.physicalLocation;
      assert.equal(region.startLine, Number(line));
      assert.equal(region.startColumn, Number(column));
      assert.equal(result.ruleId, code);
      assert.equal(result.level, { error: "error", warning: "warning", information: "note" }[severity!]);
      assert.equal(run.tool.driver.rules[result.ruleIndex]!.id, result.ruleId, "ruleIndex points at the rule");
      // Outside the working folder: an absolute file URI (the space escaped).
      assert.equal(artifactLocation.uri, pathToFileURL(path.resolve(file)).href);
      assert.match(artifactLocation.uri, /bad%20preset\.eqp$/);
    }
    assert.deepEqual(
      run.results.map((result) => result.ruleId),
      ["q-out-of-range", "shelf-q-ignored", "unknown-statement"],
    );
    const unknown = run.results[2]!.locations[0]!.physicalLocation.region;
    assert.deepEqual(unknown, { startLine: 4, startColumn: 3, endLine: 4, endColumn: 6 });
  });

  it("is valid with no findings too, and exits 0", () => {
    const { status, log } = checkSarif("samples/dialogue.eqp");
    assert.equal(status, 0);
    assert.ok(validate(log), ajv.errorsText(validate.errors));
    assert.deepEqual(log.runs[0]!.results, []);
  });

  it("names files inside the working folder relative to it, for the repository's dashboard", () => {
    const { status, log } = checkSarif("samples");
    assert.equal(status, 0, "notes do not fail a check");
    assert.ok(validate(log), ajv.errorsText(validate.errors));
    const results = log.runs[0]!.results;
    assert.ok(results.length > 0, "the samples have notes");
    for (const result of results) {
      assert.equal(result.level, "note");
      const location = result.locations[0]!.physicalLocation.artifactLocation;
      assert.equal(location.uriBaseId, "%SRCROOT%");
      assert.match(location.uri, /^samples\/[a-z-]+\.eqp$/);
    }
  });

  it("the schema check is real: a broken log fails it", () => {
    const { log } = checkSarif(writeFileIn(work, "one.eqp", BAD));
    const broken = structuredClone(log) as unknown as { runs: { results: { level: string }[] }[] };
    broken.runs[0]!.results[0]!.level = "fatal";
    assert.equal(validate(broken), false);
    const noRegion = structuredClone(log) as unknown as SarifLog;
    noRegion.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0;
    assert.equal(validate(noRegion), false);
  });

  it("has a rule with help text for every diagnostic code, and for every code in the README", () => {
    const { log } = checkSarif("samples/dialogue.eqp");
    const rules = log.runs[0]!.tool.driver.rules;
    assert.deepEqual(
      rules.map((rule) => rule.id),
      ruleIds(),
    );
    for (const code of Object.values(DiagnosticCode)) assert.ok(RULE_HELP[code], `no help text for ${code}`);
    for (const rule of rules) assert.ok(rule.help.text.length > 20, rule.id);
    const readme = readFileSync("README.md", "utf8");
    const table = readme.slice(readme.indexOf("### Diagnostics"), readme.indexOf("### Editor features"));
    for (const [, code] of table.matchAll(/`([a-z]+(?:-[a-z]+)+)`/g))
      assert.ok(
        rules.some((rule) => rule.id === code),
        `README code ${code} is no rule`,
      );
  });
});
