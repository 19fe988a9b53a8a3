/**
 * The JSON export: per preset its bands with each band's normalised biquad coefficients at the
 * preset's sample rate (RBJ cookbook, a0 = 1, the same `bandBiquad` the editor and `eqp apply`
 * use), its peak and the pre-gain that keeps the peak at 0 dB. Exact: nothing is rounded, and
 * `readJsonExport` reads it back.
 */
import { CHAIN_BANDS, SLOTS, slotFacts, type BandId, type EqBand } from "../eq/index.js";
import { analyseCurve } from "../eq/index.js";
import { bandSections, type Biquad } from "../eq/index.js";
import type { BandType } from "../language/index.js";
import type { ConcretePreset, ExportContext, ExportedPreset } from "./types.js";

export const JSON_EXPORT_FORMAT = "eqpreset-biquads";
export const JSON_EXPORT_VERSION = 1;

export interface JsonExportBand {
  slot: BandId;
  type: BandType;
  frequencyHz: number;
  gainDb: number;
  q: number;
  /** A pass filter's slope (dB/oct). */
  slopeDbPerOctave?: number;
  /** The band's one biquad; a pass filter steeper than 12 dB/oct is the cascade in `sections`. */
  biquad: Biquad;
  /** Every biquad the band runs as, in series (one for every band but the steeper pass filters). */
  sections: Biquad[];
}

export interface JsonExportPreset {
  name: string | null;
  sampleRate: number;
  outputGainDb: number;
  peakDb: number;
  peakFrequencyHz: number;
  suggestedPreGainDb: number;
  bands: JsonExportBand[];
}

export interface JsonExport {
  format: typeof JSON_EXPORT_FORMAT;
  version: number;
  source?: string;
  /** How to run the coefficients, for whoever reads the file without this documentation. */
  filter: string;
  presets: JsonExportPreset[];
}

const FILTER_NOTE =
  "Each band is the biquads of its sections (one, but for pass filters steeper than 12 dB/oct), all run in series: y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2] (a0 = 1); then multiply by 10^(outputGainDb/20).";

export function jsonPreset(preset: ConcretePreset): JsonExportPreset {
  const analysis = analyseCurve(preset.bands, preset.sampleRate, preset.outputGainDb);
  return {
    name: preset.name ?? null,
    sampleRate: preset.sampleRate,
    outputGainDb: preset.outputGainDb,
    peakDb: analysis.peakDb,
    peakFrequencyHz: analysis.peakFrequencyHz,
    suggestedPreGainDb: analysis.suggestedPreGainDb,
    bands: preset.bands.map((band) => {
      const sections = bandSections(band, preset.sampleRate);
      return {
        slot: band.slot,
        type: slotFacts(band.slot).bandType,
        frequencyHz: band.frequencyHz,
        gainDb: band.gainDb,
        q: band.q,
        ...(band.slopeDbPerOctave !== undefined ? { slopeDbPerOctave: band.slopeDbPerOctave } : {}),
        biquad: sections[0]!,
        sections,
      };
    }),
  };
}

/** One JSON document for any number of presets (one file per preset with `--out`). */
export function exportJson(presets: readonly ConcretePreset[], context: ExportContext = {}): string {
  const document: JsonExport = {
    format: JSON_EXPORT_FORMAT,
    version: JSON_EXPORT_VERSION,
    ...(context.sourceName !== undefined ? { source: context.sourceName } : {}),
    filter: FILTER_NOTE,
    presets: presets.map(jsonPreset),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function exportJsonPreset(preset: ConcretePreset, context: ExportContext = {}): ExportedPreset {
  return { format: "json", preset, text: exportJson([preset], context), warnings: [] };
}

const KNOWN_BANDS = new Set<string>([...SLOTS, ...CHAIN_BANDS].map((slot) => slot.id));

export class JsonExportError extends Error {
  override name = "JsonExportError";
}

/** Reads an export back into concrete presets; throws JsonExportError naming what is wrong. */
export function readJsonExport(text: string): ConcretePreset[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new JsonExportError(`not JSON: ${(error as Error).message}`);
  }
  const root = document as Partial<JsonExport> | null;
  if (!root || root.format !== JSON_EXPORT_FORMAT)
    throw new JsonExportError(`not an eqp JSON export (format is not "${JSON_EXPORT_FORMAT}")`);
  if (!Array.isArray(root.presets)) throw new JsonExportError("presets is not a list");
  return root.presets.map((preset, index) => {
    const where = `presets[${index}]`;
    const number = (value: unknown, name: string) => {
      if (typeof value !== "number" || !Number.isFinite(value))
        throw new JsonExportError(`${where}.${name} is not a number`);
      return value;
    };
    if (!Array.isArray(preset.bands)) throw new JsonExportError(`${where}.bands is not a list`);
    const bands = preset.bands.map((band, bandIndex): EqBand => {
      if (!KNOWN_BANDS.has(band.slot))
        throw new JsonExportError(`${where}.bands[${bandIndex}].slot is not a band the language has`);
      return {
        slot: band.slot,
        frequencyHz: number(band.frequencyHz, `bands[${bandIndex}].frequencyHz`),
        gainDb: number(band.gainDb, `bands[${bandIndex}].gainDb`),
        q: number(band.q, `bands[${bandIndex}].q`),
        ...(band.slopeDbPerOctave !== undefined
          ? { slopeDbPerOctave: number(band.slopeDbPerOctave, `bands[${bandIndex}].slopeDbPerOctave`) }
          : {}),
      };
    });
    return {
      name: typeof preset.name === "string" ? preset.name : undefined,
      sampleRate: number(preset.sampleRate, "sampleRate"),
      outputGainDb: number(preset.outputGainDb, "outputGainDb"),
      bands,
    };
  });
}
