/**
 * "Less of" on the shipped model (issue 21): `morph w -1` is the opposite change of `morph w`,
 * for every word, and a morph stays continuous as a weight crosses 0.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { MorphTermValue } from "../../server/src/core/language/index.js";
import { initBackend } from "../../server/src/core/network/backend.js";
import { loadSemanticModel } from "../../server/src/core/network/modelFolder.js";
import { evaluationCurve, EVALUATION_FREQUENCIES, type SemanticModel } from "../../server/src/core/model/index.js";
import { lessOfMeasures, type LessOfMeasure } from "../../server/src/core/training/index.js";

/** The largest |a − b| over the evaluation grid, dB. */
function largestDifference(a: Float64Array, b: Float64Array): number {
  return a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);
}

describe("less of a word, on the shipped model", () => {
  let model: SemanticModel;
  let measures: LessOfMeasure[];
  const curve = (terms: MorphTermValue[]) => evaluationCurve(model.generate(terms));

  before(async () => {
    await initBackend();
    model = loadSemanticModel(path.resolve("model")).model;
    measures = lessOfMeasures(model);
  });
  after(() => model.dispose());

  it("mirrors every high- and medium-confidence word (correlation ≤ −0.9), and every other word too", () => {
    const trusted = measures.filter((m) => m.level === "high" || m.level === "medium");
    assert.equal(trusted.length, 25);
    for (const m of trusted) assert.ok(m.correlation <= -0.9, `${m.word}: ${m.correlation}`);
    for (const m of measures) assert.ok(m.correlation <= -0.9, `${m.word}: ${m.correlation}`);
  });

  it("adds no boost of more than 1 dB where the word cuts nothing", () => {
    for (const m of measures) assert.ok(m.newBoostDb <= 1, `${m.word}: +${m.newBoostDb.toFixed(2)} dB`);
  });

  it("takes away about as much as the word adds (harsh −1 cuts 2–5 kHz as harsh lifts it)", () => {
    for (const m of measures)
      assert.ok(Math.abs(m.liftDb + m.cutDb) < 0.6 + 0.1 * m.liftDb, `${m.word}: ${m.liftDb} / ${m.cutDb}`);
    const harsh = curve([{ word: "harsh", weight: -1 }]);
    const at3k = EVALUATION_FREQUENCIES.findIndex((f) => f >= 3000);
    assert.ok(harsh[at3k]! < -2.5, `harsh −1 at 3 kHz: ${harsh[at3k]} dB`);
    const sharp = curve([{ word: "sharp", weight: -1 }]);
    // Extrapolated in the latent, sharp −1 added +5.7 dB (Q 5.4) at 1.78 kHz.
    const mids = EVALUATION_FREQUENCIES.map((f, i) => (f > 1000 && f < 5000 ? sharp[i]! : -Infinity));
    assert.ok(Math.max(...mids) < 1, `sharp −1 lifts ${Math.max(...mids)} dB between 1 and 5 kHz`);
  });

  it("is continuous as a negative weight leaves 0, alone and in a mix", () => {
    for (const others of [[], [{ word: "warm", weight: 0.6 }]]) {
      const at = (weight: number) => curve([...others, { word: "harsh", weight }]);
      assert.ok(largestDifference(at(0), at(-0.001)) < 0.05, `${JSON.stringify(others)}: a step at 0`);
      assert.ok(largestDifference(at(-0.1), at(-0.11)) < 0.3, `${JSON.stringify(others)}: a step at −0.1`);
    }
  });

  it("is deterministic", () => {
    const terms = [
      { word: "bright", weight: 0.5 },
      { word: "muddy", weight: -0.7 },
    ];
    const first = Array.from(model.generate(terms));
    const fresh = loadSemanticModel(path.resolve("model")).model;
    assert.deepEqual(Array.from(fresh.generate(terms)), first);
    fresh.dispose();
  });
});
