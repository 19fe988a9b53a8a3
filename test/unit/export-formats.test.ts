import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  biquadMagnitudeDb,
  effectiveBands,
  logFrequencies,
  parsePresetDocument,
  resolvePresets,
  responseDb,
  type EqBand,
} from "../../server/src/core/index.js";
import {
  EXPORT_FORMATS,
  EXPORT_TARGETS,
  presetFileNames,
  type ConcretePreset,
} from "../../server/src/core/export/index.js";
import { exportJson, readJsonExport } from "../../server/src/core/export/index.js";
import { parseApo } from "../../server/src/core/import/index.js";
import { apoToPreset } from "../../server/src/core/import/index.js";

const FIXTURES = path.resolve("test", "fixtures", "export");

function concretePresets(text: string): ConcretePreset[] {
  return resolvePresets(parsePresetDocument(text)).map((preset) => ({
    name: preset.name,
    sampleRate: preset.sampleRate,
    outputGainDb: preset.outputGainDb,
    bands: effectiveBands(preset, undefined),
  }));
}

const fixturePresets = concretePresets(readFileSync(path.join(FIXTURES, "presets.eqp"), "utf8"));
const voClean = fixturePresets.find((preset) => preset.name === "VO clean")!;

/** A preset's bands rounded the way a morph's would never be: to check round trips beyond "nice" values. */
const generatedLike: ConcretePreset = {
  name: "Generated",
  sampleRate: 44100,
  outputGainDb: -1.37,
  bands: [
    { slot: "lowShelf", frequencyHz: 135.54, gainDb: -0.11, q: 0.71 },
    { slot: "bell1", frequencyHz: 280.8, gainDb: 3.62, q: 0.849 },
    { slot: "bell2", frequencyHz: 936.22, gainDb: -0.25, q: 0.759 },
    { slot: "bell3", frequencyHz: 3134.19, gainDb: -0.7, q: 0.761 },
    { slot: "highShelf", frequencyHz: 6485.5, gainDb: -2.71, q: 0.71 },
  ],
};

describe("export golden files", () => {
  for (const format of EXPORT_FORMATS) {
    it(`${format}: "VO clean" matches ${presetFileNames([voClean], format, "x")[0]}`, () => {
      const golden = readFileSync(path.join(FIXTURES, presetFileNames([voClean], format, "x")[0]!), "utf8");
      const exported = EXPORT_TARGETS[format].export(voClean, { sourceName: "presets.eqp" });
      assert.equal(exported.text, golden);
    });
  }
});

describe("export file names", () => {
  it("makes a distinct, readable file per preset", () => {
    const names = presetFileNames(
      [{ name: "VO clean" }, { name: "VO  Clean!" }, { name: undefined }, { name: "Émile's pad" }],
      "apo",
      "dialogue",
    );
    assert.deepEqual(names, ["vo-clean.txt", "vo-clean-2.txt", "dialogue.txt", "emile-s-pad.txt"]);
  });
});

describe("JSON export", () => {
  it("reads back to the same presets and bands", () => {
    const back = readJsonExport(exportJson([voClean, generatedLike]));
    assert.deepEqual(back, [voClean, generatedLike]);
  });

  it("carries coefficients that reproduce the preset's response", () => {
    const document = JSON.parse(exportJson([voClean])) as {
      presets: { bands: { biquad: { b0: number; b1: number; b2: number; a1: number; a2: number } }[] }[];
    };
    const frequencies = logFrequencies(64, 20, 20000);
    const expected = responseDb(voClean.bands, frequencies, 48000, voClean.outputGainDb);
    frequencies.forEach((frequency, i) => {
      const sum = document.presets[0]!.bands.reduce(
        (total, band) => total + biquadMagnitudeDb(band.biquad, frequency, 48000),
        voClean.outputGainDb,
      );
      assert.ok(Math.abs(sum - expected[i]!) < 1e-9, `${frequency} Hz: ${sum} vs ${expected[i]}`);
    });
  });

  it("reports its peak and the pre-gain that keeps it at 0 dB", () => {
    const [preset] = (
      JSON.parse(exportJson([voClean])) as {
        presets: { peakDb: number; suggestedPreGainDb: number; peakFrequencyHz: number }[];
      }
    ).presets;
    // Bell 2 (+2.5 dB at 3 kHz) meets the others' skirts; the trim is -1 dB.
    assert.ok(preset!.peakDb > 1 && preset!.peakDb < 2, String(preset!.peakDb));
    assert.ok(Math.abs(preset!.peakFrequencyHz - 3000) < 150);
    assert.equal(preset!.suggestedPreGainDb, -Math.ceil(preset!.peakDb * 10) / 10);
  });

  it("names what is wrong with a file that is not an export", () => {
    assert.throws(() => readJsonExport("{}"), /not an eqp JSON export/);
    assert.throws(
      () => readJsonExport('{"format":"eqpreset-biquads","presets":[{"bands":[{"slot":"bell9"}]}]}'),
      /presets\[0\]\.bands\[0\]\.slot/,
    );
  });
});

describe("Equalizer APO export", () => {
  const roundTrip = (preset: ConcretePreset) =>
    apoToPreset(parseApo(EXPORT_TARGETS.apo.export(preset, {}).text), { name: preset.name ?? "x" });

  it("imports back to the same bands and gain", () => {
    for (const preset of [voClean, generatedLike, ...fixturePresets]) {
      const back = roundTrip(preset);
      assert.deepEqual(back.errors, []);
      assert.deepEqual(back.warnings, []);
      assert.deepEqual(back.bands, preset.bands, preset.name);
      assert.equal(back.outputGainDb, preset.outputGainDb);
    }
  });

  it("never writes a frequency APO would read as thousands", () => {
    const tricky: EqBand[] = [{ slot: "bell1", frequencyHz: 1234.5678, gainDb: 1, q: 1 }];
    const text = EXPORT_TARGETS.apo.export({ ...generatedLike, bands: tricky }, {}).text;
    assert.match(text, /Fc 1234\.57 Hz/);
    const back = roundTrip({ ...generatedLike, bands: tricky });
    assert.equal(back.bands[0]!.frequencyHz, 1234.57);
  });
});
