/**
 * What changed between two versions of a preset file, preset by preset: added, removed, renamed
 * (the same sound under a new name), or changed, with the bands and settings that differ and the
 * largest change of the curve in dB and where. Morphs are compared by what they sound like: their
 * bands come from the services (`bandsOf`), the same resolution the editor and every command use,
 * so a changed weight shows up as changed bands. Free of the LSP and of git: the CLI feeds it file
 * texts from disk and `git show`, the preview can feed it the buffer and HEAD.
 */
import {
  ABSURD_GAIN_DB,
  ANALYSIS_POINTS,
  drawableBands,
  logFrequencies,
  responseDb,
  SLOTS,
  topFrequency,
  type EqBand,
  type SlotId,
} from "../eq/index.js";
import { displayFrequency, displayGain, displayQ } from "../language/index.js";
import type { DocumentMeaning, ResolvedPreset } from "../presets/index.js";

/** The services a diff needs: read a text, and a preset's chain with its morph and `use` lines resolved. */
export interface DiffServices {
  read(text: string): DocumentMeaning;
  /** The preset's bands and output gain, its used presets' chains first (`meaning`: the version it is read from). */
  chainOf(preset: ResolvedPreset, meaning: DocumentMeaning): { bands: EqBand[]; outputGainDb: number };
  /** Which file a text was read from: its `use … from "file"` lines are relative to it. */
  place?(meaning: DocumentMeaning, file: string): void;
}

/** A preset as it sounds: what two versions are compared on. */
export interface PresetState {
  /** Undefined for the file's unnamed preset. */
  name?: string;
  /** 1-based line of the preset in its file version. */
  line: number;
  sampleRate: number;
  outputGainDb: number;
  /** The morph as written ("warm 0.6 bright 0.4"), if any. */
  morph?: string;
  /** The bands that play: explicit ones and the morph's generated ones. */
  bands: EqBand[];
  /** The preset's own text, to tell its own edits from a change of something it depends on. */
  source?: string;
}

export type BandChangeKind = "added" | "removed" | "changed";

export interface BandChange {
  slot: SlotId;
  kind: BandChangeKind;
  before?: EqBand;
  after?: EqBand;
}

export interface CurveChange {
  /** The largest |after − before| of the response over the audible range. */
  maxDb: number;
  /** Where it is largest. */
  atFrequencyHz: number;
  /** after − before there: positive when the new version is louder. */
  signedDb: number;
}

export type PresetChangeKind = "added" | "removed" | "renamed" | "changed" | "unchanged";

export interface PresetDiff {
  kind: PresetChangeKind;
  /** The name now (the old one for a removed preset); undefined for the unnamed preset. */
  name?: string;
  /** The old name of a renamed preset. */
  previousName?: string;
  before?: PresetState;
  after?: PresetState;
  bands: BandChange[];
  /** Settings other than bands that changed, in words ("gain -1 dB → -2 dB"). */
  settings: string[];
  /** For presets in both versions (changed, renamed, unchanged). */
  curve?: CurveChange;
  /**
   * Why a preset whose own text is the same sounds different: the model, the tags of a team word
   * (in which file), a used preset. Undefined when its text changed.
   */
  cause?: string;
}

/** Below this the curves are the same: far under anything audible, above float noise. */
export const SAME_CURVE_DB = 0.005;

export function morphText(preset: ResolvedPreset): string | undefined {
  return preset.morph?.terms.map((term) => `${term.word}${term.weight ? ` ${term.weight.text}` : ""}`).join(" ");
}

export function presetState(
  preset: ResolvedPreset,
  services: DiffServices,
  meaning: DocumentMeaning,
  source?: string,
): PresetState {
  const morph = morphText(preset);
  const chain = services.chainOf(preset, meaning);
  return {
    ...(preset.name !== undefined ? { name: preset.name } : {}),
    line: preset.range.start.line + 1,
    sampleRate: preset.sampleRate,
    outputGainDb: chain.outputGainDb,
    ...(morph !== undefined ? { morph } : {}),
    bands: chain.bands,
    ...(source !== undefined ? { source } : {}),
  };
}

/** The presets of a text (none when the file does not exist in that version). */
export function presetStates(text: string | undefined, services: DiffServices, file?: string): PresetState[] {
  if (text === undefined) return [];
  const meaning = services.read(text);
  if (file !== undefined) services.place?.(meaning, file);
  const lines = text.split("\n");
  const slice = ({ start, end }: ResolvedPreset["range"]) =>
    [...lines.slice(start.line, end.line), (lines[end.line] ?? "").slice(0, end.character)]
      .join("\n")
      .slice(start.character);
  return meaning.presets.map((preset) => presetState(preset, services, meaning, slice(preset.range)));
}

function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function sameBand(a: EqBand, b: EqBand): boolean {
  return sameNumber(a.frequencyHz, b.frequencyHz) && sameNumber(a.gainDb, b.gainDb) && sameNumber(a.q, b.q);
}

export function bandChanges(before: readonly EqBand[], after: readonly EqBand[]): BandChange[] {
  const changes: BandChange[] = [];
  for (const slot of SLOTS) {
    const old = before.find((band) => band.slot === slot.id);
    const now = after.find((band) => band.slot === slot.id);
    if (old && now && !sameBand(old, now)) changes.push({ slot: slot.id, kind: "changed", before: old, after: now });
    else if (old && !now) changes.push({ slot: slot.id, kind: "removed", before: old });
    else if (!old && now) changes.push({ slot: slot.id, kind: "added", after: now });
  }
  return changes;
}

/** A preset's response on a grid; bands the picture cannot draw (errors in the file) are left out, as the hover does. */
function curveOf(state: PresetState, grid: Float64Array): Float64Array {
  const trim =
    Number.isFinite(state.outputGainDb) && Math.abs(state.outputGainDb) <= ABSURD_GAIN_DB ? state.outputGainDb : 0;
  return responseDb(drawableBands(state.bands, state.sampleRate), grid, state.sampleRate, trim);
}

/** The grid both versions are compared on: the audible range, below both Nyquist frequencies. */
export function comparisonFrequencies(before: PresetState, after: PresetState): Float64Array {
  return logFrequencies(ANALYSIS_POINTS, 20, Math.min(topFrequency(before.sampleRate), topFrequency(after.sampleRate)));
}

export function curveChange(before: PresetState, after: PresetState): CurveChange {
  const grid = comparisonFrequencies(before, after);
  const old = curveOf(before, grid);
  const now = curveOf(after, grid);
  let at = 0;
  for (let i = 1; i < grid.length; i++) if (Math.abs(now[i]! - old[i]!) > Math.abs(now[at]! - old[at]!)) at = i;
  const signedDb = now[at]! - old[at]!;
  return { maxDb: Math.abs(signedDb), atFrequencyHz: grid[at]!, signedDb };
}

/** The curves of both versions on their common grid, for pictures. */
export function curves(
  before: PresetState,
  after: PresetState,
): { frequencies: Float64Array; before: Float64Array; after: Float64Array } {
  const frequencies = comparisonFrequencies(before, after);
  return { frequencies, before: curveOf(before, frequencies), after: curveOf(after, frequencies) };
}

function settingChanges(before: PresetState, after: PresetState): string[] {
  const settings: string[] = [];
  if (before.morph !== after.morph) settings.push(`morph ${before.morph ?? "(none)"} → ${after.morph ?? "(none)"}`);
  if (!sameNumber(before.outputGainDb, after.outputGainDb))
    settings.push(`gain ${displayGain(before.outputGainDb)} → ${displayGain(after.outputGainDb)}`);
  if (!sameNumber(before.sampleRate, after.sampleRate))
    settings.push(`samplerate ${displayFrequency(before.sampleRate)} → ${displayFrequency(after.sampleRate)}`);
  return settings;
}

function compared(kind: PresetChangeKind, before: PresetState, after: PresetState): PresetDiff {
  const bands = bandChanges(before.bands, after.bands);
  const settings = settingChanges(before, after);
  const curve = curveChange(before, after);
  // A filter or a used preset can move the curve with no slot or setting changed.
  const same = bands.length === 0 && settings.length === 0 && curve.maxDb < SAME_CURVE_DB;
  return {
    kind: kind === "changed" && same ? "unchanged" : kind,
    ...(after.name !== undefined ? { name: after.name } : {}),
    ...(kind === "renamed" && before.name !== undefined ? { previousName: before.name } : {}),
    before,
    after,
    bands,
    settings,
    curve,
  };
}

/** Same sound: a renamed preset keeps its bands, trim and sample rate (its morph text may be respelled). */
function soundsSame(a: PresetState, b: PresetState): boolean {
  return (
    bandChanges(a.bands, b.bands).length === 0 &&
    sameNumber(a.outputGainDb, b.outputGainDb) &&
    sameNumber(a.sampleRate, b.sampleRate)
  );
}

/**
 * Pairs the presets of two versions: by name first (the unnamed preset with the unnamed one, a
 * repeated name in order), then a preset that went away with a new one that sounds the same is a
 * rename. In the order of the new version, removed ones after.
 */
export function diffPresets(before: readonly PresetState[], after: readonly PresetState[]): PresetDiff[] {
  const unmatchedBefore = [...before];
  const pairs: { after: PresetState; before?: PresetState }[] = after.map((state) => {
    const index = unmatchedBefore.findIndex((old) => old.name === state.name);
    return index >= 0 ? { after: state, before: unmatchedBefore.splice(index, 1)[0]! } : { after: state };
  });
  for (const pair of pairs) {
    if (pair.before) continue;
    const index = unmatchedBefore.findIndex((old) => soundsSame(old, pair.after));
    if (index >= 0) pair.before = unmatchedBefore.splice(index, 1)[0]!;
  }
  const diffs = pairs.map((pair): PresetDiff => {
    if (!pair.before)
      return {
        kind: "added",
        ...(pair.after.name !== undefined ? { name: pair.after.name } : {}),
        after: pair.after,
        bands: bandChanges([], pair.after.bands),
        settings: [],
      };
    return compared(pair.before.name === pair.after.name ? "changed" : "renamed", pair.before, pair.after);
  });
  for (const old of unmatchedBefore)
    diffs.push({
      kind: "removed",
      ...(old.name !== undefined ? { name: old.name } : {}),
      before: old,
      bands: bandChanges(old.bands, []),
      settings: [],
    });
  return diffs;
}

/** How a diff tells the two sides apart beyond the text: each side's services and the causes of a change. */
export interface DiffContext {
  /**
   * The services of the old side (its model, team words and the other files as they were, so that a
   * preset whose used preset changed in another file shows the change); by default the new side's.
   */
  before?: DiffServices;
  /** Where the texts live (for `use … from`). */
  file?: string;
  /** Why a preset with the same text sounds different (the model, a word's tags, a used preset). */
  why?(before: PresetState, after: PresetState): string | undefined;
}

/** Compares two versions of a file (undefined: the file does not exist in that version). */
export function diffTexts(
  before: string | undefined,
  after: string | undefined,
  services: DiffServices,
  context: DiffContext = {},
): PresetDiff[] {
  const diffs = diffPresets(
    presetStates(before, context.before ?? services, context.file),
    presetStates(after, services, context.file),
  );
  for (const diff of diffs)
    if (diff.kind === "changed" && diff.before?.source !== undefined && diff.before.source === diff.after?.source)
      diff.cause =
        context.why?.(diff.before, diff.after) ??
        "its own text is the same: something it depends on changed (the model, a word's tags or a used preset)";
  return diffs;
}

export function bandText(band: EqBand): string {
  const slot = SLOTS.find((candidate) => candidate.id === band.slot)!;
  return `${displayFrequency(band.frequencyHz)} ${displayGain(band.gainDb)}${slot.hasQ ? ` Q ${displayQ(band.q)}` : ""}`;
}

/** "Bell 2: 3 kHz +2.5 dB Q 1 → 3.2 kHz +2 dB Q 1". */
export function bandChangeText(change: BandChange): string {
  const label = SLOTS.find((slot) => slot.id === change.slot)!.label;
  if (change.kind === "added") return `${label} added: ${bandText(change.after!)}`;
  if (change.kind === "removed") return `${label} removed: ${bandText(change.before!)}`;
  return `${label}: ${bandText(change.before!)} → ${bandText(change.after!)}`;
}

export function presetName(name: string | undefined): string {
  return name !== undefined ? `"${name}"` : "(unnamed preset)";
}

/** "largest change +3.1 dB at 2.5 kHz", or "the curve is the same". */
export function curveChangeText(curve: CurveChange): string {
  if (curve.maxDb < SAME_CURVE_DB) return "the curve is the same";
  // Two decimals: a diff is read for small changes too, which one decimal would show as 0 dB.
  return `largest change ${curve.signedDb > 0 ? "+" : "−"}${curve.maxDb.toFixed(2)} dB at ${displayFrequency(curve.atFrequencyHz)}`;
}
