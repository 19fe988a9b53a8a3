import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { exportJson } from "../../server/src/core/export/index.js";
import type { ConcretePreset } from "../../server/src/core/export/index.js";

interface Coefficients {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

function exported(preset: ConcretePreset): Coefficients[] {
  const document = JSON.parse(exportJson([preset], { coefficientRates: "own" })) as {
    presets: { coefficients: Record<string, Coefficients[]> }[];
  };
  return document.presets[0]!.coefficients[String(preset.sampleRate)]!;
}

function assertClose(actual: Coefficients, expected: Coefficients, tolerance = 5e-9): void {
  for (const key of ["b0", "b1", "b2", "a1", "a2"] as const) {
    assert.ok(Math.abs(actual[key] - expected[key]) < tolerance, `${key}: ${actual[key]} vs ${expected[key]}`);
  }
}

/**
 * Reference values: the RBJ Audio EQ Cookbook formulas evaluated on their own (not by this
 * project's code), to nine decimals, then normalised by a0.
 */
describe("exported biquad coefficients against cookbook values", () => {
  it("peaking EQ, 1 kHz, +6 dB, Q 1 at 48 kHz", () => {
    const [filter] = exported({
      name: "p",
      sampleRate: 48000,
      outputGainDb: 0,
      bands: [{ slot: "bell1", frequencyHz: 1000, gainDb: 6, q: 1 }],
    });
    assertClose(filter!, { b0: 1.043953087, b1: -1.895320724, b2: 0.867722285, a1: -1.895320724, a2: 0.911675372 });
  });

  it("low shelf, 100 Hz, -6 dB, Q 0.71 at 44.1 kHz", () => {
    const [filter] = exported({
      name: "l",
      sampleRate: 44100,
      outputGainDb: 0,
      bands: [{ slot: "lowShelf", frequencyHz: 100, gainDb: -6, q: 0.71 }],
    });
    assertClose(filter!, { b0: 0.996523191, b1: -1.976219949, b2: 0.979838769, a1: -1.976149281, a2: 0.976432628 });
    // At DC z = 1: the shelf's full gain, 10^(-6/20).
    const dc = (filter!.b0 + filter!.b1 + filter!.b2) / (1 + filter!.a1 + filter!.a2);
    assert.ok(Math.abs(dc - 0.501187234) < 1e-8, String(dc));
  });

  it("high shelf, 8 kHz, +4 dB, Q 0.71 at 48 kHz", () => {
    const [filter] = exported({
      name: "h",
      sampleRate: 48000,
      outputGainDb: 0,
      bands: [{ slot: "highShelf", frequencyHz: 8000, gainDb: 4, q: 0.71 }],
    });
    assertClose(filter!, { b0: 1.352111, b1: -0.99934388, b2: 0.367019998, a1: -0.497727286, a2: 0.217514403 });
    // At Nyquist z = -1: the shelf's full gain, 10^(4/20).
    const nyquist = (filter!.b0 - filter!.b1 + filter!.b2) / (1 - filter!.a1 + filter!.a2);
    assert.ok(Math.abs(nyquist - 1.584893192) < 1e-8, String(nyquist));
  });

  it("uses the sample rate asked for", () => {
    const band = { slot: "bell1" as const, frequencyHz: 1000, gainDb: 6, q: 1 };
    const [at48] = exported({ name: "a", sampleRate: 48000, outputGainDb: 0, bands: [band] });
    const [at96] = exported({ name: "b", sampleRate: 96000, outputGainDb: 0, bands: [band] });
    assert.notEqual(at48!.b1, at96!.b1);
    assert.ok(
      Math.abs(
        at96!.b1 -
          (-2 * Math.cos((2 * Math.PI * 1000) / 96000)) /
            (1 + Math.sin((2 * Math.PI * 1000) / 96000) / 2 / Math.pow(10, 6 / 40)),
      ) < 1e-12,
    );
  });
});
