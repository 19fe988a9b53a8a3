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
  type DocumentPreset,
} from "../../server/src/core/export/index.js";
import { exportJson } from "../../server/src/core/export/index.js";
import { loadPresets } from "../../runtime/src/index.js";
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
      // The JSON document records where the preset was written, as eqp export run here does.
      const documented: DocumentPreset = { ...voClean, source: { file: "test/fixtures/export/presets.eqp", line: 4 } };
      const exported = EXPORT_TARGETS[format].export(documented, { sourceName: "presets.eqp" });
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
  it("writes every preset's parameters, read back by the runtime as the same filters", () => {
    const presets = loadPresets(exportJson([voClean, generatedLike]));
    assert.deepEqual(Object.keys(presets), ["VO clean", "Generated"]);
    assert.equal(presets["Generated"]!.outputGainDb, -1.37);
    assert.deepEqual(
      presets["Generated"]!.filters.map((filter) => [filter.type, filter.frequencyHz, "q" in filter ? filter.q : 0]),
      generatedLike.bands.map((band) => [
        band.slot === "lowShelf" ? "lowshelf" : band.slot === "highShelf" ? "highshelf" : "peaking",
        band.frequencyHz,
        band.q,
      ]),
    );
    assert.equal(presets["VO clean"]!.coefficients, undefined, "no coefficients unless asked");
  });

  it("carries coefficients at each rate asked for that reproduce the preset's response", () => {
    const document = JSON.parse(exportJson([voClean], { coefficientRates: [44100, 96000] })) as {
      presets: { coefficients: Record<string, { b0: number; b1: number; b2: number; a1: number; a2: number }[]> }[];
    };
    assert.deepEqual(Object.keys(document.presets[0]!.coefficients), ["44100", "96000"]);
    const frequencies = logFrequencies(64, 20, 20000);
    for (const rate of [44100, 96000]) {
      const expected = responseDb(voClean.bands, frequencies, rate, voClean.outputGainDb);
      frequencies.forEach((frequency, i) => {
        const sum = document.presets[0]!.coefficients[String(rate)]!.reduce(
          (total, biquad) => total + biquadMagnitudeDb(biquad, frequency, rate),
          voClean.outputGainDb,
        );
        assert.ok(Math.abs(sum - expected[i]!) < 1e-9, `${rate}: ${frequency} Hz: ${sum} vs ${expected[i]}`);
      });
    }
  });

  it("names the unnamed preset after its file", () => {
    const exported = EXPORT_TARGETS.json.export({ ...voClean, name: undefined }, { sourceName: "dialogue.eqp" });
    assert.deepEqual(Object.keys(loadPresets(exported.text)), ["dialogue"]);
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
