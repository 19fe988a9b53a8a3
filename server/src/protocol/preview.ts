/**
 * The `eqpreset/preview` request and its notification, as the language server answers them and
 * the preview panel (client/src/preview) reads them. Plain types, no LSP imports, so that the
 * server, the extension, the panel's page and the tests share one definition.
 */
import type { SlotId } from "../core/eq/index.js";
import type { FilterKind } from "../core/eq/index.js";
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

export interface PreviewBand {
  slot: SlotId;
  /** As Web Audio's BiquadFilterNode names it. */
  type: FilterKind;
  frequencyHz: number;
  gainDb: number;
  q: number;
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
  peakDb: number;
  suggestedPreGainDb: number;
  svg: string;
  /** The network is still loading, so a morph's bands are missing for now. */
  pending: boolean;
  message?: string;
}

/** Client → server: the preset under a position, drawn (null when there is none). */
export const PreviewRequest = requestBinding<PreviewParams, PreviewData | null>("eqpreset/preview");

export const PreviewChangedNotification = notificationBinding<PreviewChangedParams>("eqpreset/previewChanged");
