/**
 * The `eqpreset/preview` request and its notification, as the language server answers them and
 * the preview panel (client/src/preview) reads them. Plain types, no LSP imports, so that the
 * server, the extension, the panel's page and the tests share one definition.
 */
import type { BandId, FilterKind } from "../core/eq/index.js";
import { notificationBinding, requestBinding } from "./binding.js";

export interface PreviewPosition {
  line: number;
  character: number;
}

export interface PreviewRange {
  start: PreviewPosition;
  end: PreviewPosition;
}

export interface PreviewParams {
  uri: string;
  position: PreviewPosition;
}

/** A band's filter as Web Audio's BiquadFilterNode names it. */
export type PreviewFilterType = FilterKind | "highpass" | "lowpass" | "notch";

export interface PreviewBand {
  /**
   * Which band this is, unique in the preset: the slot for SAFE's five ("bell2"), `chain-N` for the
   * N-th band line around them (added bells, pass filters, notches, in source order from 0),
   * `used-N` for the N-th band the preset's `use` lines bring in (its chain's order, from 0).
   */
  key: string;
  slot: BandId;
  type: PreviewFilterType;
  frequencyHz: number;
  /** 0 for the pass filters and the notch. */
  gainDb: number;
  q: number;
  /** A pass filter's slope, dB/oct. */
  slopeDbPerOctave?: number;
  /**
   * For a band a used preset brings in: the use line it came through (`use "telephone"`). Heard
   * and listed, but not editable here: its line is in the used preset.
   */
  from?: string;
}

/** The key of the N-th band line around SAFE's five (see PreviewBand.key). */
export function chainKey(index: number): string {
  return `chain-${index}`;
}

/** The key of the N-th band the preset's `use` lines bring in (see PreviewBand.key). */
export function usedKey(index: number): string {
  return `used-${index}`;
}

/** Whether a key names a band of a used preset (no line of this preset to edit). */
export function isUsedKey(key: string): boolean {
  return /^used-\d{1,4}$/.test(key);
}

/** The index of a chain band's key, or undefined for a SAFE slot's key (or nonsense). */
export function chainIndexOf(key: string): number | undefined {
  const match = /^chain-(\d{1,4})$/.exec(key);
  return match ? Number(match[1]) : undefined;
}

/** Server → client: a document was validated again, so a preview of it should ask again. */
export interface PreviewChangedParams {
  uri: string;
  version: number;
}

/** The answer for the preset under a position (the request answers null for none). */
export interface PreviewData {
  uri: string;
  /** The document version the answer was made from (an edit from the panel names it). */
  version?: number;
  presetName: string | null;
  range: PreviewRange;
  sampleRate: number;
  outputGainDb: number;
  bands: PreviewBand[];
  frequencies: number[];
  responseDb: number[];
  /** The highest and lowest level of the response on the analysis grid (the hover's picture's). */
  peakDb: number;
  troughDb: number;
  suggestedPreGainDb: number;
  svg: string;
  /** The network is still loading, so a morph's bands are missing for now. */
  pending: boolean;
  message?: string;
}

/** Client → server: the preset under a position, drawn (null when there is none). */
export const PreviewRequest = requestBinding<PreviewParams, PreviewData | null>("eqpreset/preview");

export const PreviewChangedNotification = notificationBinding<PreviewChangedParams>("eqpreset/previewChanged");
