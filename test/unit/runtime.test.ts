/**
 * The runtime package (runtime/src) against the core: the same biquads for the SAFE bands at every
 * common sample rate, Butterworth passes with their textbook response, and load errors that name
 * the place of the problem.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bandBiquad, logFrequencies, responseDb, type EqBand } from "../../server/src/core/index.js";
import { documentFilters } from "../../server/src/core/export/index.js";
import { coefficients, loadPresets, magnitudeDb, type Preset } from "../../runtime/src/index.js";

const bands: EqBand[] = [
  { slot: "lowShelf", frequencyHz: 135.54, gainDb: -4.11, q: 0.71 },
  { slot: "bell1", frequencyHz: 280.8, gainDb: 3.62, q: 0.849 },
  { slot: "bell2", frequencyHz: 936.22, gainDb: -0.25, q: 2.5 },
  { slot: "bell3", frequencyHz: 6134.19, gainDb: -6.7, q: 4 },
  { slot: "highShelf", frequencyHz: 9485.5, gainDb: 2.71, q: 0.71 },
];
const concrete = { name: "x", sampleRate: 48000, outputGainDb: -1.5, bands };
const preset: Preset = { name: "x", outputGainDb: -1.5, filters: documentFilters(concrete) };

describe("runtime coefficients", () => {
  for (const rate of [22050, 44100, 48000, 96000]) {
    it(`match the core's biquads at ${rate} Hz`, () => {
      const ours = coefficients(preset, rate);
      assert.equal(ours.length, bands.length);
      bands.forEach((band, index) => {
        const core = bandBiquad(band, rate);
        for (const key of ["b0", "b1", "b2", "a1", "a2"] as const)
          assert.ok(Math.abs(ours[index]![key] - core[key]) < 1e-12, `${band.slot} ${key} at ${rate}`);
      });
      const frequencies = logFrequencies(50, 20, rate / 2.2);
      const expected = responseDb(bands, frequencies, rate, -1.5);
      magnitudeDb(preset, frequencies, rate).forEach((db, i) =>
        assert.ok(Math.abs(db - expected[i]!) < 1e-9, `${frequencies[i]} Hz`),
      );
    });
  }

  for (const slope of [6, 12, 18, 24, 36, 48] as const) {
    it(`give a ${slope} dB/oct Butterworth low-pass: -3.01 dB at the corner, ${slope} dB per octave far above it`, () => {
      const lowpass: Preset = {
        name: "lp",
        outputGainDb: 0,
        filters: [{ type: "lowpass", frequencyHz: 200, slopeDbPerOct: slope }],
      };
      const sections = coefficients(lowpass, 96000);
      assert.equal(sections.length, Math.ceil(slope / 12));
      const [corner, passband, octaveA, octaveB] = magnitudeDb(lowpass, [200, 20, 1600, 3200], 96000);
      assert.ok(Math.abs(corner! + 3.0103) < 1e-3, `corner ${corner}`);
      assert.ok(Math.abs(passband!) < 0.05, `passband ${passband}`);
      assert.ok(Math.abs(octaveA! - octaveB! - slope) < 0.5, `slope ${octaveA! - octaveB!}`);
    });
  }

  it("give a high-pass mirrored and a notch that removes its frequency", () => {
    const radio: Preset = {
      name: "r",
      outputGainDb: 0,
      filters: [
        { type: "highpass", frequencyHz: 1000, slopeDbPerOct: 12, q: 2 },
        { type: "notch", frequencyHz: 5000, q: 4 },
      ],
    };
    const [corner, far, notch] = magnitudeDb(radio, [1000, 20000, 5000], 48000);
    // The notch takes 0.011 dB at 1 kHz.
    assert.ok(Math.abs(corner! - 20 * Math.log10(2)) < 0.02, `a Q of 2 peaks at +6 dB: ${corner}`);
    assert.ok(Math.abs(far!) < 0.1);
    assert.ok(notch! < -100);
  });
});

describe("loadPresets", () => {
  it("gives the presets by name", () => {
    const presets = loadPresets(JSON.stringify({ schemaVersion: 1, presets: [preset, { ...preset, name: "y" }] }));
    assert.deepEqual(Object.keys(presets), ["x", "y"]);
    assert.deepEqual(presets["y"]!.filters, preset.filters);
  });

  for (const [document, message] of [
    ["{", /not JSON/],
    [{ schemaVersion: 2, presets: [] }, /schemaVersion 2 is not supported/],
    [
      { schemaVersion: 1, presets: [{ name: "a", filters: [{ type: "bell", frequencyHz: 1 }] }] },
      /presets\[0\]\.filters\[0\]\.type/,
    ],
    [
      {
        schemaVersion: 1,
        presets: [{ name: "a", filters: [{ type: "lowpass", frequencyHz: 1, slopeDbPerOct: 24, q: 1 }] }],
      },
      /presets\[0\]\.filters\[0\]\.q is only allowed at 12 dB\/oct/,
    ],
    [
      { schemaVersion: 1, presets: [{ name: "a", filters: [{ type: "notch", frequencyHz: "1k", q: 1 }] }] },
      /frequencyHz must be a positive number/,
    ],
    [
      { schemaVersion: 1, presets: [preset, preset] },
      /presets\[1\]: a second preset named "x" \(first: presets\[0\]\)/,
    ],
  ] as const) {
    it(`refuses ${JSON.stringify(document).slice(0, 60)}`, () => {
      assert.throws(() => loadPresets(document as object), message);
    });
  }
});
