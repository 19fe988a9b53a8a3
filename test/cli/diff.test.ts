import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CLI, temporaryFolder } from "../support/cli.js";
import { parseXml } from "../support/svgExpect.js";

const repo = temporaryFolder("diff");

function run(command: string, args: string[], cwd = repo) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const eqpIn = (...args: string[]) => run(process.execPath, [CLI, ...args]);
const git = (...args: string[]) => {
  const result = run("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args]);
  assert.equal(result.status, 0, result.stderr);
};

mkdirSync(path.join(repo, "presets"));
const write = (file: string, text: string) => writeFileSync(path.join(repo, file), text);
write("presets/dialogue.eqp", 'preset "VO" {\n  bell 3kHz +2dB q 1\n}\n\npreset "Warm" {\n  morph warm 0.8\n}\n');
write("presets/gone.eqp", 'preset "Gone" {\n  lowshelf 100Hz -3dB\n}\n');
write("notes.eqp", 'preset "Outside" {\n  bell 1kHz +1dB\n}\n');
git("init", "-q");
git("add", ".");
git("commit", "-q", "-m", "presets");
write("presets/dialogue.eqp", 'preset "VO" {\n  bell 3kHz +5dB q 1\n}\n\npreset "Warm" {\n  morph warm 0.4\n}\n');
unlinkSync(path.join(repo, "presets/gone.eqp"));
write("presets/new file.eqp", 'preset "Fresh" {\n  highshelf 10kHz +2dB\n}\n');
write("notes.eqp", 'preset "Outside" {\n  bell 1kHz +9dB\n}\n');

describe("eqp diff", () => {
  it("compares the working tree with a git revision, only under the paths given", () => {
    const result = eqpIn("diff", "HEAD", "--", "presets/");
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^presets\/dialogue\.eqp\n {2}"VO" changed \(line 1\)\n {4}Bell 1: 3 kHz \+2 dB Q 1 → 3 kHz \+5 dB Q 1\n {4}largest change \+3\.00 dB at 3(?:\.0\d)? kHz\n/,
    );
    // The morph's weight changed: its generated bands (through the model) differ, and the curve.
    assert.match(
      result.stdout,
      /"Warm" changed \(line 5\)\n(?: {4}.+ → .+\n)+ {4}morph warm 0\.8 → warm 0\.4\n {4}largest change [−+]\d\.\d\d dB at /,
    );
    assert.match(result.stdout, /presets\/gone\.eqp\n {2}"Gone" removed \(line 1\)\n {4}Low shelf: 100 Hz -3 dB\n/);
    assert.match(result.stdout, /presets\/new file\.eqp\n {2}"Fresh" added \(line 1\)\n/);
    assert.doesNotMatch(result.stdout, /Outside/, "notes.eqp lies outside presets/");
  });

  it("writes Markdown and a before/after SVG per changed preset with --out", () => {
    const out = path.join(repo, "report");
    const result = eqpIn("diff", "HEAD", "--format", "markdown", "--out", out, "--", "presets");
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `wrote ${path.join(out, "diff.md")} and 4 pictures\n`);
    const files = readdirSync(out).sort();
    assert.deepEqual(files, [
      "diff.md",
      "presets-dialogue--vo.svg",
      "presets-dialogue--warm.svg",
      "presets-gone--gone.svg",
      "presets-new-file--fresh.svg",
    ]);
    const markdown = readFileSync(path.join(out, "diff.md"), "utf8");
    assert.match(markdown, /^## EQ presets: HEAD → working tree\n\n4 presets changed in 3 files\.\n/);
    for (const [, link] of markdown.matchAll(/!\[[^\]]*\]\(<([^>]+)>\)/g)) assert.ok(files.includes(link!), link);
    for (const svg of files.filter((file) => file.endsWith(".svg")))
      parseXml(readFileSync(path.join(out, svg), "utf8"));
  });

  it("writes JSON, and compares two files given by name", () => {
    write("a.eqp", 'preset "A" {\n  bell 1kHz +1dB\n}\n');
    write("b.eqp", 'preset "B" {\n  bell 1kHz +1dB\n}\n');
    const result = eqpIn("diff", "a.eqp", "b.eqp", "--format", "json");
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {
      before: string;
      after: string;
      files: { presets: { kind: string; previousName: string; curve: { maxDb: number } }[] }[];
    };
    assert.equal(json.before, "a.eqp");
    assert.deepEqual(
      json.files[0]!.presets.map((preset) => [preset.kind, preset.previousName, preset.curve.maxDb]),
      [["renamed", "A", 0]],
    );
  });

  it("says clearly what is wrong, without a stack trace", () => {
    const revision = eqpIn("diff", "no-such-revision", "--", "presets");
    assert.equal(revision.status, 2);
    assert.match(revision.stderr, /^eqp: eqp diff: /);
    assert.doesNotMatch(revision.stderr, /\n\s+at /);
    const outside = run(process.execPath, [CLI, "diff", "HEAD", "--", "."], temporaryFolder("diff-nogit"));
    assert.equal(outside.status, 2);
    assert.match(outside.stderr, /not a git repository/);
    write("broken.eqp", 'preset "A" {\n  bell 1kHz\n}\n');
    const broken = eqpIn("diff", "a.eqp", "broken.eqp");
    assert.equal(broken.status, 0, "a diff reads around errors");
    assert.match(broken.stderr, /^broken\.eqp:2:3 error missing-gain /);
  });

  it("runs the README's review command: options after -- are options, an unknown one is an error", () => {
    git("add", "-A");
    git("commit", "-q", "-m", "second");
    write("presets/dialogue.eqp", 'preset "VO" {\n  bell 3kHz +7dB q 1\n}\n\npreset "Warm" {\n  morph warm 0.4\n}\n');
    // Exactly as README.md shows it, from the repository's root.
    const result = eqpIn("diff", "HEAD~1", "--", "presets/", "--format", "markdown", "--out", "review/");
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `wrote ${path.join("review", "diff.md")} and 4 pictures\n`);
    assert.match(
      readFileSync(path.join(repo, "review", "diff.md"), "utf8"),
      /^## EQ presets: HEAD\\?~1 → working tree\n/,
    );
    const unknown = eqpIn("diff", "HEAD", "--", "presets/", "--colour");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^eqp: eqp diff: unknown option --colour/);
  });
});
