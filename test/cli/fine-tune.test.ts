/**
 * `eqp train` without a CSV fine-tunes the bundled model on the workspace's tagged presets, in a
 * temporary git repository: the team word decodes closer to its examples than untrained, the
 * bundled words keep their sound, tags that cannot be trained are reported on their lines, the
 * fine-tuned model is used by eqp check and expand, and the word still comes from the tags.
 */
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { temporaryRepository } from "../support/cli.js";
import { generateRows, toCsv } from "../support/safeCsv.js";

const { repo, write, eqpIn } = temporaryRepository("fine-tune");
const model = path.join(repo, ".eqpreset", "model");

/** Narrow, deep settings the shipped autoencoder reconstructs poorly: what fine-tuning is for. */
function whistles(): string {
  return Array.from({ length: 5 }, (_, i) => {
    const f = (2.8 + i * 0.2).toFixed(1);
    return `preset "Whistle ${i}" {\n  tags whistlish\n  bell ${f}kHz +${10 + (i % 2)}dB q ${6 + i}\n  bell ${150 + i * 10}Hz -${9 + (i % 3)}dB q 6\n  highshelf ${15 + i}kHz +9dB\n}\n`;
  }).join("\n");
}

after(() => rmSync(repo, { recursive: true, force: true }));

describe("eqp train on tagged presets", () => {
  it("says what to do when the workspace has nothing to learn from, without a stack trace", () => {
    write("sfx/plain.eqp", 'preset "Plain" {\n  bell 1kHz +3dB\n}\n');
    const run = eqpIn("train", "--out", model);
    assert.equal(run.status, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /nothing to train on: no preset in .* is tagged with a word of its own/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
    const crowdOnly = eqpIn("train", "--socialfx", "x.csv", "--out", model);
    assert.match(crowdOnly.stderr, /--socialfx needs --data/);
  });

  it("fine-tunes: the team word nears its examples, bundled words stay, untrainable tags are problems", () => {
    write("presets/whistles.eqp", whistles());
    write(
      "presets/odd.eqp",
      'preset "Warmish" {\n  tags warm\n  bell 1kHz +3dB\n}\n\npreset "Empty" {\n  tags hollowish\n}\n',
    );
    const run = eqpIn("train", "--out", model, "--epochs", "8");
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const odd = path.join(repo, "presets", "odd.eqp");
    assert.match(run.stdout, new RegExp(`^${odd}:2:8: warning: 'warm' is a word of the model`, "m"));
    assert.match(run.stdout, new RegExp(`^${odd}:7:8: warning: preset "Empty" is tagged but gives no setting`, "m"));
    const fit = /whistlish\s+5 examples\s+([\d.]+) dB untrained → ([\d.]+) dB fine-tuned/.exec(run.stdout);
    assert.ok(fit, run.stdout);
    assert.ok(Number(fit[2]) < Number(fit[1]) * 0.8, `fine-tuning should bring whistlish closer: ${fit[0]}`);
    const drift = /moved by ([\d.]+) dB \(median\), at most ([\d.]+) dB/.exec(run.stdout);
    assert.ok(drift && Number(drift[2]) < 0.25, `bundled words should keep their sound: ${drift?.[0]}`);

    const metadata = JSON.parse(readFileSync(path.join(model, "metadata.json"), "utf8")) as {
      vocabulary: { word: string; examples: number; confidence?: { sources: Record<string, number> } }[];
      model: { data: { fineTuned?: { teamExamples: unknown[] } } };
    };
    const word = metadata.vocabulary.find((entry) => entry.word === "whistlish");
    assert.deepEqual(word?.confidence?.sources, { team: 5 });
    assert.ok(
      metadata.vocabulary.some((entry) => entry.word === "boomy"),
      "the bundled words are kept",
    );
    assert.equal(metadata.model.data.fineTuned?.teamExamples.length, 5);
  });

  it("is used by eqp check and expand, and the word still comes from its tags", () => {
    write("sfx/use.eqp", 'preset "Use" {\n  morph whistlish\n}\n\npreset "Bundled" {\n  morph boomy 0.5\n}\n');
    const check = eqpIn("check", "--model", model, "sfx/use.eqp");
    assert.doesNotMatch(check.stdout, /unknown-word|team-word-shadows-bundled/, check.stdout);
    const expand = (dir?: string) => {
      const result = eqpIn("expand", ...(dir ? ["--model", dir] : []), "--format", "json", "sfx/use.eqp");
      assert.equal(result.status, 0, result.stderr);
      return (JSON.parse(result.stdout) as { presets: { bands: { slot: string; gainDb: number }[] }[] }).presets;
    };
    const tuned = expand(model);
    const highShelf = tuned[0]!.bands.find((band) => band.slot === "highShelf")!;
    assert.ok(highShelf.gainDb > 5, `whistlish lifts the top like its examples: ${JSON.stringify(tuned[0])}`);
    const boomy = (presets: typeof tuned) => presets[1]!.bands.map((band) => band.gainDb);
    boomy(tuned).forEach((gain, i) => assert.ok(Math.abs(gain - boomy(expand())[i]!) < 0.3, "boomy unchanged"));

    rmSync(path.join(repo, "presets", "whistles.eqp"));
    const untagged = eqpIn("check", "--model", model, "sfx/use.eqp");
    assert.match(untagged.stdout, /unknown-word Unknown word 'whistlish'/);
  });

  it("with --data and --tagged, a new model learns the CSV's words and the team's", () => {
    write("presets/whistles.eqp", whistles());
    write("data.csv", toCsv(generateRows(120, 3, ["warm", "bright"])));
    const out = path.join(repo, "from-data");
    const run = eqpIn("train", "--data", "data.csv", "--tagged", "--out", out, "--epochs", "3", "--no-eval");
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /tagged presets: 5 examples of whistlish/);
    const metadata = JSON.parse(readFileSync(path.join(out, "metadata.json"), "utf8")) as {
      vocabulary: { word: string; examples: number; confidence?: { sources: Record<string, number> } }[];
    };
    assert.deepEqual(metadata.vocabulary.map((entry) => entry.word).sort(), ["bright", "warm", "whistlish"]);
    const team = metadata.vocabulary.find((entry) => entry.word === "whistlish");
    assert.deepEqual(team?.confidence?.sources, { team: 5 });
  });
});
