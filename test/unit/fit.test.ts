/**
 * The SAFE 5-band curve fitter: on curves that five bands can make exactly (generated here, no
 * data needed), on curves they cannot, and on the real data's own settings and SocialFX curves
 * (../shared/data; skipped loudly without it unless EQP_REQUIRE_DATA=1).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { fitSafeEq, FitError } from "../../server/src/core/fit/index.js";
import { logFrequencies, responseDb, SLOTS, type EqBand } from "../../server/src/core/eq/index.js";
import { SeededRandom } from "../../server/src/core/model/index.js";
import { CURVE_FREQUENCIES, socialFxCurveDb } from "../../server/src/core/training/index.js";
import { loadDataset } from "../../server/src/core/training/index.js";
import { loadSocialFx } from "../../server/src/core/training/index.js";
import { settingCurve } from "../../server/src/core/training/index.js";

const GRID = logFrequencies(64, 20, 20000);

/** A random setting inside the plug-in ranges, bells in frequency order as SAFE-DB rows are. */
function randomBands(random: SeededRandom): EqBand[] {
  const logUniform = (min: number, max: number) => min * Math.pow(max / min, random.next());
  return SLOTS.map((slot) => ({
    slot: slot.id,
    gainDb: random.uniform(-10, 10),
    frequencyHz: logUniform(slot.frequency.min, slot.frequency.max),
    q: slot.hasQ ? logUniform(0.3, 4) : 0.71,
  }));
}

function inRanges(bands: readonly EqBand[]): void {
  for (const [index, band] of bands.entries()) {
    const slot = SLOTS[index]!;
    assert.equal(band.slot, slot.id);
    assert.ok(band.frequencyHz >= slot.frequency.min && band.frequencyHz <= slot.frequency.max, JSON.stringify(band));
    assert.ok(band.gainDb >= -12 && band.gainDb <= 12, JSON.stringify(band));
    if (slot.hasQ) assert.ok(band.q >= 0.1 && band.q <= 10, JSON.stringify(band));
    else assert.equal(band.q, 0.71);
  }
}

describe("fitSafeEq on generated curves", () => {
  it("recovers curves that five SAFE bands can make, to a small fraction of a dB", () => {
    const random = new SeededRandom(11);
    const residuals: number[] = [];
    for (let k = 0; k < 40; k++) {
      const target = responseDb(randomBands(random), GRID, 44100);
      const fit = fitSafeEq(GRID, target);
      inRanges(fit.bands);
      const check = responseDb(fit.bands, GRID, 44100);
      // The reported residual is the real one: recompute it from the returned bands.
      const rms = Math.sqrt(check.reduce((sum, value, i) => sum + (value - target[i]!) ** 2, 0) / GRID.length);
      assert.ok(Math.abs(rms - fit.rmsDb) < 1e-6, `${rms} vs ${fit.rmsDb}`);
      residuals.push(fit.rmsDb);
    }
    residuals.sort((a, b) => a - b);
    // Several starts find the exact setting (within 0.01 dB) for a third of the curves and come within a tenth of a
    // dB for most; overlapping bells (random slots here, unsorted) can hide the exact minimum.
    // Measured: median 0.05 dB, 90th percentile 0.28 dB, worst 0.41 dB.
    assert.ok(residuals.filter((rms) => rms < 0.01).length >= 10, residuals.join(" "));
    assert.ok(residuals[Math.floor(residuals.length / 2)]! < 0.1, `median residual ${residuals[20]} dB`);
    assert.ok(residuals[Math.floor(residuals.length * 0.9)]! < 0.35, `90th percentile ${residuals[36]} dB`);
    assert.ok(residuals.at(-1)! < 0.6, `worst ${residuals.at(-1)} dB`);
  });

  it("is deterministic and stays inside the plug-in ranges for curves it cannot make", () => {
    const wild = Float64Array.from(GRID, (f, i) => (i % 7 < 3 ? 30 : -30) * Math.sin(Math.log(f)));
    const first = fitSafeEq(GRID, wild);
    const second = fitSafeEq(GRID, wild);
    assert.deepEqual(first.bands, second.bands);
    inRanges(first.bands);
    assert.ok(first.maxDb >= first.rmsDb && first.rmsDb > 5, `rms ${first.rmsDb}, max ${first.maxDb}`);
  });

  it("fits a flat target with a flat EQ", () => {
    const fit = fitSafeEq(GRID, new Float64Array(GRID.length));
    assert.ok(fit.maxDb < 0.01, String(fit.maxDb));
  });

  it("weighs frequencies as told: a zero weight ignores that part of the target", () => {
    const target = Float64Array.from(GRID, (f) => (f > 5000 ? 40 : 0));
    const weights = Float64Array.from(GRID, (f) => (f > 5000 ? 0 : 1));
    const fit = fitSafeEq(GRID, target, { weights });
    assert.ok(fit.rmsDb < 0.01, String(fit.rmsDb));
  });

  it("rejects input it cannot fit, saying why", () => {
    assert.throws(() => fitSafeEq([100], [0]), FitError);
    assert.throws(() => fitSafeEq([100, 50], [0, 0]), /ascending/);
    assert.throws(() => fitSafeEq([100, 30000], [0, 0]), /outside/);
    assert.throws(() => fitSafeEq([100, 200], [0, Number.NaN]), /not a number/);
    assert.throws(() => fitSafeEq([100, 200], [0, 0], { weights: [0, 0] }), /weights/);
  });
});

const DATA = path.resolve("..", "shared", "data");
const SAFE = path.join(DATA, "SAFEEqualiserUserData.csv");
const SOCIALFX = path.join(DATA, "SocialFX_eq_contributions.csv");
const hasData = existsSync(SAFE) && existsSync(SOCIALFX);
if (!hasData) {
  const message = `data not found in ${DATA}: the fitter's real-data tests are skipped`;
  if (process.env.EQP_REQUIRE_DATA === "1") throw new Error(message);
  console.warn(`\n*** ${message} ***\n`);
}

describe("fitSafeEq on the real data", { skip: !hasData }, () => {
  it("gives SAFE-DB's own settings back from their curves", () => {
    const rows = loadDataset(SAFE, { minExamples: 1 }).rows.filter((_, index) => index % 10 === 0);
    const residuals = rows.map((row) => fitSafeEq(CURVE_FREQUENCIES, settingCurve(row.values)).rmsDb);
    residuals.sort((a, b) => a - b);
    const median = residuals[Math.floor(residuals.length / 2)]!;
    assert.ok(median < 0.05, `median residual ${median} dB over ${rows.length} settings`);
    assert.ok(residuals[Math.floor(residuals.length * 0.95)]! < 1, "95th percentile under 1 dB");
  });

  it("fits SocialFX's calibrated curves within a fraction of a dB", () => {
    const socialfx = loadSocialFx(SOCIALFX);
    const scale = { dbPerUnit: 2.1, offsetDb: -1 };
    const rows = socialfx.rows.filter((_, index) => index % 5 === 0);
    const residuals = rows.map(
      (row) => fitSafeEq(CURVE_FREQUENCIES, socialFxCurveDb(row.shape, socialfx.frequencies, scale)).rmsDb,
    );
    const mean = residuals.reduce((a, b) => a + b, 0) / residuals.length;
    assert.ok(mean < 0.35, `mean residual ${mean} dB over ${rows.length} curves`);
    assert.ok(Math.max(...residuals) < 1.5, `largest residual ${Math.max(...residuals)} dB`);
  });
});
