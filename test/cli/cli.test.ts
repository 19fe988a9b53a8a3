import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CLI, eqp, temporaryFolder, writeFileIn } from "../support/cli.js";

/** Each fixture in a folder of its own: some tests format or expand a whole folder. */
const fixture = (name: string, text: string) => writeFileIn(temporaryFolder("cli"), name, text);

describe("eqp check", () => {
  it("passes the samples with exit code 0", () => {
    const result = eqp("check", "samples");
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stderr, /6 files checked: 0 errors/);
  });

  it("prints file:line:col severity code message and exits 1 on an error", () => {
    const file = fixture("broken.eqp", 'preset "A" {\n  bell 1kHz +20dB\n  morph wram\n}\n');
    const result = eqp("check", file);
    assert.equal(result.status, 1);
    assert.deepEqual(result.stdout.trim().split("\n"), [
      `${file}:2:13 warning gain-out-of-range Gain +20dB is outside the SAFE EQ's ±12 dB`,
      `${file}:3:9 error unknown-word Unknown word 'wram'. Did you mean 'warm'?`,
    ]);
    assert.equal(result.stderr, "1 file checked: 1 error, 1 warning, 0 notes\n");
  });

  it("exits 0 on warnings only", () => {
    const result = eqp("check", fixture("warn.eqp", "bell 1kHz +20dB\n"));
    assert.equal(result.status, 0);
    assert.match(result.stdout, /warning gain-out-of-range/);
  });

  it("gives the same diagnostics as JSON", () => {
    const file = fixture("json.eqp", "morph wram\n");
    const result = eqp("check", "--format", "json", file);
    assert.equal(result.status, 1);
    const [entry] = JSON.parse(result.stdout) as {
      file: string;
      diagnostics: { line: number; column: number; code: string; severity: string }[];
    }[];
    assert.equal(entry!.file, file);
    assert.deepEqual(
      entry!.diagnostics.map((d) => [d.line, d.column, d.severity, d.code]),
      [[1, 7, "error", "unknown-word"]],
    );
  });

  it("expands globs and folders", () => {
    const result = eqp("check", "samples/*.eqp");
    assert.equal(result.status, 0);
    assert.match(result.stderr, /6 files checked/);
  });

  it("checks the current folder when given no path, as `eqp check .` does", () => {
    const inSamples = spawnSync(process.execPath, [CLI, "check"], { cwd: path.resolve("samples"), encoding: "utf8" });
    assert.equal(inSamples.status, 0, inSamples.stdout + inSamples.stderr);
    assert.match(inSamples.stderr, /6 files checked: 0 errors/);
    const folder = path.dirname(fixture("broken.eqp", 'preset "A" {\n  bell 1kHz +20dB\n  morph wram\n}\n'));
    const broken = spawnSync(process.execPath, [CLI, "check"], { cwd: folder, encoding: "utf8" });
    const dotted = spawnSync(process.execPath, [CLI, "check", "."], { cwd: folder, encoding: "utf8" });
    assert.equal(broken.status, 1, broken.stderr);
    assert.match(broken.stdout, /broken\.eqp:3:9 error unknown-word/);
    assert.doesNotMatch(broken.stderr, /missing required argument/);
    assert.deepEqual([broken.stdout, broken.stderr], [dotted.stdout, dotted.stderr]);
  });

  it("says clearly when a file does not exist", () => {
    const result = eqp("check", "no/such/file.eqp");
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^eqp: no\/such\/file.eqp: no such file or folder/);
  });

  it("says clearly when the model folder is broken", () => {
    const result = eqp("check", "--model", path.dirname(fixture("x", "")), "samples");
    assert.equal(result.status, 2);
    assert.match(result.stderr, /metadata.json: cannot be read \(ENOENT\)/);
  });
});

describe("eqp print and format", () => {
  it("prints the presets with their bands", () => {
    const result = eqp("print", "samples/dialogue.eqp");
    assert.equal(result.status, 0);
    assert.match(result.stdout, /"VO clean" @ 48 kHz, output -1 dB/);
    assert.match(result.stdout, /Bell 2 +3 kHz +\+2.5 dB +Q 1/);
  });

  it("formats in place, and --check reports unformatted files", () => {
    const file = fixture("messy.eqp", 'preset "A"{\nbell 2500Hz 3dB}\n');
    const check = eqp("format", "--check", file);
    assert.equal(check.status, 1);
    assert.match(check.stdout, /not formatted/);
    assert.equal(eqp("format", file).status, 0);
    assert.equal(readFileSync(file, "utf8"), 'preset "A" {\n  bell 2.5kHz +3dB\n}\n');
    assert.equal(eqp("format", "--check", file).status, 0);
  });

  it("refuses to format a file with syntax errors and says where", () => {
    const file = fixture("bad.eqp", 'preset "A" {\n  bell 1kHz +1dB\n');
    const result = eqp("format", file);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /bad.eqp:2:17 error syntax-error Expected '}'/);
    assert.equal(readFileSync(file, "utf8"), 'preset "A" {\n  bell 1kHz +1dB\n');
  });
});
