/**
 * The shipped model (model/) against the real SAFE-DB and SocialFX data, read from ../shared/data
 * (present in CI; the data is never part of the repository). Skipped loudly when the data is
 * absent, unless EQP_REQUIRE_DATA=1.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { initBackend } from "../../server/src/core/network/backend.js";
import { evaluationCurve, withPrior } from "../../server/src/core/model/index.js";
import { loadDataset, type Dataset } from "../../server/src/core/training/index.js";
import { loadSocialFx } from "../../server/src/core/training/index.js";
import { pearson } from "../../server/src/core/training/index.js";
import { prepareCrowdData, type CrowdData } from "../../server/src/core/training/index.js";
import { SHIP_RULE } from "../../server/src/core/training/index.js";
import { reconstruct } from "../../server/src/core/training/index.js";
import { loadSemanticModel } from "../../server/src/core/network/modelFolder.js";
import { PARAMETERS } from "../../server/src/core/model/index.js";
import type { SemanticModel } from "../../server/src/core/model/index.js";
import { logFrequencies, responseDb, bandsOfParameters } from "../support/curves.js";

const DATA = path.resolve("..", "shared", "data", "SAFEEqualiserUserData.csv");
const SOCIALFX = path.resolve("..", "shared", "data", "SocialFX_eq_contributions.csv");
const hasData = existsSync(DATA) && existsSync(SOCIALFX);
if (!hasData) {
  const message = `SAFE-DB or SocialFX data not found next to ${DATA}: the shipped-model tests are skipped`;
  if (process.env.EQP_REQUIRE_DATA === "1") throw new Error(message);
  console.warn(`\n*** ${message} ***\n`);
}

/**
 * Pearson correlation of a word's generated curve with the mean curve of its examples. Measured on
 * the shipped model: every word 0.76 or more (super, bassy, punchy lowest), the median 0.99.
 */
const MIN_SHAPE_CORRELATION = 0.7;
const MEDIAN_SHAPE_CORRELATION = 0.95;

describe("the shipped model on the real data", { skip: !hasData }, () => {
  let model: SemanticModel;
  let dataset: Dataset;

  let crowd: CrowdData;
  /** The SAFE-DB settings the model was trained on. */
  const safeRows = () => crowd.rows.filter((row) => row.source === "safe");
  let metadata: ReturnType<typeof loadSemanticModel>["metadata"];

  before(async () => {
    await initBackend();
    ({ model, metadata } = loadSemanticModel(path.resolve("model")));
    dataset = loadDataset(DATA, { minExamples: 1 });
    // The words, their rows and their verdicts recomputed from the data, as `eqp train` does.
    crowd = prepareCrowdData(dataset, loadSocialFx(SOCIALFX), { seed: Number(metadata.model.training.seed ?? 1) });
  });

  it("was trained on this data, and ships exactly the words the data supports", () => {
    assert.equal(metadata.model.data.sha256, dataset.checksum);
    const crowds = metadata.model.data.crowds as { socialfx: { sha256: string } };
    assert.equal(crowds.socialfx.sha256, loadSocialFx(SOCIALFX).checksum);
    assert.deepEqual(
      model.vocabulary.words().map((word) => word.word),
      crowd.words.map((word) => word.word),
    );
    assert.ok(model.vocabulary.size >= 100, `${model.vocabulary.size} words`);
  });

  it("ships no word below the threshold, and no noise word as reliable", () => {
    for (const info of model.vocabulary.words()) {
      const verdict = crowd.verdicts.get(info.word);
      assert.ok(verdict, info.word);
      assert.deepEqual(info.confidence, verdict.confidence, info.word);
      assert.ok(verdict.contributors >= SHIP_RULE.minContributors, info.word);
      assert.ok(verdict.confidence.agreement! > SHIP_RULE.minAgreement, info.word);
      assert.ok(verdict.chance <= SHIP_RULE.maxChance, `${info.word}: chance ${verdict.chance}`);
      assert.ok(info.summary && info.summary.length > 0, info.word);
    }
    for (const noise of ["happy", "love", "hello", "beautiful", "cool"]) {
      const level = model.vocabulary.lookup(noise)?.confidence?.level;
      assert.ok(level === undefined || level === "low", `${noise}: ${level}`);
    }
    for (const word of ["warm", "bright", "crisp", "dark", "heavy"])
      assert.equal(model.vocabulary.lookup(word)?.confidence?.level, "high", word);
    // A comparative is no second entry: brighter was measured to be bright, and merged into it.
    assert.equal(model.vocabulary.lookup("brighter"), undefined);
  });

  it("gives each word a curve that agrees with its own examples in shape and direction", () => {
    const frequencies = logFrequencies(200, 20, 20000);
    const tilt = (curve: Float64Array) => {
      const band = (low: number, high: number) => {
        const picked = Array.from(curve).filter((_, i) => frequencies[i]! >= low && frequencies[i]! <= high);
        return picked.reduce((a, b) => a + b, 0) / picked.length;
      };
      return band(3000, 16000) - band(30, 300);
    };
    const failures: string[] = [];
    const correlations: number[] = [];
    for (const { word } of model.vocabulary.words()) {
      const examples = crowd.rows.filter((row) => row.word === word).map((row) => evaluationCurve(row.values));
      const mean = new Float64Array(frequencies.length);
      for (const curve of examples) for (let i = 0; i < mean.length; i++) mean[i]! += curve[i]! / examples.length;
      // A word whose examples contradict physics (distant: wordPriors.ts) is held to its shrunk curve.
      const target = withPrior(word, mean, examples.length, frequencies);
      const output = evaluationCurve(model.generate([{ word, weight: 1 }]));
      const r = pearson(output, target);
      correlations.push(r);
      if (r < MIN_SHAPE_CORRELATION) failures.push(`${word}: shape r = ${r.toFixed(2)}`);
      if (Math.abs(tilt(target)) > 2 && Math.sign(tilt(target)) !== Math.sign(tilt(output)))
        failures.push(`${word}: examples tilt ${tilt(target).toFixed(1)} dB, output ${tilt(output).toFixed(1)} dB`);
    }
    assert.deepEqual(failures, []);
    correlations.sort((a, b) => a - b);
    assert.ok(correlations[Math.floor(correlations.length / 2)]! > MEDIAN_SHAPE_CORRELATION, String(correlations));
  });

  it("loads within the 50 ms budget", () => {
    const times: number[] = [];
    for (let k = 0; k < 5; k++) {
      const started = performance.now();
      loadSemanticModel(path.resolve("model")).model.dispose();
      times.push(performance.now() - started);
    }
    // The fastest of five: a busy machine (CI runs suites side by side) only ever slows a load down.
    times.sort((a, b) => a - b);
    assert.ok(times[0]! < 50, `fastest of five loads ${times[0]!.toFixed(1)} ms (all: ${times.join(", ")})`);
  });

  it("warm boosts the low mids and bright boosts the highs", () => {
    const frequencies = logFrequencies(200, 20, 20000);
    const curve = (word: string) =>
      responseDb(bandsOfParameters(model.generate([{ word, weight: 1 }])), frequencies, 44100);
    const band = (values: Float64Array, low: number, high: number) => {
      const picked = Array.from(values).filter((_, i) => frequencies[i]! >= low && frequencies[i]! <= high);
      return picked.reduce((a, b) => a + b, 0) / picked.length;
    };
    const warm = curve("warm");
    const bright = curve("bright");
    assert.ok(band(warm, 150, 500) > 1, `warm at 150–500 Hz: ${band(warm, 150, 500)}`);
    assert.ok(band(warm, 150, 500) > band(warm, 5000, 16000) + 2, "warm tilts towards the low mids");
    assert.ok(band(bright, 5000, 16000) > 1, `bright at 5–16 kHz: ${band(bright, 5000, 16000)}`);
    assert.ok(band(bright, 5000, 16000) > band(bright, 150, 500) + 2, "bright tilts towards the highs");
  });

  it("generates only values inside the plug-in ranges, for words and blends", () => {
    const morphs = [
      [{ word: "warm", weight: 1 }],
      [{ word: "bright", weight: 1 }],
      [
        { word: "warm", weight: 0.3 },
        { word: "bright", weight: 0.7 },
      ],
      [{ word: "bright", weight: -1 }],
      [{ word: "warm", weight: 3 }],
      ...model.vocabulary.words().map((word) => [{ word: word.word, weight: 1 }]),
    ];
    for (const values of model.generateMany(morphs)) {
      for (const parameter of PARAMETERS) {
        const value = values[parameter.index]!;
        assert.ok(
          value >= parameter.pluginRange.min && value <= parameter.pluginRange.max,
          `${parameter.name} = ${value}`,
        );
      }
    }
  });

  it("brings back the settings with a high shelf above 10 kHz", () => {
    const high = safeRows().filter((row) => row.values[12]! > 10000);
    assert.ok(high.length >= 40, String(high.length));
    const errors = reconstruct(model, high).map((values, index) =>
      Math.abs(Math.log2(values[12]! / high[index]!.values[12]!)),
    );
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    assert.ok(mean <= 0.25, `mean high-shelf error ${mean.toFixed(3)} octaves`);
    assert.ok(
      Math.min(...reconstruct(model, high).map((values) => values[12]!)) > 7900,
      "the predecessor's 7.9 kHz ceiling is gone",
    );
  });

  it("describes people's warm and bright settings with their own word first, more often than not", () => {
    for (const word of ["warm", "bright"]) {
      const rows = safeRows().filter((row) => row.word === word);
      const named = rows.filter((row) => model.describe(row.values)[0]?.word === word).length;
      assert.ok(named / rows.length > 0.5, `${word}: named first for ${named} of ${rows.length} settings`);
    }
    assert.deepEqual(model.describe(model.generate([{ word: "warm", weight: 0.8 }]))[0]?.word, "warm");
  });
});
