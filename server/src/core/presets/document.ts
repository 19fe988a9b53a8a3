/** A document's meaning: the one shape of a parsed and resolved `.eqp` text, shared by every layer above. */
import { parsePresetDocument, type PresetDocument } from "../language/index.js";
import { resolvePresets, type ResolvedPreset } from "./presets.js";

/** A document's meaning, computed once per text: the tree, its presets and the diagnostics. */
export interface DocumentMeaning {
  text: string;
  ast: PresetDocument;
  presets: ResolvedPreset[];
  /** The offset at which each line of `text` starts, when the reader has them (saves a scan per check). */
  lineStarts?: readonly number[];
}

/** The largest preset file read or analysed (bytes): far above real preset files, and analysed in seconds. */
export const MAX_PRESET_FILE_BYTES = 8 * 1024 * 1024;

/**
 * A document over MAX_PRESET_FILE_BYTES is not analysed (read as empty): parsing 50 MB would hold
 * the editor's server for half a minute. Characters stand for bytes: the same order, no encoding.
 */
export function isTooLarge(text: string): boolean {
  return text.length > MAX_PRESET_FILE_BYTES;
}

/** Parses and resolves a document's text; needs no model. */
export function readDocument(text: string): DocumentMeaning {
  const ast = parsePresetDocument(isTooLarge(text) ? "" : text);
  return { text, ast, presets: resolvePresets(ast) };
}
