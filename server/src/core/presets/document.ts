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

/** Parses and resolves a document's text; needs no model. */
export function readDocument(text: string): DocumentMeaning {
  const ast = parsePresetDocument(text);
  return { text, ast, presets: resolvePresets(ast) };
}
