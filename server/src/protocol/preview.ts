/**
 * The `eqpreset/preview` request and its notification, as the language server answers them and
 * the preview panel (client/src/preview) reads them. Plain types, no LSP imports, so that the
 * server, the extension, the panel's page and the tests share one definition.
 */
import type { SlotId } from "../core/eq/index.js";
import type { FilterKind } from "../core/eq/index.js";

export const PREVIEW_REQUEST = "eqpreset/preview";
export const PREVIEW_CHANGED_NOTIFICATION = "eqpreset/previewChanged";

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

export interface PreviewBand {
  slot: SlotId;
  /** As Web Audio's BiquadFilterNode names it. */
  type: FilterKind;
  frequencyHz: number;
  gainDb: number;
  q: number;
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
