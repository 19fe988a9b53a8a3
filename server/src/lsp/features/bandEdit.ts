/**
 * A drag in the preview panel, as an edit of the document: the dragged band's line rewritten in the
 * canonical format (`bell 2.47kHz +3.5dB q 1.2`, keeping its keyword, such as `bell2`, and a pass
 * filter's slope), or, for a band a morph generates, one override line after the morph
 * (`bell2 1.92kHz +6.9dB q 1.1` replaces the generated Bell 2; the morph and its other bands stay).
 * The override needs no model: the page sends the values it shows. Always one edit for the version the panel showed: on any other version the preset under the
 * position may be another one, so the edit is refused.
 */
import {
  bandKeyword,
  bandLine,
  clamp,
  GAIN_RANGE,
  hasGain,
  isPassFilter,
  isSafeSlot,
  NOTCH_Q_RANGE,
  presetAt,
  Q_RANGE,
  slotFacts,
  type BandId,
  type EqBand,
  type ResolvedBand,
  type ResolvedPreset,
} from "../../core/index.js";
import { chainIndexOf, isUsedKey, type EditBandParams, type EditBandResult } from "../../protocol/index.js";
import type { ParsedDocument } from "./documentStore.js";

/** Values as a drag gives them, rounded to what a person would write and clamped into the band's ranges. */
export function roundedBand(params: EditBandParams, sampleRate: number): EqBand {
  const slot = slotFacts(params.slot);
  const top = Math.min(slot.frequency.max, sampleRate * 0.4999);
  const frequencyHz = Number(clamp(params.frequencyHz, { min: slot.frequency.min, max: top }).toPrecision(3));
  const gainDb = hasGain(params.slot) ? Math.round(clamp(params.gainDb, GAIN_RANGE) * 10) / 10 : 0;
  const qRange = params.slot === "notch" ? NOTCH_Q_RANGE : Q_RANGE;
  const q = slot.hasQ ? Number(clamp(params.q, qRange).toPrecision(2)) : params.q;
  return { slot: params.slot, frequencyHz, gainDb: Object.is(gainDb, -0) ? 0 : gainDb, q };
}

/** The line of `band` with the keyword it was written with (`bell2`, not `bell`, which would add a bell). */
function lineAs(keyword: string, band: EqBand): string {
  return bandLine(band).replace(/^\S+/, keyword);
}

/** The band line the params name: a SAFE slot's explicit line, or the N-th line around the five. */
function lineOf(preset: ResolvedPreset, params: EditBandParams): ResolvedBand | undefined {
  if (isSafeSlot(params.slot)) return preset.bands.find((band) => band.slot.id === params.slot);
  const index = chainIndexOf(params.key);
  const line = index === undefined ? undefined : preset.bands.filter((band) => !isSafeSlot(band.slot.id))[index];
  return line?.slot.id === params.slot ? line : undefined;
}

function paramsProblem(params: EditBandParams): string | undefined {
  let known = true;
  try {
    slotFacts(params.slot as BandId);
  } catch {
    known = false;
  }
  if (!known || typeof params.key !== "string") return `There is no band ${String(params.slot)} in the EQ.`;
  if (isUsedKey(params.key))
    return "That band comes from a used preset: edit it there (its use line's go-to-definition opens it).";
  if (![params.frequencyHz, params.gainDb, params.q].every(Number.isFinite) || params.frequencyHz <= 0 || params.q <= 0)
    return "The dragged values are not a frequency, a gain and a Q.";
  return undefined;
}

export function bandEdit(parsed: ParsedDocument, params: EditBandParams): EditBandResult {
  if (params.version !== parsed.version)
    return { refused: "The document changed since the preview was drawn: drag again on the new curve." };
  const problem = paramsProblem(params);
  if (problem) return { refused: problem };
  const preset = presetAt(parsed.presets, params.position);
  if (!preset) return { refused: "There is no preset there any more." };
  const values = roundedBand(params, preset.sampleRate);
  const line = lineOf(preset, params);
  if (line) {
    // A pass filter keeps its slope and, at 12 dB/oct, its Q (the drag moves its corner only).
    const band: EqBand = isPassFilter(line.slot.id)
      ? { ...values, q: line.q, slopeDbPerOctave: line.slopeDbPerOctave! }
      : values;
    const text = lineAs(bandKeyword(line.statement), band);
    return { edits: [{ range: line.statement.range, newText: text }], version: parsed.version };
  }
  if (!isSafeSlot(params.slot)) return { refused: "That band's line is not in the preset any more." };
  if (!preset.morph) return { refused: `This preset has no ${slotFacts(params.slot).label.toLowerCase()} to drag.` };
  return overrideEdit(parsed, preset, { ...values, q: slotFacts(params.slot).hasQ ? values.q : params.q });
}

/**
 * A generated band dragged: one line after the morph's, indented like it, that replaces that band
 * (`lowshelf`, `highshelf`, `bell1`…`bell3` replace the generated ones; see core/presets).
 */
function overrideEdit(parsed: ParsedDocument, preset: ResolvedPreset, band: EqBand): EditBandResult {
  const morph = preset.morph!;
  const lines = parsed.text.split(/\r\n|\r|\n/);
  const morphLine = lines[morph.range.end.line] ?? "";
  const indent = /^[ \t]*/.exec(lines[morph.range.start.line] ?? "")![0];
  const newline = /\r\n/.test(parsed.text) ? "\r\n" : "\n";
  const keyword = band.slot.startsWith("bell") ? band.slot : slotFacts(band.slot).bandType;
  // At the end of the morph's line, after any comment on it.
  const end = { line: morph.range.end.line, character: morphLine.length };
  return {
    edits: [{ range: { start: end, end }, newText: `${newline}${indent}${lineAs(keyword, band)}` }],
    version: parsed.version,
  };
}
