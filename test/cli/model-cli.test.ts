import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { CLI, eqp, literal, temporaryFolder } from "../support/cli.js";
import { csvLine, generateRows } from "../support/safeCsv.js";
import { fixtureModelDir } from "../support/fixtureModel.js";
import { networkFilesOf } from "../support/fixtureModel.js";

const work = temporaryFolder("train");
const data = path.join(work, "data.csv");

before(() => {
  const lines = generateRows(150, 9).map((row, index) => csvLine(index + 1, row));
  lines[10] = lines[10]!.split(",").slice(0, 12).join(","); // line 11: too few columns
  lines[20] = lines[20]!.replace(/^(\d+,\w+,\w+,2,2,)[^,]+/, "$1loud"); // line 21: not a number
  writeFileSync(data, `${lines.join("\n")}\n`);
});

function sha(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

describe("eqp train", () => {
  it("trains, reports malformed rows with their lines, and writes a model folder", () => {
    const out = path.join(work, "model-a");
    const result = eqp("train", "--data", data, "--out", out, "--epochs", "4", "--seed", "7");
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`${literal(data)}:11: skipped: expected 25 columns, found 12`));
    assert.match(result.stdout, /:21: skipped: column 6 \(lowShelf.gain\) is not a number: "loud"/);
    assert.match(result.stdout, /150 rows read, 148 used, 2 malformed/);
    assert.match(
      result.stdout,
      /\[all data\] epoch 4\/4 {2}reconstruction \d\.\d+ {2}contrastive \d\.\d+ \(weight 0\.50\) .* ETA/,
    );
    assert.match(result.stdout, /curve error +\d+\.\d+ dB/);
    // The network files are named by their content, so a later save never overwrites the model in use.
    assert.deepEqual(
      readdirSync(out)
        .sort()
        .map((name) => name.replace(/-[0-9a-f]{12}\./, "-<id>.")),
      ["metadata.json", "model-<id>.json", "weights-<id>.bin"],
    );
    const metadata = JSON.parse(readFileSync(path.join(out, "metadata.json"), "utf8"));
    assert.equal(metadata.model.data.sha256, sha(data));
    assert.equal(metadata.model.training.seed, 7);
    assert.equal(metadata.model.words.length, 3);
    assert.ok(metadata.model.evaluation.heldOut.curveErrorDb > 0);
  });

  it("is deterministic for a seed", () => {
    const a = path.join(work, "seed-a");
    const b = path.join(work, "seed-b");
    const c = path.join(work, "seed-c");
    assert.equal(eqp("train", "--data", data, "--out", a, "--epochs", "3", "--seed", "5", "--no-eval").status, 0);
    assert.equal(eqp("train", "--data", data, "--out", b, "--epochs", "3", "--seed", "5", "--no-eval").status, 0);
    assert.equal(eqp("train", "--data", data, "--out", c, "--epochs", "3", "--seed", "6", "--no-eval").status, 0);
    assert.equal(sha(networkFilesOf(a).weights), sha(networkFilesOf(b).weights));
    assert.notEqual(sha(networkFilesOf(a).weights), sha(networkFilesOf(c).weights));
  });

  it("writes nothing when interrupted, and keeps the previous model", async () => {
    const out = path.join(work, "model-a");
    const before = sha(networkFilesOf(out).weights);
    const child = spawn(
      process.execPath,
      [CLI, "train", "--data", data, "--out", out, "--epochs", "500", "--no-eval"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("epoch")) resolve();
      });
    });
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(code, 130);
    assert.match(stderr, /nothing was written/);
    assert.equal(sha(networkFilesOf(out).weights), before);
    assert.deepEqual(
      readdirSync(work).filter((entry) => entry.includes("partial")),
      [],
    );
  });

  it("says clearly what is wrong with the data, without a stack trace", () => {
    const missing = eqp("train", "--data", path.join(work, "nope.csv"), "--out", path.join(work, "x"));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^eqp: .*nope.csv: no such file\n$/);
    const empty = path.join(work, "empty.csv");
    writeFileSync(empty, "\n");
    const result = eqp("train", "--data", empty, "--out", path.join(work, "x"));
    assert.equal(result.status, 2);
    assert.match(result.stderr, /empty.csv: the file is empty/);
    assert.ok(!existsSync(path.join(work, "x")));
  });
});

describe("eqp eval and eqp expand", () => {
  it("evaluates a model held out by participant", () => {
    const out = path.join(work, "holdout");
    assert.equal(eqp("train", "--data", data, "--out", out, "--epochs", "3", "--holdout").status, 0);
    const result = eqp("eval", "--model", out, "--data", data, "--format", "json");
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      inSample: boolean;
      evaluation: { heldOut: { rows: number; curveErrorDb: number } };
    };
    assert.equal(report.inSample, false);
    assert.ok(report.evaluation.heldOut.rows > 0);
    assert.ok(report.evaluation.heldOut.curveErrorDb > 0);
  });

  it("scores a model on a separate file of held-out participants as a whole, with a note on the words", () => {
    const out = path.join(work, "for-held-out");
    assert.equal(eqp("train", "--data", data, "--out", out, "--epochs", "3", "--no-eval").status, 0);
    // Other participants, and a word the model never saw; none of its "airy" examples.
    const held = path.join(work, "held.csv");
    const rows = generateRows(30, 77, ["warm", "bright", "crunchy"]).map((row) => ({
      ...row,
      participant: `held-${row.participant}`,
    }));
    writeFileSync(held, `${rows.map((row, index) => csvLine(index + 1, row)).join("\n")}\n`);
    const result = eqp("eval", "--model", out, "--data", held, "--format", "json");
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      inSample: boolean;
      evaluation: { method: string; heldOut: { rows: number; curveErrorDb: number } };
    };
    assert.equal(report.inSample, false);
    assert.equal(report.evaluation.heldOut.rows, 30);
    assert.match(
      report.evaluation.method,
      /all 30 settings of .*held\.csv, held out: the model was not trained on this file/,
    );
    assert.ok(Number.isFinite(report.evaluation.heldOut.curveErrorDb) && report.evaluation.heldOut.curveErrorDb > 0);
    assert.match(
      result.stderr,
      /the words differ: 1 in the data but not the model \(crunchy\).*have no example in the data \(airy\)/,
    );
    const text = eqp("eval", "--model", out, "--data", held);
    assert.equal(text.status, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /NaN|undefined/);
  });

  it("prints a file with its morphs expanded, and the bands as JSON", async () => {
    const model = await fixtureModelDir();
    const file = path.join(work, "mix.eqp");
    writeFileSync(file, 'preset "Pad" {\n  morph warm 0.5 bright 0.5 # soft\n  gain -1dB\n}\n');
    const text = eqp("expand", "--model", model, file);
    assert.equal(text.status, 0, text.stderr);
    assert.match(
      text.stdout,
      /^preset "Pad" \{\n {2}# morph warm 0.5 bright 0.5\n {2}lowshelf \S+Hz [+-]?[\d.]+dB\n {2}bell .* q [\d.]+\n {2}bell .*\n {2}bell .*\n {2}highshelf \S+ \S+ # soft\n {2}gain -1dB\n\}\n$/,
    );
    const json = eqp("expand", "--model", model, "--format", "json", file);
    const parsed = JSON.parse(json.stdout) as {
      presets: { name: string; bands: { type: string; frequencyHz: number }[] }[];
    };
    assert.equal(parsed.presets[0]!.name, "Pad");
    assert.deepEqual(
      parsed.presets[0]!.bands.map((band) => band.type),
      ["lowshelf", "bell", "bell", "bell", "highshelf"],
    );
  });
});
