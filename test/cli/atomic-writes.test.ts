/**
 * Nothing lost (issue 25): `eqp train --out` refuses a folder that is not a model's and keeps
 * everything in it; every file eqp writes holds its old or its new content, even when the process
 * is killed at any write (strace injects SIGKILL), the disk is full or the target is read-only;
 * long preset names export every file.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { CLI, eqp, literal, temporaryFolder, temporaryRepository } from "../support/cli.js";
import { generateRows, toCsv } from "../support/safeCsv.js";

const work = temporaryFolder("atomic");
after(() => rmSync(work, { recursive: true, force: true }));

const UNFORMATTED = 'preset  "Voice"  {\nbell 1kHz +2dB\n   highshelf 8kHz -1dB\n}\n'.repeat(40);

/** Everything below `dir` with its content, to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      files[path.relative(dir, file)] = readFileSync(file, "utf8");
    }
  return files;
}

function assertUserError(result: { status: number | null; stderr: string }, message: RegExp): void {
  assert.ok(result.status === 1 || result.status === 2, `exit ${result.status}: ${result.stderr}`);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
}

describe("eqp train --out a folder that is not a model's", () => {
  it("refuses a git repository with presets, for training and fine-tuning, and leaves everything", () => {
    const { repo, write, eqpIn } = temporaryRepository("train-out-repo");
    write("presets/voice.eqp", 'preset "Voice" {\n  tags whistlish\n  bell 3kHz +10dB q 6\n}\n');
    write("data.csv", toCsv(generateRows(60, 4)));
    const before = snapshot(repo);
    for (const args of [
      ["train", "--out", "."],
      ["train", "--data", "data.csv", "--out", ".", "--epochs", "1"],
    ]) {
      const run = eqpIn(...args);
      assertUserError(
        run,
        new RegExp(`${literal(repo)} is not empty and holds no model \\(\\.git, data\\.csv, presets\\)`),
      );
      assert.doesNotMatch(run.stdout, /wrote|epoch/);
      assert.deepEqual(snapshot(repo), before, args.join(" "));
    }
  });
});

const STRACE = spawnSync("strace", ["-V"]).status === 0;
const straceMissing = STRACE ? undefined : "strace is not installed (Debian package strace)";
if (straceMissing && process.env["EQP_REQUIRE_E2E"] !== "1")
  console.warn(`\nSKIPPING the kill-at-write tests: ${straceMissing}\n`);

/** `eqp args…` in `cwd` under strace, killed at its `n`th write in the main process (0: not killed). */
function eqpKilledAtWrite(cwd: string, args: string[], n: number): { killed: boolean; writes: number } {
  const trace = path.join(work, "trace.txt");
  const inject = n > 0 ? ["-e", `inject=write:signal=SIGKILL:when=${n}`] : [];
  const run = spawnSync("strace", ["-o", trace, "-e", "trace=write", ...inject, process.execPath, CLI, ...args], {
    cwd,
    encoding: "utf8",
  });
  const lines = readFileSync(trace, "utf8").split("\n");
  return { killed: run.status !== 0, writes: lines.filter((line) => line.startsWith("write(")).length };
}

/**
 * Runs the command killed at each of its writes in turn: after every run, each target holds its old
 * content or its new one (what an unkilled run writes), never an empty or partial file.
 */
function assertOldOrNewAtEveryKill(cwd: string, args: string[], targets: string[], reset: () => void): void {
  reset();
  const old = targets.map((file) => readFileSync(file, "utf8"));
  const { writes } = eqpKilledAtWrite(cwd, args, 0);
  const fresh = targets.map((file) => readFileSync(file, "utf8"));
  assert.ok(writes > 0 && fresh.some((text, i) => text !== old[i]), "the command must change its targets");
  let killedRuns = 0;
  for (let n = 1; n <= writes; n++) {
    reset();
    if (eqpKilledAtWrite(cwd, args, n).killed) killedRuns++;
    targets.forEach((file, i) => {
      const now = readFileSync(file, "utf8");
      assert.ok(now === old[i] || now === fresh[i], `killed at write ${n}: ${file} holds ${now.length} bytes`);
    });
  }
  assert.ok(killedRuns > 0);
}

describe("killed at any write", { skip: process.env["EQP_REQUIRE_E2E"] === "1" ? false : straceMissing }, () => {
  it("eqp format leaves each file old or new", () => {
    const dir = path.join(work, "kill-format");
    mkdirSync(dir);
    const files = ["a.eqp", "b.eqp"].map((name) => path.join(dir, name));
    assertOldOrNewAtEveryKill(dir, ["format", "a.eqp", "b.eqp"], files, () =>
      files.forEach((file) => writeFileSync(file, UNFORMATTED)),
    );
  });

  it("eqp expand --write and eqp lock leave their files old or new", () => {
    const { repo, write } = temporaryRepository("kill-lock");
    const text = 'preset "Warm" {\n  morph warm 0.6 bright 0.4\n}\n';
    assertOldOrNewAtEveryKill(repo, ["expand", "--write", "p.eqp"], [path.join(repo, "p.eqp")], () =>
      write("p.eqp", text),
    );
    const lock = path.join(repo, "eqpreset.lock");
    assertOldOrNewAtEveryKill(repo, ["lock"], [lock], () => {
      write("p.eqp", text);
      write("eqpreset.lock", "");
    });
  });
});

const mountable = (() => {
  const probe = path.join(work, "probe-mount");
  mkdirSync(probe);
  const ok = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]).status === 0;
  if (ok) spawnSync("umount", [probe]);
  return ok;
})();
if (!mountable) console.warn("\nSKIPPING the full-disk and read-only tests: mounting a tmpfs needs root\n");

describe("a full disk and a read-only target", { skip: mountable ? false : "mounting a tmpfs needs root" }, () => {
  const disk = path.join(work, "disk");
  mkdirSync(disk);
  after(() => spawnSync("umount", [disk]));

  it("eqp format on a full disk keeps the file and says so", () => {
    assert.equal(spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk]).status, 0);
    const file = path.join(disk, "big.eqp");
    // About 40 KB, formatted into more than the 24 KB left.
    const text = 'preset  "Voice"  {\nbell 1kHz +2dB\n}\n'.repeat(1200);
    writeFileSync(file, text);
    const run = eqp("format", file);
    assertUserError(run, new RegExp(`${literal(file)}: cannot be written \\(ENOSPC.*\\); it is unchanged`));
    assert.equal(readFileSync(file, "utf8"), text);
    assert.deepEqual(readdirSync(disk), ["big.eqp"]);
  });

  it("a read-only target gives a clear error, not an internal one", () => {
    const file = path.join(disk, "big.eqp");
    writeFileSync(file, UNFORMATTED);
    assert.equal(spawnSync("mount", ["-o", "remount,ro", disk]).status, 0);
    assertUserError(eqp("format", file), new RegExp(`${literal(file)}: cannot be written \\(EROFS`));
    assertUserError(eqp("expand", "--write", file), new RegExp(`${literal(file)}: cannot be written \\(EROFS`));
    assert.equal(readFileSync(file, "utf8"), UNFORMATTED);
  });
});

describe("targets eqp must not clobber", () => {
  it("eqp lock over a folder named eqpreset.lock is a user error, not exit 70", () => {
    const { repo, write, eqpIn } = temporaryRepository("lock-folder");
    write("p.eqp", 'preset "Warm" {\n  morph warm 0.6\n}\n');
    mkdirSync(path.join(repo, "eqpreset.lock"));
    assertUserError(eqpIn("lock"), /eqpreset\.lock: cannot be written \(E(ISDIR|NOTEMPTY|EXIST)/);
    assert.ok(statSync(path.join(repo, "eqpreset.lock")).isDirectory());
  });

  it("keeps a file's permissions when it rewrites it", () => {
    const file = path.join(work, "mode.eqp");
    writeFileSync(file, UNFORMATTED);
    chmodSync(file, 0o640);
    assert.equal(eqp("format", file).status, 0);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.notEqual(readFileSync(file, "utf8"), UNFORMATTED);
  });

  it("eqp apply writes over its own input", () => {
    const wav = path.join(work, "in.wav");
    assert.equal(spawnSync(process.execPath, ["-e", wavScript(wav)]).status, 0);
    const before = readFileSync(wav);
    const preset = path.join(work, "boost.eqp");
    writeFileSync(preset, 'preset "Boost" {\n  bell 1kHz +6dB\n}\n');
    const run = eqp("apply", preset, wav, wav);
    assert.equal(run.status, 0, run.stderr);
    const after = readFileSync(wav);
    assert.equal(after.length, before.length);
    assert.notDeepEqual(after, before);
  });
});

/** A second of a 1 kHz sine at 48 kHz, 16 bit, written by a tiny script (no fixtures needed). */
function wavScript(file: string): string {
  return `const n = 48000, b = Buffer.alloc(44 + n * 2);
b.write("RIFF", 0); b.writeUInt32LE(36 + n * 2, 4); b.write("WAVEfmt ", 8); b.writeUInt32LE(16, 16);
b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(48000, 24); b.writeUInt32LE(96000, 28);
b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write("data", 36); b.writeUInt32LE(n * 2, 40);
for (let i = 0; i < n; i++) b.writeInt16LE(Math.round(8000 * Math.sin(2 * Math.PI * 1000 * i / 48000)), 44 + i * 2);
require("node:fs").writeFileSync(${JSON.stringify(file)}, b);`;
}

describe("long preset names", () => {
  it("eqp export --out and eqp diff --out write every file, stable and distinct", () => {
    const long = (i: number) => `${"A very long preset name ".repeat(12)}number ${i}`;
    const presets = Array.from({ length: 20 }, (_, i) => `preset "${long(i)}" {\n  bell 1kHz +${i % 9}dB\n}\n`);
    const file = path.join(work, "long.eqp");
    writeFileSync(file, presets.join("\n"));
    const out = path.join(work, "exported");
    for (const round of [1, 2]) {
      const run = eqp("export", file, "--format", "apo", "--out", out);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(readdirSync(out).length, 20, `round ${round}: ${readdirSync(out).join(", ")}`);
    }
    assert.ok(readdirSync(out).every((name) => name.length < 100));
    const changed = path.join(work, "long-changed.eqp");
    writeFileSync(changed, presets.map((text) => text.replace("1kHz", "2kHz")).join("\n"));
    const diffOut = path.join(work, "diff-out");
    const diff = eqp("diff", file, changed, "--out", diffOut);
    assert.equal(diff.status, 0, diff.stderr);
    assert.equal(readdirSync(diffOut).filter((name) => name.endsWith(".svg")).length, 20);
    assert.ok(existsSync(path.join(diffOut, "diff.txt")));
  });
});
