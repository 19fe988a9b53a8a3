/**
 * FMOD's multiband EQ (FMOD_DSP_TYPE_MULTIBAND_EQ): five bands A–E, each with a filter type,
 * frequency (20–22000 Hz), Q (0.1–10) and gain (±30 dB), set by parameter index. The five SAFE
 * bands fit one to one. FMOD documents Q as unused on its shelves without saying which slope it
 * uses; the error is estimated for the cookbook's S = 1 (Q ≈ 0.707, also FMOD's default Q). The
 * multiband EQ has no output gain: the preset's trim goes to a Fader DSP (FMOD_DSP_FADER_GAIN,
 * −80 to +10 dB) after it.
 *
 * A high- or low-pass runs as FMOD's 12 dB/oct types with Q, one per Butterworth section (FMOD's
 * 24 and 48 dB types cascade one Q, which is not Butterworth); a notch as its notch type. FMOD has
 * no first-order type: a 6 dB/oct part is fitted as a 12 dB/oct section, its cost reported. More
 * sections than five go into further multiband EQs, chained after the first.
 */
import { SHELF_Q } from "../eq/index.js";
import { assessRealisation, realiseWithin, slopeOneShelves, type TargetFilter, type TargetLimits } from "./fidelity.js";
import type { ConcretePreset, ExportContext, ExportedPreset } from "./types.js";
import { writtenFrequency, writtenGain, writtenQ } from "./written.js";
import { GENERATOR_ID } from "./version.js";

export const FMOD_BAND_LETTERS = ["A", "B", "C", "D", "E"] as const;
/** FMOD_DSP_MULTIBAND_EQ_FILTER_TYPE values (fmod_dsp_effects.h). */
export const FMOD_FILTER_TYPES = {
  disabled: { value: 0, name: "FMOD_DSP_MULTIBAND_EQ_FILTER_DISABLED" },
  lowpass: { value: 1, name: "FMOD_DSP_MULTIBAND_EQ_FILTER_LOWPASS_12DB" },
  highpass: { value: 4, name: "FMOD_DSP_MULTIBAND_EQ_FILTER_HIGHPASS_12DB" },
  lowshelf: { value: 7, name: "FMOD_DSP_MULTIBAND_EQ_FILTER_LOWSHELF" },
  highshelf: { value: 8, name: "FMOD_DSP_MULTIBAND_EQ_FILTER_HIGHSHELF" },
  peaking: { value: 9, name: "FMOD_DSP_MULTIBAND_EQ_FILTER_PEAKING" },
  notch: { value: 11, name: "FMOD_DSP_MULTIBAND_EQ_FILTER_NOTCH" },
} as const;
export const FMOD_LIMITS: TargetLimits = {
  gain: { min: -30, max: 30 },
  frequency: { min: 20, max: 22000 },
  q: { min: 0.1, max: 10 },
  ...slopeOneShelves("FMOD's shelves ignore Q", true),
  outputGain: { min: -80, max: 10 },
  gainlessKinds: ["highpass", "lowpass", "notch"],
};

interface FmodParameter {
  index: number;
  name: string;
  value: number;
  valueName?: string;
  note?: string;
}

/** The parameters of one multiband EQ holding up to five sections; the unused bands switched off. */
function dspParameters(filters: readonly TargetFilter[]): FmodParameter[] {
  const parameters: FmodParameter[] = [];
  FMOD_BAND_LETTERS.forEach((letter, bandIndex) => {
    const filter = filters[bandIndex];
    const base = bandIndex * 4;
    const name = (what: string) => `FMOD_DSP_MULTIBAND_EQ_${letter}_${what}`;
    if (!filter) {
      // Band A defaults to a 12 dB low-pass: every unused band is switched off explicitly.
      parameters.push({
        index: base,
        name: name("FILTER"),
        value: FMOD_FILTER_TYPES.disabled.value,
        valueName: FMOD_FILTER_TYPES.disabled.name,
      });
      return;
    }
    if (filter.kind === "highpass1" || filter.kind === "lowpass1") throw new Error("FMOD has no first-order type");
    const type = FMOD_FILTER_TYPES[filter.kind];
    const shelf = filter.kind === "lowshelf" || filter.kind === "highshelf";
    parameters.push(
      { index: base, name: name("FILTER"), value: type.value, valueName: type.name },
      { index: base + 1, name: name("FREQUENCY"), value: writtenFrequency(filter.frequencyHz) },
      shelf
        ? { index: base + 2, name: name("Q"), value: SHELF_Q, note: "unused by FMOD's shelves" }
        : { index: base + 2, name: name("Q"), value: writtenQ(filter.q) },
    );
    if (filter.kind === "peaking" || shelf)
      parameters.push({ index: base + 3, name: name("GAIN"), value: writtenGain(filter.gainDb) });
  });
  return parameters;
}

/** The parameters of the multiband EQ(s) and the fader, as the export writes them, and the warnings. */
export function fmodDocument(preset: ConcretePreset, context: ExportContext = {}) {
  const realisation = realiseWithin(preset, "FMOD", FMOD_LIMITS);
  const warnings = assessRealisation("fmod", preset, realisation);
  const filters = realisation.bands.flatMap((realised) => realised.filters);
  const chunks: TargetFilter[][] = [];
  for (let start = 0; start < filters.length; start += FMOD_BAND_LETTERS.length)
    chunks.push(filters.slice(start, start + FMOD_BAND_LETTERS.length));
  const parameters = dspParameters(chunks[0] ?? []);
  const chained = chunks
    .slice(1)
    .map((chunk) => ({ dsp: "FMOD_DSP_TYPE_MULTIBAND_EQ", parameters: dspParameters(chunk) }));
  const document = {
    generator: GENERATOR_ID,
    target: "FMOD multiband EQ (FMOD_DSP_TYPE_MULTIBAND_EQ)",
    preset: preset.name ?? null,
    ...(context.sourceName !== undefined ? { source: context.sourceName } : {}),
    parameters,
    // Sections beyond the first EQ's five: each a further multiband EQ, after the first, before the fader.
    ...(chained.length > 0 ? { chained } : {}),
    outputGain: {
      dsp: "FMOD_DSP_TYPE_FADER",
      parameter: "FMOD_DSP_FADER_GAIN",
      index: 0,
      valueDb: writtenGain(realisation.outputGainDb),
    },
    warnings: warnings.map((warning) => `${warning.severity}: ${warning.message}`),
  };
  return { document, warnings };
}

export type FmodDocument = ReturnType<typeof fmodDocument>["document"];

export function exportFmod(preset: ConcretePreset, context: ExportContext = {}): ExportedPreset {
  const { document, warnings } = fmodDocument(preset, context);
  return { format: "fmod", preset, text: `${JSON.stringify(document, null, 2)}\n`, warnings };
}
