/**
 * Unreal Engine's EQ effects (Synthesis plug-in): the Source Effect EQ (USourceEffectEQPreset,
 * FSourceEffectEQSettings.EQBands) and the Submix EQ (USubmixEffectSubmixEQPreset,
 * FSubmixEffectSubmixEQSettings.EQBands). Their bands are bells only: `Frequency` (Hz, clamped
 * 20–20000), `Bandwidth` (octaves, 0–10), `GainDb` (−90 to +20 dB), `bEnabled`
 * (SourceEffectEQ.h, SubmixEffectEQ.h). A band's Q is taken as Unreal's Audio::GetQFromBandwidth
 * gives it (Q = √(2^N)/(2^N − 1)) on an RBJ bell; shelves, pass filters and notches are fitted
 * as one bell each (bells.ts), their cost reported. Neither effect has an output gain: the preset's
 * trim is given in dB and as a linear volume for the sound's or the submix's volume.
 *
 * One document for any number of presets; runtime/unreal/eqp_unreal_presets.py creates or updates
 * the preset assets from it in the editor.
 */
import { assessRealisation } from "./fidelity.js";
import { octavesFromQ, realiseAsBells, type BellTargetLimits } from "./bells.js";
import { uniquePresetNames, type DocumentPreset } from "./json.js";
import type { ExportContext, ExportedPreset, ExportWarning } from "./types.js";
import { GENERATOR_ID } from "./version.js";
import { rounded, writtenFrequency, writtenGain } from "./written.js";

export const UNREAL_LIMITS: BellTargetLimits = {
  gain: { min: -90, max: 20 },
  frequency: { min: 20, max: 20000 },
  // 0 octaves is an infinitely narrow band: a hundredth of an octave is as narrow as any preset's.
  bandwidth: { min: 0.01, max: 10 },
};

export const BANDWIDTH_DECIMALS = 4;

export interface UnrealBand {
  Frequency: number;
  Bandwidth: number;
  GainDb: number;
  bEnabled: boolean;
}

export interface UnrealPreset {
  name: string;
  /** The asset's name: the preset's name made an Unreal object name. */
  assetName: string;
  EQBands: UnrealBand[];
  outputGainDb: number;
  /** The same trim as a linear factor, for USoundBase::Volume or a submix's output volume. */
  outputVolume: number;
  warnings: string[];
}

/** An asset name Unreal accepts: letters, digits and underscores, not starting with a digit. */
export function unrealAssetName(name: string): string {
  const cleaned = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return `EQ_${cleaned || "Preset"}`;
}

function unrealPreset(preset: DocumentPreset, name: string): { preset: UnrealPreset; warnings: ExportWarning[] } {
  const realisation = realiseAsBells(preset, "Unreal's EQ", UNREAL_LIMITS);
  const warnings = assessRealisation("unreal", preset, realisation);
  const EQBands = realisation.bands
    .flatMap((realised) => realised.filters)
    .map((bell) => ({
      Frequency: writtenFrequency(bell.frequencyHz),
      Bandwidth: rounded(octavesFromQ(bell.q), BANDWIDTH_DECIMALS),
      GainDb: writtenGain(bell.gainDb),
      bEnabled: true,
    }));
  return {
    preset: {
      name,
      assetName: unrealAssetName(name),
      EQBands,
      outputGainDb: writtenGain(preset.outputGainDb),
      outputVolume: rounded(10 ** (preset.outputGainDb / 20), 6),
      warnings: warnings.map((warning) => `${warning.severity}: ${warning.message}`),
    },
    warnings,
  };
}

/** The document for every preset given, the settings both effects take, with each preset's warnings. */
export function unrealDocument(presets: readonly DocumentPreset[]): { text: string; warnings: ExportWarning[][] } {
  const names = uniquePresetNames(presets);
  const realised = presets.map((preset, index) => unrealPreset(preset, names[index]!));
  const document = {
    generator: GENERATOR_ID,
    target:
      "Unreal Engine Source Effect EQ (SourceEffectEQPreset) and Submix EQ (SubmixEffectSubmixEQPreset): EQBands of Frequency (Hz), Bandwidth (octaves), GainDb, bEnabled",
    presets: realised.map((one) => one.preset),
  };
  return { text: `${JSON.stringify(document, null, 2)}\n`, warnings: realised.map((one) => one.warnings) };
}

export const exportUnreal = (presets: readonly DocumentPreset[]): string => unrealDocument(presets).text;

export function exportUnrealPreset(preset: DocumentPreset, context: ExportContext = {}): ExportedPreset {
  const fallbackName = preset.fallbackName ?? context.sourceName?.replace(/\.[^.]*$/, "");
  const { text, warnings } = unrealDocument([{ ...preset, fallbackName }]);
  return { format: "unreal", preset, text, warnings: warnings[0]! };
}
