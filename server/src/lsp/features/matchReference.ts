/**
 * "Match to a reference…" in the preview panel: the preset that gives CURRENT the tonal balance of
 * REFERENCE, made by the core exactly as `eqp match` makes it (core/audio: Welch spectra, the
 * limited difference, the fitter), inserted as a new preset block after the preset the panel shows
 * (or at the end of the document), with its curve error and its description in the model's words.
 */
import * as path from "node:path";
import { MATCH_DEFAULTS, matchSpectra, MatchError, wavFileSpectrum } from "../../core/audio/index.js";
import { displayFrequency, formatDecimal, presetAt, presetBlockText, type EqServices } from "../../core/index.js";
import { formatDescription } from "../../core/model/index.js";
import type { EditBandTextEdit, MatchReferenceParams, MatchReferenceResult } from "../../protocol/index.js";
import type { ParsedDocument } from "./documentStore.js";

/** A name no preset of the document has yet: "Match ref", "Match ref 2", … */
function freshName(parsed: ParsedDocument, base: string): string {
  const taken = new Set(parsed.presets.map((preset) => preset.name));
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base} ${n}`;
    if (!taken.has(name)) return name;
  }
}

/**
 * The edit that adds `block`, a blank line apart: after the shown preset's block, else at the end of
 * the document (ending it with a newline).
 */
function insertion(parsed: ParsedDocument, params: MatchReferenceParams, block: string): EditBandTextEdit {
  const lines = parsed.text.split(/\r\n|\r|\n/);
  const newline = /\r\n/.test(parsed.text) ? "\r\n" : "\n";
  const text = block.replace(/\n/g, newline).trimEnd();
  const preset = presetAt(parsed.presets, params.position);
  const line = preset?.block ? preset.range.end.line : lines.length - 1;
  const at = { line, character: (lines[line] ?? "").length };
  const range = { start: at, end: at };
  if (preset?.block) return { range, newText: `${newline}${newline}${text}` };
  if (parsed.text.trim() === "")
    return { range: { start: { line: 0, character: 0 }, end: at }, newText: `${text}${newline}` };
  const ending = /(\r\n|\r|\n)$/.test(parsed.text) ? newline : `${newline}${newline}`;
  return { range, newText: `${ending}${text}${newline}` };
}

export async function matchReference(
  document: () => ParsedDocument | undefined,
  services: EqServices,
  params: MatchReferenceParams,
): Promise<MatchReferenceResult> {
  let result;
  try {
    const [reference, current] = [await wavFileSpectrum(params.reference), await wavFileSpectrum(params.current)];
    if (reference.sampleRate !== current.sampleRate)
      return {
        refused: `${path.basename(params.reference)} is at ${displayFrequency(reference.sampleRate)} and ${path.basename(params.current)} at ${displayFrequency(current.sampleRate)}: resample one first (eqp does not resample)`,
      };
    result = matchSpectra(reference.power, current.power, reference.sampleRate);
  } catch (error) {
    if (error instanceof MatchError) return { refused: error.message };
    throw error;
  }
  // The files took a while: the document is looked up now, and must still be the version asked for.
  const parsed = document();
  if (!parsed || parsed.version !== params.version)
    return { refused: "The document changed while the files were read: match again." };
  const referenceName = path.basename(params.reference);
  const presetName = freshName(parsed, `Match ${path.basename(params.reference, path.extname(params.reference))}`);
  const settings = MATCH_DEFAULTS;
  const errorText = `mean ${formatDecimal(result.meanErrorDb, 2)} dB, max ${formatDecimal(result.maxErrorDb, 2)} dB off the measured difference`;
  const note = `Match to a reference: ${referenceName} ← ${path.basename(params.current)}; 1/${settings.fraction}-octave smoothing, ${settings.lowHz} Hz–${settings.highHz / 1000} kHz, ${errorText}`;
  const text = presetBlockText(presetName, result.bands, result.outputGainDb, note);
  const terms = services.model.describe(result.bands, 3);
  const description = terms ? formatDescription(terms) : "the model's network is not loaded, so no words";
  return {
    edits: [insertion(parsed, params, text)],
    version: parsed.version,
    presetName,
    meanErrorDb: result.meanErrorDb,
    maxErrorDb: result.maxErrorDb,
    description,
    summary: `"${presetName}": curve error ${errorText}; sounds like ${description}`,
  };
}
