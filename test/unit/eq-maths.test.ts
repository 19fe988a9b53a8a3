import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { biquad, biquadMagnitudeDb, logFrequencies, responseDb } from "../../server/src/core/index.js";
import { denormalise, fixedBounds, normalise, PARAMETERS } from "../../server/src/core/model/index.js";

describe("RBJ cookbook biquads", () => {
  it("matches known peaking coefficients", () => {
    // f0 = 1 kHz, +6 dB, Q 1, fs 48 kHz, worked out from the cookbook formulas by hand.
    const filter = biquad("peaking", 1000, 6, 1, 48000);
    const w0 = (2 * Math.PI * 1000) / 48000;
    const alpha = Math.sin(w0) / 2;
    const a = Math.pow(10, 6 / 40);
    const a0 = 1 + alpha / a;
    assert.ok(Math.abs(filter.b0 - (1 + alpha * a) / a0) < 1e-12);
    assert.ok(Math.abs(filter.b1 - (-2 * Math.cos(w0)) / a0) < 1e-12);
    assert.ok(Math.abs(filter.a2 - (1 - alpha / a) / a0) < 1e-12);
    assert.ok(Math.abs(filter.b0 - 1.043953) < 1e-6, String(filter.b0));
  });

  it("has the band's gain at its centre and on the shelves' plateaus", () => {
    assert.ok(Math.abs(biquadMagnitudeDb(biquad("peaking", 1000, 6, 1, 48000), 1000, 48000) - 6) < 1e-9);
    assert.ok(Math.abs(biquadMagnitudeDb(biquad("lowshelf", 200, -4, 0.71, 48000), 20, 48000) + 4) < 0.05);
    assert.ok(Math.abs(biquadMagnitudeDb(biquad("highshelf", 2000, 5, 0.71, 48000), 18000, 48000) - 5) < 0.1);
    assert.ok(Math.abs(biquadMagnitudeDb(biquad("highshelf", 2000, 5, 0.71, 48000), 20, 48000)) < 0.01);
  });

  it("adds bands in dB", () => {
    const frequencies = logFrequencies(3, 100, 10000);
    const curve = responseDb(
      [
        { slot: "bell1", frequencyHz: 1000, gainDb: 3, q: 2 },
        { slot: "bell2", frequencyHz: 1000, gainDb: 3, q: 2 },
      ],
      frequencies,
      48000,
    );
    assert.ok(Math.abs(curve[1]! - 6) < 1e-9);
  });
});

describe("fixed normalisation", () => {
  for (const scheme of ["plugin", "audible"] as const) {
    it(`${scheme}: round-trips exactly at the bounds`, () => {
      const bounds = fixedBounds(scheme);
      const low = bounds.ranges.map((range) => range.min);
      const high = bounds.ranges.map((range) => range.max);
      for (const values of [low, high]) {
        const normalised = normalise(values, bounds);
        assert.ok(
          normalised.every((value) => value === 0 || value === 1 || Math.abs(value - Math.round(value)) < 1e-6),
        );
        const back = denormalise(normalised, bounds);
        PARAMETERS.forEach((parameter, i) => {
          const expected = Math.min(parameter.pluginRange.max, Math.max(parameter.pluginRange.min, values[i]!));
          assert.ok(
            Math.abs(back[i]! - expected) / Math.abs(expected || 1) < 1e-5,
            `${parameter.name}: ${back[i]} vs ${expected}`,
          );
        });
      }
    });
  }

  it("maps 20 Hz, 20 kHz, Q 0.1 and 10, ±12 dB exactly onto the ends", () => {
    const bounds = fixedBounds("audible");
    const values = [12, 20, -12, 20000, 0.1, 0, 1000, 10, 12, 20000, 0.1, -12, 20000];
    const normalised = Array.from(normalise(values, bounds));
    assert.deepEqual(
      normalised.map((value) => Math.round(value * 1e6) / 1e6),
      [1, 0, 0, 1, 0, 0.5, 0.566323, 1, 1, 1, 0, 0, 1],
    );
  });

  it("never yields a value outside the plug-in ranges, even for the network's extreme outputs", () => {
    for (const scheme of ["plugin", "audible"] as const) {
      for (const t of [-0.5, 0, 1, 1.5]) {
        const values = denormalise(new Array(13).fill(t), fixedBounds(scheme));
        PARAMETERS.forEach((parameter) => {
          const value = values[parameter.index]!;
          assert.ok(
            value >= parameter.pluginRange.min && value <= parameter.pluginRange.max,
            `${scheme} ${parameter.name} ${value}`,
          );
        });
      }
    }
  });

  it("can reach 20 kHz on the high shelf (the predecessor stopped at 7.9 kHz)", () => {
    for (const scheme of ["plugin", "audible"] as const)
      assert.equal(denormalise(new Array(13).fill(1), fixedBounds(scheme))[12], 20000);
  });
});
