/**
 * Every export target with the high-pass, low-pass and notch: each file is read back here on its
 * own terms (its types and values, nothing from the exporter), its response computed from what it
 * says, and compared with the preset's exact response and with the error the export states.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { responseDb } from "../../server/src/core/index.js";
import {
  comparisonGrid,
  EXPORT_TARGETS,
  filtersResponseDb,
  maxDeviation,
  type ConcretePreset,
  type ExportedPreset,
  type ExportFormat,
  type TargetFilter,
} from "../../server/src/core/export/index.js";

const RATE = 48000;
const filtersPreset: ConcretePreset = {
  name: "Filters",
  sampleRate: RATE,
  outputGainDb: -1,
  bands: [
    { slot: "highpass", frequencyHz: 80, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave: 24 },
    { slot: "highpass", frequencyHz: 40, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave: 12 },
    { slot: "bell1", frequencyHz: 300, gainDb: -2, q: 1.4 },
    { slot: "notch", frequencyHz: 1000, gainDb: 0, q: 10 },
    { slot: "lowpass", frequencyHz: 8000, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave: 18 },
    { slot: "lowpass", frequencyHz: 12000, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave: 6 },
  ],
};
/** Sections of the preset: 2 + 1 + 1 + 1 + 2 + 1. */
const SECTIONS = 8;
const BUTTERWORTH_4 = [1.306563, 0.541196];

function exported(format: ExportFormat): ExportedPreset {
  return EXPORT_TARGETS[format].export(filtersPreset, {});
}

/** The error the export states for the whole preset: the "all changes together" one, else the only one. */
function statedErrorDb(result: ExportedPreset): number {
  const total = result.warnings.find((warning) => warning.message.startsWith("all changes together"));
  return total?.errorDb ?? Math.max(0, ...result.warnings.map((warning) => warning.errorDb));
}

/** The written file's response against the exact one, and against the stated error. */
function assertStatedError(result: ExportedPreset, written: TargetFilter[], outputGainDb: number): number {
  const grid = comparisonGrid(RATE);
  const exact = responseDb(filtersPreset.bands, grid, RATE, filtersPreset.outputGainDb);
  const actual = maxDeviation(exact, filtersResponseDb(written, grid, RATE, outputGainDb), grid).errorDb;
  const stated = statedErrorDb(result);
  // Written values are rounded (0.01 Hz, 0.001 of Q): a few thousandths of a dB.
  assert.ok(Math.abs(actual - stated) < 0.02, `written file is ${actual} dB off, the export says ${stated}`);
  return actual;
}

const section = (kind: TargetFilter["kind"], frequencyHz: number, q: number, gainDb = 0): TargetFilter => ({
  kind,
  frequencyHz,
  q,
  gainDb,
});

function readApo(text: string): { filters: TargetFilter[]; preamp: number } {
  const types: Record<string, TargetFilter["kind"]> = {
    PK: "peaking",
    LSC: "lowshelf",
    HSC: "highshelf",
    HP: "highpass",
    HPQ: "highpass",
    LP: "lowpass",
    LPQ: "lowpass",
    NO: "notch",
  };
  const filters = [
    ...text.matchAll(/^Filter \d+: ON (\w+) Fc ([\d.]+) Hz(?: Gain ([-\d.]+) dB)?(?: Q ([\d.]+))?$/gm),
  ].map(([, type, fc, gain, q]) =>
    section(types[type!]!, Number(fc), q === undefined ? Math.SQRT1_2 : Number(q), Number(gain ?? 0)),
  );
  return { filters, preamp: Number(/^Preamp: ([-\d.]+) dB$/m.exec(text)![1]) };
}

describe("exports of high-pass, low-pass and notch filters", () => {
  it("Equalizer APO: HPQ/LPQ Butterworth sections, NO, and the first-order part fitted with its cost stated", () => {
    const result = exported("apo");
    const { filters, preamp } = readApo(result.text);
    assert.match(result.text, /ON HPQ Fc 80 Hz Q 1\.306563\n.*ON HPQ Fc 80 Hz Q 0\.541196\n/);
    assert.match(result.text, /ON HP Fc 40 Hz\n/);
    assert.match(result.text, /ON NO Fc 1000 Hz Q 10\.00\n/);
    // 18 dB/oct: a second-order section at Q 1 and the first-order part.
    assert.match(result.text, /ON LPQ Fc 8000 Hz Q 1\.00\n/);
    assert.doesNotMatch(result.text, /PK Fc (80|40|1000|8000|12000) Hz/);
    assert.equal(filters.length, SECTIONS);
    const firstOrder = result.warnings.filter((warning) => /no first-order section/.test(warning.message));
    assert.deepEqual(
      firstOrder.map((warning) => warning.slot),
      ["lowpass", "lowpass"],
    );
    assert.ok(assertStatedError(result, filters, preamp) > 0.1, "a fitted first-order section is audible");
  });

  it("Web Audio: biquads with the pass filters' Q in dB, the notch's linear, first order as an IIRFilterNode", () => {
    const result = exported("webaudio");
    const filters: TargetFilter[] = [];
    for (const [, type, frequency, rest] of result.text.matchAll(
      /new BiquadFilterNode\(context, \{ type: "(\w+)", frequency: ([\d.]+)(.*) \}\)/g,
    )) {
      const q = Number(/Q: ([-\d.]+)/.exec(rest!)?.[1] ?? 0);
      const gain = Number(/gain: ([-\d.]+)/.exec(rest!)?.[1] ?? 0);
      const pass = type === "highpass" || type === "lowpass";
      filters.push(section(type as TargetFilter["kind"], Number(frequency), pass ? 10 ** (q / 20) : q, gain));
    }
    for (const [, type, frequency] of result.text.matchAll(/firstOrder\(context, "(\w+)", ([\d.]+)\)/g))
      filters.push(section(`${type}1` as TargetFilter["kind"], Number(frequency), 0));
    assert.equal(filters.length, SECTIONS);
    assert.match(result.text, /type: "highpass", frequency: 40, Q: -3\.0103/);
    assert.match(result.text, /type: "lowpass", frequency: 8000, Q: 0 \}/);
    assert.match(result.text, /type: "notch", frequency: 1000, Q: 10\b/);
    assert.match(result.text, /new IIRFilterNode\(context, \{ feedforward, feedback: \[1 \+ k, k - 1\] \}\)/);
    const hp = filters.filter((filter) => filter.kind === "highpass" && filter.frequencyHz === 80);
    hp.forEach((filter, index) => assert.ok(Math.abs(filter.q - BUTTERWORTH_4[index]!) < 1e-5));
    const gain = 20 * Math.log10(Number(/new GainNode\(context, \{ gain: ([\d.]+)/.exec(result.text)![1]));
    assert.ok(assertStatedError(result, filters, gain) < 0.01, "Web Audio runs every filter exactly");
  });

  it("FMOD: 12 dB types per Butterworth section and the notch type, five per multiband EQ, the rest chained", () => {
    const result = exported("fmod");
    const document = JSON.parse(result.text) as {
      parameters: { name: string; value: number }[];
      chained?: { parameters: { name: string; value: number }[] }[];
      outputGain: { valueDb: number };
    };
    const kinds: Record<number, TargetFilter["kind"]> = {
      1: "lowpass",
      4: "highpass",
      7: "lowshelf",
      8: "highshelf",
      9: "peaking",
      11: "notch",
    };
    const filters: TargetFilter[] = [];
    for (const parameters of [document.parameters, ...(document.chained ?? []).map((dsp) => dsp.parameters)])
      for (const letter of ["A", "B", "C", "D", "E"]) {
        const value = (what: string) =>
          parameters.find((parameter) => parameter.name === `FMOD_DSP_MULTIBAND_EQ_${letter}_${what}`)?.value;
        const type = value("FILTER")!;
        if (type === 0) continue;
        filters.push(section(kinds[type]!, value("FREQUENCY")!, value("Q")!, value("GAIN") ?? 0));
      }
    assert.equal(document.chained?.length, 1);
    assert.equal(filters.length, SECTIONS);
    assert.deepEqual(
      filters.map((filter) => filter.kind),
      ["highpass", "highpass", "highpass", "peaking", "notch", "lowpass", "lowpass", "lowpass"],
    );
    assertStatedError(result, filters, document.outputGain.valueDb);
  });

  it("Wwise: its low-pass, high-pass and notch types, three bands per instance, as many instances as needed", () => {
    const result = exported("wwise");
    const document = JSON.parse(result.text) as { effects: { properties: Record<string, number | boolean> }[] };
    const kinds: Record<number, TargetFilter["kind"]> = {
      0: "lowpass",
      1: "highpass",
      3: "notch",
      4: "lowshelf",
      5: "highshelf",
      6: "peaking",
    };
    const filters: TargetFilter[] = [];
    for (const { properties } of document.effects)
      for (const n of [1, 2, 3]) {
        if (properties[`OnOffBand${n}`] !== true) continue;
        filters.push(
          section(
            kinds[properties[`FilterTypeBand${n}`] as number]!,
            properties[`FrequencyBand${n}`] as number,
            properties[`QFactorBand${n}`] as number,
            properties[`GainBand${n}`] as number,
          ),
        );
      }
    assert.equal(document.effects.length, 3);
    assert.equal(filters.length, SECTIONS);
    assert.ok(filters.some((filter) => filter.kind === "notch" && filter.q === 10));
    // Together the instances play the whole preset: only the fitted first-order parts cost anything.
    const total = result.warnings.find((warning) => warning.message.startsWith("all changes together"));
    const grid = comparisonGrid(RATE);
    const exact = responseDb(filtersPreset.bands, grid, RATE, filtersPreset.outputGainDb);
    const actual = maxDeviation(
      exact,
      filtersResponseDb(filters, grid, RATE, document.effects[0]!.properties.OutputLevel as number),
      grid,
    );
    assert.ok(total && Math.abs(total.errorDb - actual.errorDb) < 0.02, `${total?.errorDb} vs ${actual.errorDb}`);
  });

  it("EasyEffects: no pass or notch type it is known to read, so each is fitted and its cost stated", () => {
    const result = exported("easyeffects");
    const equalizer = (
      JSON.parse(result.text) as {
        output: { "equalizer#0": { left: Record<string, Record<string, number | string>>; "output-gain": number } };
      }
    ).output["equalizer#0"];
    const kinds: Record<string, TargetFilter["kind"]> = {
      "Lo-shelf": "lowshelf",
      Bell: "peaking",
      "Hi-shelf": "highshelf",
    };
    const filters = Object.values(equalizer.left).map((band) =>
      section(kinds[band.type as string]!, band.frequency as number, band.q as number, band.gain as number),
    );
    assert.deepEqual(
      filters.map((filter) => filter.kind),
      ["lowshelf", "lowshelf", "peaking", "peaking", "highshelf", "highshelf"],
    );
    for (const slot of ["highpass", "notch", "lowpass"])
      assert.ok(result.warnings.some((warning) => warning.slot === slot && /has no/.test(warning.message)));
    assertStatedError(result, filters, equalizer["output-gain"]);
  });
});
