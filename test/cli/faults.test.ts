/**
 * Faults through the real `eqp` command: training data that cannot be read, is cut short or is
 * wrong in every column; a model folder that is missing, cut short, of another version or shape;
 * an output that cannot be a folder; a disk that fills up while the model is saved (a preload
 * makes the real writes fail). Clear one-line messages, never a stack trace, and the previous
 * model intact. (Missing and empty data and Ctrl-C during training are in model-cli.test.ts.)
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { PARAMETERS } from "../../server/src/core/model/index.js";
import { fixtureModelDir, networkFilesOf, rewriteWeights } from "../support/fixtureModel.js";
import { csvLine, generateRows, toCsv } from "../support/safeCsv.js";

const CLI = path.resolve("bin", "eqp.js");
const work = mkdtempSync(path.join(tmpdir(), "eqp-cli-faults-"));
const goodData = path.join(work, "good.csv");
let modelDir: string;

function eqp(args: string[], preload?: string) {
  const result = spawnSync(process.execPath, [...(preload ? ["--require", preload] : []), CLI, ...args], {
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A user-facing failure: exit 2 and exactly one line `eqp: …` on stderr, no stack trace. */
function assertCleanFailure(result: { status: number | null; stderr: string }, message: RegExp): void {
  assert.equal(result.status, 2, result.stderr);
  assert.doesNotMatch(result.stderr, /^\s+at /m, `a stack trace:\n${result.stderr}`);
  const lines = result.stderr.trimEnd().split("\n");
  assert.match(lines[lines.length - 1]!, /^eqp: /, result.stderr);
  assert.match(result.stderr, message);
}

function folderHashes(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((entry) => [
        entry,
        createHash("sha256")
          .update(readFileSync(path.join(dir, entry)))
          .digest("hex"),
      ]),
  );
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

before(async () => {
  writeFileSync(goodData, toCsv(generateRows(90, 6)));
  modelDir = await fixtureModelDir();
});
after(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("eqp train: data faults", () => {
  it("says a data path is a folder or a link to nothing", () => {
    const folder = path.join(work, "folder.csv");
    mkdirSync(folder);
    assertCleanFailure(
      eqp(["train", "--data", folder, "--out", path.join(work, "unused")]),
      new RegExp(`eqp: ${escape(folder)}: is a folder, not a CSV file\\n$`),
    );
    const dangling = path.join(work, "dangling.csv");
    symlinkSync(path.join(work, "gone.csv"), dangling);
    assertCleanFailure(
      eqp(["train", "--data", dangling, "--out", path.join(work, "unused")]),
      new RegExp(`eqp: ${escape(dangling)}: no such file\\n$`),
    );
    assert.ok(!readdirSync(work).includes("unused"));
  });

  it("reports a row cut short at its line and trains on the rest", () => {
    const text = readFileSync(goodData, "utf8");
    const cut = path.join(work, "cut.csv");
    writeFileSync(cut, text.slice(0, text.length - 25));
    const result = eqp(["train", "--data", cut, "--out", path.join(work, "cut-model"), "--epochs", "1", "--no-eval"]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^${escape(cut)}:90: skipped: expected 25 columns, found \\d+$`, "m"));
    assert.match(result.stdout, /90 rows read, 89 used, 1 malformed/);
  });

  it("stops at the line of a quote that never closes", () => {
    const lines = readFileSync(goodData, "utf8").split("\n");
    const quoted = path.join(work, "quoted.csv");
    writeFileSync(quoted, `${lines.slice(0, 4).join("\n")}\n5,"warm,user1,2,2\n${lines.slice(5).join("\n")}`);
    assertCleanFailure(
      eqp(["train", "--data", quoted, "--out", path.join(work, "unused")]),
      new RegExp(`eqp: ${escape(quoted)}:5: not readable as CSV \\(a quote opens in this row and never closes\\)`),
    );
  });

  it("lists a bad value in every column it reads, each with its line, in the problem matcher's format", () => {
    const rows = generateRows(60, 8);
    const lines = rows.map((row, index) => csvLine(index + 1, row));
    const expected: string[] = [];
    const bad = (column: number, value: string, reason: string) => {
      const cells = lines[0]!.split(",");
      cells[column] = value;
      lines.push(cells.join(","));
      expected.push(`:${lines.length}: skipped: ${reason}`);
    };
    bad(1, "", "no descriptor (column 2)");
    bad(2, "", "no participant (column 3)");
    for (const parameter of PARAMETERS) {
      bad(5 + parameter.index, "n/a", `column ${6 + parameter.index} (${parameter.name}) is not a number: "n/a"`);
      bad(
        5 + parameter.index,
        "-99999",
        `column ${6 + parameter.index} (${parameter.name}) = -99999 is outside the plug-in range`,
      );
    }
    const file = path.join(work, "every-column.csv");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const result = eqp([
      "train",
      "--data",
      file,
      "--out",
      path.join(work, "every-column-model"),
      "--epochs",
      "1",
      "--no-eval",
    ]);
    assert.equal(result.status, 0, result.stderr);
    const reported = result.stdout.split("\n").filter((line) => line.includes(": skipped: "));
    assert.equal(reported.length, expected.length, reported.join("\n"));
    for (const [index, suffix] of expected.entries()) {
      assert.ok(reported[index]!.startsWith(`${file}${suffix}`), `expected ${file}${suffix}…, got ${reported[index]}`);
    }
  });
});

describe("eqp train: output faults", () => {
  it("refuses an output that can never be a folder before training", () => {
    const file = path.join(work, "plain-file");
    writeFileSync(file, "");
    const under = eqp(["train", "--data", goodData, "--out", path.join(file, "model"), "--epochs", "50"]);
    assertCleanFailure(under, new RegExp(`cannot be created, ${escape(file)} is a file`));
    assert.doesNotMatch(under.stdout, /epoch/);
    assertCleanFailure(
      eqp(["train", "--data", goodData, "--out", file]),
      new RegExp(`eqp: ${escape(file)} exists and is not a folder`),
    );
  });

  it("keeps the previous model when the disk fills up while saving", () => {
    const out = path.join(work, "full-disk", "model");
    assert.equal(eqp(["train", "--data", goodData, "--out", out, "--epochs", "2", "--no-eval"]).status, 0);
    const before = folderHashes(out);
    // The real fs.writeSync, made to fail with ENOSPC after 4 KB into the new model's folder.
    const preload = path.join(work, "disk-full.cjs");
    writeFileSync(
      preload,
      `const fs = require("node:fs");
const open = fs.openSync, write = fs.writeSync;
const partial = new Set();
let budget = 4096;
fs.openSync = function (file, ...rest) { const fd = open.call(fs, file, ...rest); if (String(file).includes(".partial-")) partial.add(fd); return fd; };
fs.writeSync = function (fd, buffer, offset, length, ...rest) {
  if (!partial.has(fd)) return write.call(fs, fd, buffer, offset, length, ...rest);
  if (budget <= 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28, syscall: "write" });
  const n = Math.min(typeof length === "number" ? length : buffer.length, budget);
  budget -= n;
  return write.call(fs, fd, buffer, offset, n);
};
`,
    );
    const result = eqp(
      ["train", "--data", goodData, "--out", out, "--epochs", "2", "--no-eval", "--seed", "9"],
      preload,
    );
    assertCleanFailure(
      result,
      new RegExp(
        `eqp: ${escape(out)}: the model could not be written \\(ENOSPC: no space left on device, write\\); the previous model is unchanged\\n$`,
      ),
    );
    assert.deepEqual(folderHashes(out), before);
    assert.deepEqual(
      readdirSync(path.dirname(out)).filter((entry) => entry !== "model"),
      [],
    );
    // The model left in place is whole: the CLI loads it.
    assert.equal(eqp(["expand", "--model", out, path.join("samples", "quick.eqp")]).status, 0);
  });
});

describe("model folder faults in the CLI", () => {
  const cases: { name: string; damage: (dir: string) => void; message: RegExp }[] = [
    {
      name: "missing",
      damage: (dir) => rmSync(dir, { recursive: true }),
      message: /metadata\.json: (missing|cannot be read \(ENOENT\) — there is no folder \S+\/missing)$/m,
    },
    {
      name: "weights-cut",
      damage: (dir) => truncateSync(networkFilesOf(dir).weights, 512),
      message: /weights-[0-9a-f]{12}\.bin: does not match metadata\.json \(checksum differs\)/,
    },
    {
      name: "wrong-version",
      damage: (dir) => {
        const file = path.join(dir, "metadata.json");
        writeFileSync(file, readFileSync(file, "utf8").replace('"formatVersion": 1', '"formatVersion": 7'));
      },
      message: /metadata\.json: format version 7 is not supported \(expected 1\)$/m,
    },
    {
      name: "wrong-shape",
      damage: (dir) => {
        const file = networkFilesOf(dir).network;
        const json = JSON.parse(readFileSync(file, "utf8")) as {
          weightsManifest: { weights: { shape: number[] }[] }[];
        };
        json.weightsManifest[0]!.weights[1]!.shape = [3];
        writeFileSync(file, JSON.stringify(json));
      },
      message: /model\.json: .*shape \[3\]/,
    },
    {
      // Loaded before, and exported as "Fc NaN Hz".
      name: "null-centroid",
      damage: (dir) => {
        const file = path.join(dir, "metadata.json");
        const json = JSON.parse(readFileSync(file, "utf8")) as { model: { words: { centroid: unknown[] }[] } };
        json.model.words[0]!.centroid[3] = null;
        writeFileSync(file, JSON.stringify(json));
      },
      message: /metadata\.json: model\.words\.\w+\.centroid\[3\] is null, expected a finite number$/m,
    },
  ];
  for (const fault of cases) {
    it(`says what is wrong with a ${fault.name} model folder, in every command that reads one`, () => {
      const dir = path.join(work, "models", fault.name);
      cpSync(modelDir, dir, { recursive: true });
      fault.damage(dir);
      const sample = path.join("samples", "quick.eqp");
      assertCleanFailure(eqp(["expand", "--model", dir, sample]), fault.message);
      assertCleanFailure(eqp(["eval", "--model", dir, "--data", goodData]), fault.message);
      // `check` checks a morph's generated bands as the editor does, so it needs the network too;
      // a file without a morph needs only the vocabulary.
      assertCleanFailure(eqp(["check", "--model", dir, sample]), fault.message);
      const bandsFile = path.join(work, "bands-only.eqp");
      writeFileSync(bandsFile, 'preset "Bands" {\n  bell 1kHz +2dB\n}\n');
      const bandsOnly = eqp(["check", "--model", dir, bandsFile]);
      if (fault.name === "missing" || fault.name === "wrong-version") assertCleanFailure(bandsOnly, fault.message);
      else assert.equal(bandsOnly.status, 0, bandsOnly.stderr);
    });
  }
});

describe("a model whose decoder gives NaN", () => {
  it("fails eqp check with generated-not-finite and exports nothing, never NaN", () => {
    const dir = path.join(work, "models", "overflowing");
    cpSync(modelDir, dir, { recursive: true });
    // Finite weights (the loader refuses NaN ones) so large that the decoder's sums overflow to
    // +∞ and −∞ and add up to NaN.
    rewriteWeights(dir, (index) => (index % 2 === 0 ? 3e38 : -3e38));
    const file = path.join(work, "nan-morph.eqp");
    writeFileSync(file, 'preset "Warmish" {\n  morph warm 0.5\n}\n');
    const check = eqp(["check", "--model", dir, file]);
    assert.equal(check.status, 1, check.stdout + check.stderr);
    assert.match(check.stdout, /nan-morph\.eqp:2:3 error generated-not-finite /);
    const exported = eqp(["export", "--format", "apo", "--model", dir, file]);
    assert.equal(exported.status, 1, exported.stdout + exported.stderr);
    assert.match(exported.stderr, /"Warmish" has errors; nothing exported/);
    assert.doesNotMatch(exported.stdout, /NaN|Fc/);
  });
});
