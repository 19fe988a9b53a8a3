/**
 * FMOD's multiband EQ (FMOD_DSP_TYPE_MULTIBAND_EQ): five bands A–E, each with a filter type,
 * frequency (20–22000 Hz), Q (0.1–10) and gain (±30 dB), set by parameter index. The five SAFE
 * bands fit one to one. FMOD documents Q as unused on its shelves without saying which slope it
 * uses; the error is estimated for the cookbook's S = 1 (Q ≈ 0.707, also FMOD's default Q). The
 * multiband EQ has no output gain: the preset's trim goes to a Fader DSP (FMOD_DSP_FADER_GAIN,
 * −80 to +10 dB) after it.
 */
import { SHELF_Q } from "../eq/index.js";
import { filterKindOf, type FilterKind } from "../eq/index.js";
import { assessRealisation, realiseWithin, slopeOneShelves, type TargetLimits } from "./fidelity.js";
import type { ConcretePreset, ExportContext, ExportedPreset } from "./types.js";
import { writtenFrequency, writtenGain, writtenQ } from "./written.js";

export const FMOD_BAND_LETTERS = ["A", "B", "C", "D", "E"] as const;
/** FMOD_DSP_MULTIBAND_EQ_FILTER_TYPE values (fmod_dsp_effects.h). */
export const FMOD_FILTER_TYPES = {
  disabled: { value: 0, name: "FMOD_DSP_MULTIBAND_EQ_FILTER_DISABLED" },
  lowshelf: { value: 7, name: "FMOD_DSP_MULTIBAND_EQ_FILTER_LOWSHELF" },
  highshelf: { value: 8, name: "FMOD_DSP_MULTIBAND_EQ_FILTER_HIGHSHELF" },
  peaking: { value: 9, name: "FMOD_DSP_MULTIBAND_EQ_FILTER_PEAKING" },
} as const;
export const FMOD_LIMITS: TargetLimits = {
  gain: { min: -30, max: 30 },
  frequency: { min: 20, max: 22000 },
  q: { min: 0.1, max: 10 },
  ...slopeOneShelves("FMOD's shelves ignore Q", true),
  outputGain: { min: -80, max: 10 },
};

interface FmodParameter {
  index: number;
  name: string;
  value: number;
  valueName?: string;
  note?: string;
}

export function exportFmod(preset: ConcretePreset, context: ExportContext = {}): ExportedPreset {
  const realisation = realiseWithin(preset, "FMOD", FMOD_LIMITS);
  const warnings = assessRealisation("fmod", preset, realisation);
  const parameters: FmodParameter[] = [];
  FMOD_BAND_LETTERS.forEach((letter, bandIndex) => {
    const realised = realisation.bands[bandIndex];
    const base = bandIndex * 4;
    const name = (what: string) => `FMOD_DSP_MULTIBAND_EQ_${letter}_${what}`;
    if (!realised?.filter) {
      // Band A defaults to a 12 dB low-pass: every unused band is switched off explicitly.
      parameters.push({
        index: base,
        name: name("FILTER"),
        value: FMOD_FILTER_TYPES.disabled.value,
        valueName: FMOD_FILTER_TYPES.disabled.name,
      });
      return;
    }
    const kind: FilterKind = filterKindOf(realised.band.slot);
    const type = FMOD_FILTER_TYPES[kind];
    parameters.push(
      { index: base, name: name("FILTER"), value: type.value, valueName: type.name },
      { index: base + 1, name: name("FREQUENCY"), value: writtenFrequency(realised.filter.frequencyHz) },
      kind === "peaking"
        ? { index: base + 2, name: name("Q"), value: writtenQ(realised.filter.q) }
        : { index: base + 2, name: name("Q"), value: SHELF_Q, note: "unused by FMOD's shelves" },
      { index: base + 3, name: name("GAIN"), value: writtenGain(realised.filter.gainDb) },
    );
  });
  const document = {
    target: "FMOD multiband EQ (FMOD_DSP_TYPE_MULTIBAND_EQ)",
    preset: preset.name ?? null,
    ...(context.sourceName !== undefined ? { source: context.sourceName } : {}),
    parameters,
    outputGain: {
      dsp: "FMOD_DSP_TYPE_FADER",
      parameter: "FMOD_DSP_FADER_GAIN",
      index: 0,
      valueDb: writtenGain(realisation.outputGainDb),
    },
    warnings: warnings.map((warning) => `${warning.severity}: ${warning.message}`),
  };
  return { format: "fmod", preset, text: `${JSON.stringify(document, null, 2)}\n`, warnings };
}
