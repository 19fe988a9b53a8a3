/**
 * What every export target shares: the concrete preset it is given (morphs already resolved into
 * bands), the file it produces, and the warnings it raises where the target cannot express the
 * preset, each with the size of the error in dB.
 */
import type { BandId, EqBand } from "../eq/index.js";

export const EXPORT_FORMATS = [
  "json",
  "apo",
  "easyeffects",
  "webaudio",
  "fmod",
  "wwise",
  "c",
  "camilladsp",
  "pipewire",
  "godot",
  "unreal",
  "unity",
  "fmod-studio",
  "wwise-waapi",
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What each target is, for `eqp export --help` and the editor's format picker. */
export const EXPORT_FORMAT_LABELS: Record<ExportFormat, string> = {
  json: "JSON with biquad coefficients",
  apo: "Equalizer APO / AutoEQ ParametricEQ.txt",
  easyeffects: "EasyEffects output preset",
  webaudio: "Web Audio BiquadFilterNode chain (ES module)",
  fmod: "FMOD multiband EQ parameters",
  wwise: "Wwise Parametric EQ properties",
  c: "C tables for runtime/c/eqp_runtime.h",
  camilladsp: "CamillaDSP filters and pipeline (YAML)",
  pipewire: "PipeWire filter-chain sink (conf)",
  godot: "Godot 4 AudioBusLayout, a bus per preset (.tres)",
  unreal: "Unreal Engine Source/Submix EQ settings (JSON for runtime/unreal/eqp_unreal_presets.py)",
  unity: "Unity Audio Mixer ParamEQ settings (JSON)",
  "fmod-studio": "FMOD Studio script creating the effect presets (JavaScript)",
  "wwise-waapi": "Wwise WAAPI script creating the Parametric EQ ShareSets (Python)",
};

/** A preset reduced to numbers: what the EQ does, whatever it was written as. */
export interface ConcretePreset {
  /** Undefined for a file's unnamed preset. */
  name: string | undefined;
  sampleRate: number;
  outputGainDb: number;
  /** Concrete bands in slot order (low shelf, bells, high shelf). */
  bands: EqBand[];
}

export interface ExportContext {
  /** The source file's name without folders, for the header of the exported file. */
  sourceName?: string;
  /** The stem of the file this preset alone is written to (`--out`), for names that must differ per file. */
  fileStem?: string;
}

/**
 * "warning": the target's response differs from the preset's by 0.1 dB or more somewhere;
 * "note": a difference below 0.1 dB, reported so nothing changes silently.
 */
export type ExportSeverity = "warning" | "note";

export interface ExportWarning {
  format: ExportFormat;
  /** The preset's name, undefined for the unnamed preset. */
  preset: string | undefined;
  /** The band concerned; undefined for the output gain or the preset as a whole. */
  slot?: BandId;
  severity: ExportSeverity;
  message: string;
  /** The largest difference between the target's response and the preset's, on a log grid. */
  errorDb: number;
  atFrequencyHz: number;
}

export interface ExportedPreset {
  format: ExportFormat;
  preset: ConcretePreset;
  text: string;
  warnings: ExportWarning[];
}

export function presetTitle(preset: Pick<ConcretePreset, "name">): string {
  return preset.name ?? "Preset";
}
