/**
 * What a preset's EQ is once the model has spoken: generated bands with explicit bands replacing
 * their slots, and the text that expands a morph into explicit band lines that read back to the
 * same (rounded) values.
 */
import type { MorphStatement, MorphTermValue, Range } from "../language/index.js";
import {
  BUTTERWORTH_Q,
  DEFAULT_NOTCH_Q,
  DEFAULT_PASS_SLOPE,
  isPassFilter,
  isSafeSlot,
  slotFacts,
  SLOTS,
  type EqBand,
  type SlotId,
} from "../eq/index.js";
import {
  displayFrequency,
  displayGain,
  formatDocument,
  parsePresetDocument,
  quotedName,
  writeFrequency,
  writeGain,
  writePlain,
} from "../language/index.js";
import type { ResolvedBand, ResolvedPreset } from "./presets.js";

/** The morph's terms as the model takes them, or undefined when a weight is unusable. */
export function morphTerms(morph: MorphStatement): MorphTermValue[] | undefined {
  const terms: MorphTermValue[] = [];
  for (const term of morph.terms) {
    const weight = term.weight;
    if (weight && (weight.unit !== undefined || !Number.isFinite(weight.value))) return undefined;
    terms.push({ word: term.word, weight: weight ? weight.value : 1 });
  }
  return terms.length > 0 ? terms : undefined;
}

/** A resolved band line as a band of the EQ, when it has what it needs (a frequency, and a gain where it takes one). */
export function explicitBand(band: ResolvedBand): EqBand | undefined {
  if (band.frequencyHz === undefined || band.gainDb === undefined) return undefined;
  const eqBand: EqBand = { slot: band.slot.id, frequencyHz: band.frequencyHz, gainDb: band.gainDb, q: band.q };
  if (band.slopeDbPerOctave !== undefined) eqBand.slopeDbPerOctave = band.slopeDbPerOctave;
  return eqBand;
}

/** Slots of SAFE's five that the preset sets explicitly (with both a frequency and a gain). */
export function explicitSlots(preset: ResolvedPreset): Map<SlotId, EqBand> {
  const explicit = new Map<SlotId, EqBand>();
  for (const band of preset.bands) {
    const eqBand = isSafeSlot(band.slot.id) ? explicitBand(band) : undefined;
    if (eqBand) explicit.set(band.slot.id as SlotId, eqBand);
  }
  return explicit;
}

/** The bands around SAFE's five (added bells, pass filters, notches), in source order. */
export function chainBands(preset: ResolvedPreset): EqBand[] {
  const chain: EqBand[] = [];
  for (const band of preset.bands) {
    const eqBand = isSafeSlot(band.slot.id) ? undefined : explicitBand(band);
    if (eqBand) chain.push(eqBand);
  }
  return chain;
}

/**
 * The preset's bands: SAFE's five slots (explicit ones, and generated ones for the slots left
 * free), then the bands around them in source order.
 */
export function effectiveBands(preset: ResolvedPreset, generated: readonly EqBand[] | undefined): EqBand[] {
  const explicit = explicitSlots(preset);
  const bySlot = new Map((generated ?? []).map((band) => [band.slot, band]));
  const safe = SLOTS.map((slot) => explicit.get(slot.id as SlotId) ?? bySlot.get(slot.id)).filter(
    (band): band is EqBand => band !== undefined,
  );
  return [...safe, ...chainBands(preset)];
}

/** Rounded the way a person would write it: 3 significant digits of frequency, 0.1 dB, Q to 2 decimals. */
export function roundBand(band: EqBand): EqBand {
  const rounded: EqBand = {
    slot: band.slot,
    frequencyHz: Number(band.frequencyHz.toPrecision(3)),
    gainDb: Math.round(band.gainDb * 10) / 10 || 0,
    // The Butterworth Q stays exact: rounded to 0.71 it would be a 12 dB/oct filter with a user Q.
    q: band.q === BUTTERWORTH_Q ? band.q : Math.round(band.q * 100) / 100,
  };
  if (band.slopeDbPerOctave !== undefined) rounded.slopeDbPerOctave = band.slopeDbPerOctave;
  return rounded;
}

/** The line that writes a band: only what differs from its type's defaults besides frequency and gain. */
export function bandLine(band: EqBand): string {
  const slot = slotFacts(band.slot);
  const parts = [slot.bandType, writeFrequency(band.frequencyHz)];
  if (isPassFilter(band.slot)) {
    const slope = band.slopeDbPerOctave ?? DEFAULT_PASS_SLOPE;
    if (slope !== DEFAULT_PASS_SLOPE) parts.push(`${writePlain(slope)}dB/oct`);
    else if (Math.abs(band.q - BUTTERWORTH_Q) > 1e-9) parts.push(`q ${writePlain(band.q)}`);
    return parts.join(" ");
  }
  if (band.slot === "notch")
    return band.q === DEFAULT_NOTCH_Q ? parts.join(" ") : `${parts.join(" ")} q ${writePlain(band.q)}`;
  parts.push(writeGain(band.gainDb));
  if (slot.hasQ) parts.push(`q ${writePlain(band.q)}`);
  return parts.join(" ");
}

/** The morph written as a comment, then a band line for each generated slot the preset leaves free. */
export function expansionLines(morph: MorphStatement, preset: ResolvedPreset, generated: readonly EqBand[]): string[] {
  const explicit = explicitSlots(preset);
  const lines = [morphComment(morph)];
  for (const band of generated) if (!explicit.has(band.slot as SlotId)) lines.push(bandLine(roundBand(band)));
  return lines;
}

function morphComment(morph: MorphStatement): string {
  return `# morph ${morph.terms.map((term) => (term.weight ? `${term.word} ${term.weight.text}` : term.word)).join(" ")}`;
}

const BELL_SLOTS: readonly string[] = ["bell1", "bell2", "bell3"];

/** The offset of a line/character position, counting \r\n, \r and \n as line ends. */
function offsetAt(text: string, position: { line: number; character: number }): number {
  const lineEnd = /\r\n|\r|\n/g;
  let start = 0;
  for (let line = 0; line < position.line; line++) {
    const match = lineEnd.exec(text);
    if (!match) return text.length;
    start = match.index + match[0].length;
  }
  return start + position.character;
}

/**
 * Bells take their slot from their order in the preset, and explicit bells always hold the first
 * slots. So when explicit bells come after the morph, the generated bells must be written after the
 * last of them, or re-parsing would hand the generated bells the explicit bells' slots.
 */
function expansionReplacement(
  text: string,
  lines: readonly string[],
  morph: MorphStatement,
  preset: ResolvedPreset,
  generated: readonly EqBand[],
): TextReplacement {
  const indent = /^[ \t]*/.exec(lines[morph.range.start.line] ?? "")![0];
  const lastBell = preset.bands.filter((band) => BELL_SLOTS.includes(band.slot.id)).at(-1)?.statement;
  if (!lastBell || lastBell.range.start.line <= morph.range.end.line) {
    return { range: morph.range, newText: expansionLines(morph, preset, generated).join(`\n${indent}`) };
  }
  const explicit = explicitSlots(preset);
  const free = generated.filter((band) => !explicit.has(band.slot as SlotId));
  const [bells, others] = [
    free.filter((band) => BELL_SLOTS.includes(band.slot)),
    free.filter((band) => !BELL_SLOTS.includes(band.slot)),
  ];
  const lastLine = lastBell.range.end.line;
  const end = { line: lastLine, character: (lines[lastLine] ?? "").length };
  // Verbatim, line endings included: everything from the end of the morph to the end of the last bell's line.
  const between = text.slice(offsetAt(text, morph.range.end), offsetAt(text, end));
  const bellIndent = /^[ \t]*/.exec(lines[lastBell.range.start.line] ?? "")![0];
  const head = [morphComment(morph), ...others.map((band) => bandLine(roundBand(band)))].join(`\n${indent}`);
  const tail = bells.map((band) => `\n${bellIndent}${bandLine(roundBand(band))}`).join("");
  return { range: { start: morph.range.start, end }, newText: head + between + tail };
}

/** A one-line description of a response: its largest boost and cut. */
export function summariseCurve(frequencies: Float64Array, curveDb: Float64Array): string {
  let peak = 0;
  let dip = 0;
  for (let i = 1; i < curveDb.length; i++) {
    if (curveDb[i]! > curveDb[peak]!) peak = i;
    if (curveDb[i]! < curveDb[dip]!) dip = i;
  }
  const describe = (index: number) => `${displayGain(curveDb[index]!)} at ${displayFrequency(frequencies[index]!)}`;
  const parts: string[] = [];
  if (curveDb[peak]! >= 0.1) parts.push(`most boost ${describe(peak)}`);
  if (curveDb[dip]! <= -0.1) parts.push(`most cut ${describe(dip)}`);
  return parts.length > 0 ? parts.join(", ") : "flat (within ±0.1 dB)";
}

export interface TextReplacement {
  range: Range;
  newText: string;
}

/**
 * The replacements that expand each preset's morph (where the model can generate it) into band
 * lines, indented like the morph's line. Shared by the editor's code action and `eqp expand`.
 */
export function expansionEdits(
  text: string,
  presets: readonly ResolvedPreset[],
  generate: (terms: MorphTermValue[]) => EqBand[] | undefined,
): Map<ResolvedPreset, TextReplacement> {
  const lines = text.split(/\r\n|\r|\n/);
  const edits = new Map<ResolvedPreset, TextReplacement>();
  for (const preset of presets) {
    const morph = preset.morph;
    const terms = morph && morphTerms(morph);
    const generated = terms && generate(terms);
    if (!morph || !generated) continue;
    edits.set(preset, expansionReplacement(text, lines, morph, preset, generated));
  }
  return edits;
}

/** Applies non-overlapping replacements to a text. */
export function applyReplacements(text: string, replacements: readonly TextReplacement[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const offset = (position: { line: number; character: number }) =>
    (lineStarts[position.line] ?? text.length) + position.character;
  let result = text;
  for (const replacement of [...replacements].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
    result =
      result.slice(0, offset(replacement.range.start)) +
      replacement.newText +
      result.slice(offset(replacement.range.end));
  }
  return result;
}

/**
 * A whole preset block as `eqp match` and the preview's "Match to a reference…" write it: a comment
 * line, the bands (bandLine), the gain when not 0, in the formatter's layout.
 */
export function presetBlockText(name: string, bands: readonly EqBand[], outputGainDb: number, note: string): string {
  const body = bands.map((band) => `  ${bandLine(band)}`);
  if (outputGainDb !== 0) body.push(`  gain ${writeGain(outputGainDb)}`);
  const draft = `# ${note}\npreset ${quotedName(name)} {\n${body.join("\n")}\n}\n`;
  return formatDocument(parsePresetDocument(draft), draft) ?? draft;
}
