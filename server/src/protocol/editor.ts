/**
 * The preview panel as an editor: the requests that turn a drag on the curve into an edit of the
 * document, and that draw another text (the file at git HEAD, another preset of the workspace) as a
 * second curve. Plain types, no LSP imports, like preview.ts.
 */
import type { BandId } from "../core/eq/index.js";
import { requestBinding } from "./binding.js";
import type { PreviewData, PreviewPosition, PreviewRange } from "./preview.js";

export interface EditBandParams {
  uri: string;
  /** The document version the preview showed; the server refuses any other. */
  version: number;
  position: PreviewPosition;
  /** The band's PreviewBand.key, and its slot (checked against the line the key names). */
  key: string;
  slot: BandId;
  frequencyHz: number;
  gainDb: number;
  q: number;
}

export interface EditBandTextEdit {
  range: PreviewRange;
  newText: string;
}

export type EditBandResult =
  /** Apply all of `edits` to `version` of the document, as one edit (one undo step). */
  { edits: EditBandTextEdit[]; version: number } | { refused: string };

export interface PreviewTextParams {
  /** Where the text comes from, echoed in each answer's `uri` (it need not be a file). */
  uri: string;
  text: string;
}

export interface PreviewTextResult {
  presets: PreviewData[];
}

/** Client → server: the edit that gives one band of the preset at `position` new values. */
export const EditBandRequest = requestBinding<EditBandParams, EditBandResult>("eqpreset/editBand");

/** Client → server: every preset of a text that is not an open document (git HEAD, another file). */
export const PreviewTextRequest = requestBinding<PreviewTextParams, PreviewTextResult>("eqpreset/previewText");

/**
 * Client → server: "Match to a reference…" in the preview. The EQ that gives CURRENT the tonal
 * balance of REFERENCE (core/audio/matchEq.ts, as `eqp match`), as a new preset block inserted after
 * the preset at `position` (or at the end of the document) of `version`.
 */
export interface MatchReferenceParams {
  uri: string;
  version: number;
  position: PreviewPosition;
  /** Paths on the server's disk of the two WAV files. */
  reference: string;
  current: string;
}

export type MatchReferenceResult =
  | {
      edits: EditBandTextEdit[];
      version: number;
      presetName: string;
      /** Mean and largest distance of the preset's curve from the measured difference, dB. */
      meanErrorDb: number;
      maxErrorDb: number;
      /** The preset in the model's words ("0.6 warm, 0.2 dark"), if the model can say. */
      description: string;
      /** One sentence of all that, for the panel and a notification. */
      summary: string;
    }
  | { refused: string };

export const MatchReferenceRequest = requestBinding<MatchReferenceParams, MatchReferenceResult>(
  "eqpreset/matchReference",
);
