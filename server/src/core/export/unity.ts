/**
 * Unity's built-in Audio Mixer "ParamEQ" effect (Audio Parametric Equalizer Effect, Unity Manual):
 * one bell per effect, "Center freq" (20–22000 Hz), "Octave range" (0.2–5 octaves) and "Frequency
 * gain" (a linear factor, 0.05–3.00, i.e. −26.02 to +9.54 dB). A preset becomes one ParamEQ per
 * band on a mixer group; its width is taken as the analogue octaves-to-Q relation on an RBJ bell
 * (Unity does not document its filter), and shelves, pass filters and notches, which ParamEQ cannot
 * run, are fitted as one bell each (bells.ts), their cost reported. The preset's trim goes to the
 * group's Volume (dB).
 *
 * Where exactness matters, runtime/unity/EqpPresetFilter.cs runs the preset document's biquads
 * (any sample rate) in OnAudioFilterRead instead; this export is for the built-in effect.
 */
import { assessRealisation } from "./fidelity.js";
import { octavesFromQ, realiseAsBells, type BellTargetLimits } from "./bells.js";
import { uniquePresetNames, type DocumentPreset } from "./json.js";
import type { ExportContext, ExportedPreset, ExportWarning } from "./types.js";
import { GENERATOR_ID } from "./version.js";
import { rounded, writtenFrequency, writtenGain } from "./written.js";

export const UNITY_GAIN_FACTOR = { min: 0.05, max: 3 };
export const UNITY_LIMITS: BellTargetLimits = {
  gain: { min: 20 * Math.log10(UNITY_GAIN_FACTOR.min), max: 20 * Math.log10(UNITY_GAIN_FACTOR.max) },
  frequency: { min: 20, max: 22000 },
  bandwidth: { min: 0.2, max: 5 },
};

export interface UnityParamEq {
  "Center freq": number;
  "Octave range": number;
  "Frequency gain": number;
}

function unityPreset(preset: DocumentPreset, name: string) {
  const realisation = realiseAsBells(preset, "Unity's ParamEQ", UNITY_LIMITS);
  const warnings = assessRealisation("unity", preset, realisation);
  const paramEqs: UnityParamEq[] = realisation.bands
    .flatMap((realised) => realised.filters)
    .map((bell) => ({
      "Center freq": writtenFrequency(bell.frequencyHz),
      "Octave range": rounded(octavesFromQ(bell.q), 4),
      // The factor is what Unity takes; 4 decimals keep it within 0.003 dB of the fitted gain.
      "Frequency gain": rounded(10 ** (bell.gainDb / 20), 4),
    }));
  return {
    preset: {
      name,
      paramEqs,
      groupVolumeDb: writtenGain(preset.outputGainDb),
      warnings: warnings.map((warning) => `${warning.severity}: ${warning.message}`),
    },
    warnings,
  };
}

export function unityDocument(presets: readonly DocumentPreset[]): { text: string; warnings: ExportWarning[][] } {
  const names = uniquePresetNames(presets);
  const realised = presets.map((preset, index) => unityPreset(preset, names[index]!));
  const document = {
    generator: GENERATOR_ID,
    target:
      "Unity Audio Mixer ParamEQ effects, one per band in order on a mixer group (Center freq Hz, Octave range, Frequency gain as a linear factor), the group's Volume in dB",
    presets: realised.map((one) => one.preset),
  };
  return { text: `${JSON.stringify(document, null, 2)}\n`, warnings: realised.map((one) => one.warnings) };
}

export const exportUnity = (presets: readonly DocumentPreset[]): string => unityDocument(presets).text;

export function exportUnityPreset(preset: DocumentPreset, context: ExportContext = {}): ExportedPreset {
  const fallbackName = preset.fallbackName ?? context.sourceName?.replace(/\.[^.]*$/, "");
  const { text, warnings } = unityDocument([{ ...preset, fallbackName }]);
  return { format: "unity", preset, text, warnings: warnings[0]! };
}
