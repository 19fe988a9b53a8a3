/**
 * The preview panel as an editor: the requests that turn a drag on the curve into an edit of the
 * document, and that draw another text (the file at git HEAD, another preset of the workspace) as a
 * second curve. Plain types, no LSP imports, like preview.ts.
 */
import type { SlotId } from "../core/eq/index.js";
import { requestBinding } from "./binding.js";
import type { PreviewData, PreviewPosition, PreviewRange } from "./preview.js";

export interface EditBandParams {
  uri: string;
  /** The document version the preview showed; the server refuses any other. */
  version: number;
  position: PreviewPosition;
  slot: SlotId;
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
