/**
 * Physical priors for words whose crowd data contradict physics (issue 21): air absorption as
 * ISO 9613-1 computes it, the shrinkage of a few examples toward it, and `morph distant` on the
 * shipped model cutting the highs that distance takes away.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  airAbsorptionDbPerMetre,
  evaluationCurve,
  EVALUATION_FREQUENCIES,
  PRIOR_EXAMPLES,
  withPrior,
  type SemanticModel,
} from "../../server/src/core/model/index.js";
import { initBackend } from "../../server/src/core/network/backend.js";
import { loadSemanticModel } from "../../server/src/core/network/modelFolder.js";

describe("word priors", () => {
  it("computes air absorption as ISO 9613's table (20 °C, 70 % humidity, dB/km)", () => {
    const table: [number, number][] = [
      [63, 0.1],
      [125, 0.3],
      [250, 1.1],
      [500, 2.8],
      [1000, 5.0],
      [2000, 9.0],
      [4000, 22.9],
      [8000, 76.6],
    ];
    const atmosphere = { temperatureC: 20, relativeHumidityPercent: 70, pressureKPa: 101.325 };
    for (const [frequency, dbPerKm] of table) {
      const computed = 1000 * airAbsorptionDbPerMetre(frequency, atmosphere);
      // The table is rounded to 0.1 dB/km; beyond that, within 2 %.
      assert.ok(Math.abs(computed - dbPerKm) <= Math.max(0.05, 0.02 * dbPerKm), `${frequency} Hz: ${computed} dB/km`);
    }
  });

  it("shrinks a few examples toward the prior and leaves words without one alone", () => {
    const frequencies = [1000, 8000, 16000];
    const crowd = Float64Array.from([-3, 0.3, 2.5]);
    const shrunk = withPrior("distant", crowd, 2, frequencies);
    const crowdShare = 2 / (2 + PRIOR_EXAMPLES);
    const physical = frequencies.map((f) => -50 * airAbsorptionDbPerMetre(f));
    shrunk.forEach((value, i) =>
      assert.ok(Math.abs(value - (crowdShare * crowd[i]! + (1 - crowdShare) * physical[i]!)) < 1e-9),
    );
    assert.ok(shrunk[2]! < -10, `16 kHz: ${shrunk[2]}`);
    assert.deepEqual(Array.from(withPrior("warm", crowd, 2, frequencies)), Array.from(crowd));
    // Many examples keep their own curve nearly unchanged.
    assert.ok(withPrior("distant", crowd, 500, frequencies)[2]! > 2);
  });

  describe("on the shipped model", () => {
    let model: SemanticModel;
    before(async () => {
      await initBackend();
      model = loadSemanticModel(path.resolve("model")).model;
    });
    after(() => model.dispose());

    it("`morph distant` cuts above 8 kHz and lifts nothing", () => {
      const curve = evaluationCurve(model.generate([{ word: "distant", weight: 1 }]));
      EVALUATION_FREQUENCIES.forEach((frequency, i) => {
        if (frequency >= 8000) assert.ok(curve[i]! <= -3, `${Math.round(frequency)} Hz: ${curve[i]!.toFixed(2)} dB`);
        assert.ok(curve[i]! <= 0.5, `${Math.round(frequency)} Hz lifted by ${curve[i]!.toFixed(2)} dB`);
      });
      assert.match(model.vocabulary.lookup("distant")?.summary ?? "", /cuts above/);
    });
  });
});
