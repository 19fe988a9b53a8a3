/** The export targets by name, with the file each writes per preset. */
import { createHash } from "node:crypto";
import { exportApo } from "./apo.js";
import { exportC, exportCPreset } from "./c.js";
import { exportCamillaDsp } from "./camilladsp.js";
import { exportGodot, exportGodotPreset } from "./godot.js";
import type { DocumentPreset } from "./json.js";
import { exportPipeWire } from "./pipewire.js";
import { exportFmodStudioPreset, exportWwiseWaapiPreset, fmodStudioScript, wwiseWaapiScript } from "./studioScripts.js";
import { exportUnity, exportUnityPreset } from "./unity.js";
import { exportUnreal, exportUnrealPreset } from "./unreal.js";
import { exportEasyEffects } from "./easyeffects.js";
import { exportFmod } from "./fmod.js";
import { exportJsonPreset } from "./json.js";
import {
  EXPORT_FORMAT_LABELS,
  type ConcretePreset,
  type ExportContext,
  type ExportedPreset,
  type ExportFormat,
} from "./types.js";
import { exportWebAudio } from "./webaudio.js";
import { exportWwise } from "./wwise.js";

export * from "./types.js";
export * from "./apo.js";
export * from "./bells.js";
export * from "./c.js";
export * from "./camilladsp.js";
export * from "./godot.js";
export * from "./godotEq.js";
export * from "./pipewire.js";
export * from "./studioScripts.js";
export * from "./unity.js";
export * from "./unreal.js";
export * from "./version.js";
export * from "./easyeffects.js";
export * from "./fidelity.js";
export * from "./fmod.js";
export * from "./json.js";
export * from "./webaudio.js";
export * from "./written.js";
export * from "./wwise.js";

export interface ExportTarget {
  label: string;
  /** Appended to the preset's file name with `--out`. */
  extension: string;
  export(preset: ConcretePreset, context: ExportContext): ExportedPreset;
  /** Targets whose file holds any number of presets: the file for all of them, names made unique. */
  exportAll?(presets: readonly DocumentPreset[]): string;
}

export const EXPORT_TARGETS: Record<ExportFormat, ExportTarget> = {
  json: { label: EXPORT_FORMAT_LABELS.json, extension: ".eqp.json", export: exportJsonPreset },
  apo: { label: EXPORT_FORMAT_LABELS.apo, extension: ".txt", export: exportApo },
  easyeffects: {
    label: EXPORT_FORMAT_LABELS.easyeffects,
    extension: ".json",
    export: (preset) => exportEasyEffects(preset),
  },
  webaudio: { label: EXPORT_FORMAT_LABELS.webaudio, extension: ".js", export: exportWebAudio },
  fmod: { label: EXPORT_FORMAT_LABELS.fmod, extension: ".fmod.json", export: exportFmod },
  wwise: { label: EXPORT_FORMAT_LABELS.wwise, extension: ".wwise.json", export: exportWwise },
  c: { label: EXPORT_FORMAT_LABELS.c, extension: ".h", export: exportCPreset, exportAll: exportC },
  camilladsp: {
    label: EXPORT_FORMAT_LABELS.camilladsp,
    extension: ".camilladsp.yml",
    export: exportCamillaDsp,
  },
  pipewire: { label: EXPORT_FORMAT_LABELS.pipewire, extension: ".conf", export: exportPipeWire },
  godot: {
    label: EXPORT_FORMAT_LABELS.godot,
    extension: ".tres",
    export: exportGodotPreset,
    exportAll: exportGodot,
  },
  unreal: {
    label: EXPORT_FORMAT_LABELS.unreal,
    extension: ".unreal.json",
    export: exportUnrealPreset,
    exportAll: exportUnreal,
  },
  unity: {
    label: EXPORT_FORMAT_LABELS.unity,
    extension: ".unity.json",
    export: exportUnityPreset,
    exportAll: exportUnity,
  },
  "fmod-studio": {
    label: EXPORT_FORMAT_LABELS["fmod-studio"],
    extension: ".fmod-studio.js",
    export: exportFmodStudioPreset,
    exportAll: (presets) => fmodStudioScript(presets).text,
  },
  "wwise-waapi": {
    label: EXPORT_FORMAT_LABELS["wwise-waapi"],
    extension: ".waapi.py",
    export: exportWwiseWaapiPreset,
    exportAll: (presets) => wwiseWaapiScript(presets).text,
  },
};

/** Longer stems are cut: a file name may hold 255 bytes, and a folder path comes before it. */
export const MAX_FILE_STEM = 64;

/**
 * A file name from a preset's name: "VO clean" → "vo-clean"; `fallback` when nothing is left. A
 * longer stem is cut and ends with a short hash of the whole name, so two long names that start
 * alike stay apart and the same name gives the same file on every export.
 */
export function presetFileStem(name: string | undefined, fallback: string): string {
  const stem = (name ?? "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (stem.length <= MAX_FILE_STEM) return stem || fallback;
  const hash = createHash("sha256").update(name!).digest("hex").slice(0, 8);
  return `${stem.slice(0, MAX_FILE_STEM - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/** One distinct file name per preset: a second "vo-clean" becomes "vo-clean-2". */
export function presetFileNames(
  presets: readonly Pick<ConcretePreset, "name">[],
  format: ExportFormat,
  fallback: string,
): string[] {
  const used = new Set<string>();
  return presets.map((preset) => {
    const stem = presetFileStem(preset.name, fallback);
    let candidate = stem;
    for (let n = 2; used.has(candidate); n++) candidate = `${stem}-${n}`;
    used.add(candidate);
    return `${candidate}${EXPORT_TARGETS[format].extension}`;
  });
}
