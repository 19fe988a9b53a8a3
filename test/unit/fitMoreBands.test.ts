/**
 * The fitter of more than SAFE's five bands (core/fit/fitMoreBands.ts): on curves that five bands
 * cannot make, generated here from known bands.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fitMoreBands, fitSafeEq } from "../../server/src/core/fit/index.js";
import { logFrequencies, responseDb, type EqBand } from "../../server/src/core/eq/index.js";

const RATE = 48000;
const GRID = logFrequencies(200, 30, 18000);
const bell = (frequencyHz: number, gainDb: number, q: number): EqBand => ({ slot: "bell", frequencyHz, gainDb, q });

/** Mean |fitted − target| over the grid, dB. */
function meanError(bands: readonly EqBand[], target: Float64Array): number {
  const fitted = responseDb(bands, GRID, RATE);
  return fitted.reduce((sum, value, i) => sum + Math.abs(value - target[i]!), 0) / GRID.length;
}

describe("fitMoreBands", () => {
  it("with added bells follows seven bells closer than SAFE's five, and every bell it writes is audible", () => {
    const target = responseDb(
      [
        bell(120, 4, 2),
        bell(300, -4, 2),
        bell(800, 4, 2),
        bell(2000, -4, 2),
        bell(5000, 4, 2),
        bell(9000, -4, 2),
        bell(14000, 3, 2),
      ],
      GRID,
      RATE,
    );
    const five = fitSafeEq(GRID, target, { sampleRate: RATE });
    const eight = fitMoreBands(GRID, target, { sampleRate: RATE, extraBells: 3 });
    assert.equal(eight.bands.length, 8);
    assert.deepEqual(
      eight.bands.slice(0, 5).map((band) => band.slot),
      ["lowShelf", "bell1", "bell2", "bell3", "highShelf"],
    );
    assert.ok(eight.bands.slice(5).every((band) => band.slot === "bell" && Math.abs(band.gainDb) >= 0.05));
    const before = meanError(five.bands, target);
    const after = meanError(eight.bands, target);
    assert.ok(after < before * 0.6, `5 bands ${before.toFixed(3)} dB, 8 bands ${after.toFixed(3)} dB`);
    assert.ok(
      Math.abs(after - eight.fittedDb.reduce((s, v, i) => s + Math.abs(v - target[i]!), 0) / GRID.length) < 1e-9,
    );
  });

  it("keeps a high-pass where the curve falls further than a shelf can, near its corner", () => {
    const target = responseDb(
      [{ slot: "highpass", frequencyHz: 150, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave: 24 }, bell(3000, 3, 1)],
      GRID,
      RATE,
    );
    const five = fitSafeEq(GRID, target, { sampleRate: RATE });
    const fit = fitMoreBands(GRID, target, { sampleRate: RATE, passes: ["highpass", "lowpass"] });
    const passes = fit.bands.filter((band) => band.slot === "highpass" || band.slot === "lowpass");
    assert.deepEqual(
      passes.map((band) => band.slot),
      ["highpass"],
    );
    assert.ok(passes[0]!.frequencyHz > 75 && passes[0]!.frequencyHz < 300, `corner ${passes[0]!.frequencyHz} Hz`);
    assert.ok(meanError(fit.bands, target) < meanError(five.bands, target) / 2);
  });

  it("leaves out a pass filter that does not help, and is deterministic", () => {
    const target = responseDb([bell(1000, 5, 1)], GRID, RATE);
    const once = fitMoreBands(GRID, target, { sampleRate: RATE, passes: ["highpass", "lowpass"], extraBells: 1 });
    assert.ok(once.bands.every((band) => band.slot !== "highpass" && band.slot !== "lowpass"));
    assert.deepEqual(
      fitMoreBands(GRID, target, { sampleRate: RATE, passes: ["highpass", "lowpass"], extraBells: 1 }),
      once,
    );
  });
});
