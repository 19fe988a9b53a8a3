/**
 * The JSON export: one preset document (schema `runtime/schema/presets-1.schema.json`, read by the
 * `@semantic-eq/runtime` package) for every preset asked for. Parameters first, as the runtime and
 * any engine need them to compute exact coefficients at their own rate; coefficients (the RBJ
 * biquads of `eq/biquad.ts`, the ones the editor and `eqp apply` run) only at the rates asked for.
 */
import { bandSections, filterKindOf, isPassFilter, SHELF_Q, type Biquad } from "../eq/index.js";
import type { Filter, PassSlope, Preset, PresetDocument } from "../../../../runtime/src/types.js";
import type { ConcretePreset, ExportContext, ExportedPreset } from "./types.js";
import { GENERATOR_ID } from "./version.js";

export const PRESET_SCHEMA_VERSION = 1;
export const PRESET_SCHEMA_ID = "https://example.invalid/semantic-eq/runtime/schema/presets-1.schema.json";
/** What the document's `generator` says: the program and its version. */
export const GENERATOR = GENERATOR_ID;

/** A concrete preset with what the document says of its origin. */
export interface DocumentPreset extends ConcretePreset {
  /** The unnamed preset's name in the document (its file's name without extension). */
  fallbackName?: string;
  source?: { file: string; line: number };
  /** The model that resolved the preset's morph, if it had one. */
  model?: { id: string; weightsHash?: string };
}

export interface JsonExportOptions {
  /** Sample rates to add coefficients at; "own" for each preset's own rate; none by default. */
  coefficientRates?: readonly number[] | "own";
}

export function documentFilters(preset: ConcretePreset): Filter[] {
  return preset.bands.map((band): Filter => {
    if (isPassFilter(band.slot)) {
      const slopeDbPerOct = (band.slopeDbPerOctave ?? 12) as PassSlope;
      return {
        type: band.slot,
        frequencyHz: band.frequencyHz,
        slopeDbPerOct,
        ...(slopeDbPerOct === 12 ? { q: band.q } : {}),
      };
    }
    if (band.slot === "notch") return { type: "notch", frequencyHz: band.frequencyHz, q: band.q };
    const type = filterKindOf(band.slot);
    return { type, frequencyHz: band.frequencyHz, gainDb: band.gainDb, q: type === "peaking" ? band.q : SHELF_Q };
  });
}

function coefficientsAt(preset: ConcretePreset, rates: readonly number[]): Record<string, Biquad[]> {
  return Object.fromEntries(
    rates.map((rate) => [String(rate), preset.bands.flatMap((band) => bandSections(band, rate))]),
  );
}

export function documentPreset(preset: DocumentPreset, options: JsonExportOptions = {}): Preset {
  const rates = options.coefficientRates === "own" ? [preset.sampleRate] : options.coefficientRates;
  return {
    name: preset.name ?? preset.fallbackName ?? "",
    ...(preset.source ? { source: preset.source } : {}),
    outputGainDb: preset.outputGainDb,
    filters: documentFilters(preset),
    ...(preset.model ? { model: preset.model } : {}),
    ...(rates && rates.length > 0 ? { coefficients: coefficientsAt(preset, rates) } : {}),
  };
}

/**
 * One name per preset, as the runtime's `loadPresets` requires. A name used once is kept as it is.
 * A name used more than once (two files of a folder each with a "Dialogue", or two unnamed presets
 * named after files of the same name) is qualified by its source file at every use, so that no
 * preset's name depends on which file was read first: "menus/ui.eqp#Dialogue". Whatever still
 * collides (the same name twice in one file) gets " (2)", " (3)" in document order.
 */
export function uniquePresetNames(presets: readonly DocumentPreset[]): string[] {
  const plain = presets.map((preset) => preset.name ?? preset.fallbackName ?? "");
  const uses = new Map<string, number>();
  for (const name of plain) uses.set(name, (uses.get(name) ?? 0) + 1);
  const qualified = plain.map((name, index) => {
    const file = presets[index]!.source?.file;
    return uses.get(name)! > 1 && file !== undefined ? `${file}#${name}` : name;
  });
  const taken = new Set<string>();
  return qualified.map((name) => {
    let candidate = name;
    for (let n = 2; taken.has(candidate); n++) candidate = `${name} (${n})`;
    taken.add(candidate);
    return candidate;
  });
}

export function presetDocument(presets: readonly DocumentPreset[], options: JsonExportOptions = {}): PresetDocument {
  const names = uniquePresetNames(presets);
  return {
    $schema: PRESET_SCHEMA_ID,
    schemaVersion: PRESET_SCHEMA_VERSION,
    generator: GENERATOR,
    presets: presets.map((preset, index) => ({ ...documentPreset(preset, options), name: names[index]! })),
  };
}

/** One JSON document for any number of presets. */
export function exportJson(presets: readonly DocumentPreset[], options: JsonExportOptions = {}): string {
  return `${JSON.stringify(presetDocument(presets, options), null, 2)}\n`;
}

/** A document of one preset; its source and model when the preset carries them. */
export function exportJsonPreset(preset: DocumentPreset, context: ExportContext = {}): ExportedPreset {
  const fallbackName = preset.fallbackName ?? context.sourceName?.replace(/\.[^.]*$/, "");
  return { format: "json", preset, text: exportJson([{ ...preset, fallbackName }]), warnings: [] };
}
