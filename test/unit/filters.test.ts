/**
 * The filters around SAFE's five bands (issue 20): the biquads of every high-pass, low-pass and
 * notch, and what `eqp apply` renders through them, against the response computed from each
 * filter's definition (Butterworth |H|² = 1 / (1 + Ω^2n), the cookbook's analogue prototypes
 * through the prewarped bilinear transform), within 0.01 dB.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { filterChannels, gainToDb, presetBiquads, rms } from "../../server/src/core/audio/index.js";
import {
  bandSections,
  biquadMagnitudeDb,
  butterworthQs,
  effectiveBands,
  exactFilterResponseDb,
  formatDocument,
  logFrequencies,
  parsePresetDocument,
  PASS_SLOPES,
  resolvePresets,
  type EqBand,
} from "../../server/src/core/index.js";

const RATE = 48000;

function filters(): EqBand[] {
  const bands: EqBand[] = [];
  for (const slot of ["highpass", "lowpass"] as const)
    for (const slopeDbPerOctave of PASS_SLOPES)
      bands.push({ slot, frequencyHz: slot === "highpass" ? 300 : 3400, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave });
  bands.push({ slot: "lowpass", frequencyHz: 2000, gainDb: 0, q: 3, slopeDbPerOctave: 12 });
  bands.push({ slot: "highpass", frequencyHz: 120, gainDb: 0, q: 0.5, slopeDbPerOctave: 12 });
  bands.push({ slot: "notch", frequencyHz: 1000, gainDb: 0, q: 30 });
  bands.push({ slot: "notch", frequencyHz: 60, gainDb: 0, q: 2 });
  return bands;
}

function cascadeDb(band: EqBand, frequencyHz: number): number {
  return bandSections(band, RATE).reduce((sum, section) => sum + biquadMagnitudeDb(section, frequencyHz, RATE), 0);
}

const name = (band: EqBand) => `${band.slot} ${band.frequencyHz} Hz ${band.slopeDbPerOctave ?? ""} q ${band.q}`;

describe("filters: biquads against their definitions", () => {
  it("gives the Butterworth pole Qs (order 2: 1/√2; order 4: 1.307 and 0.541; order 3: 1)", () => {
    assert.deepEqual(
      butterworthQs(2).map((q) => q.toFixed(4)),
      ["0.7071"],
    );
    assert.deepEqual(
      butterworthQs(4).map((q) => q.toFixed(4)),
      ["1.3066", "0.5412"],
    );
    assert.deepEqual(
      butterworthQs(3).map((q) => q.toFixed(4)),
      ["1.0000"],
    );
    assert.equal(butterworthQs(8).length, 4);
  });

  it("runs each pass filter as n/2 sections, plus a first-order one for odd orders", () => {
    const sections = (slope: number) =>
      bandSections({ slot: "lowpass", frequencyHz: 1000, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave: slope }, RATE);
    assert.deepEqual(
      PASS_SLOPES.map((slope) => sections(slope).length),
      [1, 1, 2, 2, 3, 4],
    );
    assert.equal(sections(18)[1]!.b2, 0, "the odd order's first-order section");
  });

  it("matches the exact response within 0.01 dB from 20 Hz to 20 kHz, and is 3.01 dB down at a Butterworth corner", () => {
    for (const band of filters()) {
      for (const frequencyHz of logFrequencies(300, 20, 20000)) {
        const exact = exactFilterResponseDb(band, frequencyHz, RATE);
        if (exact < -150) continue; // a notch's centre: −∞ in both
        const error = Math.abs(cascadeDb(band, frequencyHz) - exact);
        assert.ok(error <= 0.01, `${name(band)} at ${frequencyHz.toFixed(1)} Hz: ${error} dB`);
      }
      if (band.q === Math.SQRT1_2)
        assert.ok(Math.abs(cascadeDb(band, band.frequencyHz) + 10 * Math.log10(2)) < 1e-6, name(band));
    }
  });

  it("falls at its slope: an octave past the corner of a low-pass is about n·6 dB further down", () => {
    for (const slope of PASS_SLOPES) {
      const band: EqBand = { slot: "lowpass", frequencyHz: 200, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave: slope };
      const drop = cascadeDb(band, 800) - cascadeDb(band, 1600);
      assert.ok(Math.abs(drop - slope) < 1.5, `${slope} dB/oct: ${drop}`);
    }
  });

  it("renders audio through them (eqp apply's filtering) as the exact response says, within 0.01 dB", () => {
    const start = Math.round(0.25 * RATE);
    for (const band of filters()) {
      // Whole periods in the measured 0.75 s, so the RMS ratio is the filter's gain.
      for (const frequencyHz of [100, 1000, 3000, 8000]) {
        const exact = exactFilterResponseDb(band, frequencyHz, RATE);
        if (exact < -90) continue;
        const input = Float64Array.from(
          { length: RATE },
          (_, i) => 0.25 * Math.sin((2 * Math.PI * frequencyHz * i) / RATE),
        );
        const [output] = filterChannels([input], presetBiquads([band], RATE), 0);
        const measured = gainToDb(rms(output!, start) / rms(input, start));
        assert.ok(Math.abs(measured - exact) <= 0.01, `${name(band)} at ${frequencyHz} Hz: ${measured} vs ${exact}`);
      }
    }
  });
});

describe("filters in the language", () => {
  it("reads a slope, a q and a notch, and keeps them next to a morph's bands (a plain bell adds)", () => {
    const text = "morph warm\nhighpass 300Hz 24dB/oct\nlowpass 3.4kHz q 1.2\nnotch 50 Hz\nbell 3kHz +3dB q 2\n";
    const [preset] = resolvePresets(parsePresetDocument(text));
    const chain = effectiveBands(preset!, []);
    assert.deepEqual(
      chain.map((band) => [band.slot, band.frequencyHz, band.slopeDbPerOctave, Number(band.q.toFixed(2))]),
      [
        ["highpass", 300, 24, 0.71],
        ["lowpass", 3400, 12, 1.2],
        ["notch", 50, undefined, 30],
        ["bell", 3000, undefined, 2],
      ],
    );
  });

  it("formats filters canonically: frequency, slope, q; bell1 stays bell1", () => {
    const text = "HIGHPASS 24 dB/oct 0.3khz\nBell1 +2dB 1khz\nnotch q 5 50hz\n";
    const formatted = formatDocument(parsePresetDocument(text), text);
    assert.equal(formatted, "highpass 300Hz 24dB/oct\nbell1 1kHz +2dB\nnotch 50Hz q 5\n");
  });
});
