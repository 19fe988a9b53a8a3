/**
 * The meaning of a document: its presets, each with its sample rate, trim, morph and explicit
 * bands assigned to the EQ's slots. Bare statements outside any `preset` block form one unnamed
 * preset; a bare `samplerate` is the default for every preset of the file.
 */
import {
  containsPosition,
  type BandStatement,
  type MorphStatement,
  type Position,
  type PresetBlock,
  type PresetDocument,
  type Range,
  type Statement,
  type TagWord,
} from "../language/index.js";
import { DEFAULT_BELL_Q, DEFAULT_SAMPLE_RATE, SHELF_Q, slotFor, type SlotFacts } from "../eq/index.js";

export interface ResolvedBand {
  slot: SlotFacts;
  statement: BandStatement;
  frequencyHz?: number;
  gainDb?: number;
  /** The effective Q: fixed for shelves, default for bells without one. */
  q: number;
}

export interface ResolvedPreset {
  /** Undefined for the file's unnamed preset. */
  name?: string;
  block?: PresetBlock;
  /** The preset block, or the span of the unnamed preset's statements. */
  range: Range;
  statements: Statement[];
  sampleRate: number;
  sampleRateExplicit: boolean;
  outputGainDb: number;
  morph?: MorphStatement;
  /** Explicit bands that fit a slot, in source order. */
  bands: ResolvedBand[];
  /** Band lines beyond what the EQ has (a second low shelf, a fourth bell). */
  extraBands: BandStatement[];
  /** The words of every `tags` line, in source order: the preset is an example of each. */
  tags: TagWord[];
}

export function fileSampleRate(document: PresetDocument): number | undefined {
  let rate: number | undefined;
  for (const item of document.items) {
    if (item.kind === "samplerate" && item.value && isUsableSampleRate(item.value.value)) rate ??= item.value.value;
  }
  return rate;
}

function isUsableSampleRate(value: number): boolean {
  return Number.isFinite(value) && value > 0;
}

export function resolvePresets(document: PresetDocument): ResolvedPreset[] {
  const defaultRate = fileSampleRate(document);
  const presets: ResolvedPreset[] = [];
  const bare = document.items.filter((item): item is Statement => item.kind !== "preset" && item.kind !== "samplerate");
  if (bare.length > 0) {
    const first = bare[0]!;
    const last = bare[bare.length - 1]!;
    presets.push(resolve(undefined, undefined, bare, { start: first.range.start, end: last.range.end }, defaultRate));
  }
  for (const item of document.items) {
    if (item.kind === "preset") presets.push(resolve(item.name, item, item.statements, item.range, defaultRate));
  }
  return presets;
}

function resolve(
  name: string | undefined,
  block: PresetBlock | undefined,
  statements: Statement[],
  range: Range,
  defaultRate: number | undefined,
): ResolvedPreset {
  let sampleRate: number | undefined;
  let outputGainDb: number | undefined;
  let morph: MorphStatement | undefined;
  const bands: ResolvedBand[] = [];
  const extraBands: BandStatement[] = [];
  const tags: TagWord[] = [];
  const countByType = { lowshelf: 0, bell: 0, highshelf: 0 };
  for (const statement of statements) {
    switch (statement.kind) {
      case "samplerate":
        if (statement.value && isUsableSampleRate(statement.value.value)) sampleRate ??= statement.value.value;
        break;
      case "gain":
        if (statement.value && Number.isFinite(statement.value.value)) outputGainDb ??= statement.value.value;
        break;
      case "morph":
        morph ??= statement;
        break;
      case "tags":
        // One push per tag: a spread of a 150,000-word line overflows the stack.
        for (const tag of statement.tags) tags.push(tag);
        break;
      case "band": {
        const slot = slotFor(statement.bandType, countByType[statement.bandType]++);
        if (!slot) {
          extraBands.push(statement);
          break;
        }
        bands.push({
          slot,
          statement,
          frequencyHz: statement.slotValue("frequency"),
          gainDb: statement.slotValue("gain"),
          q: slot.hasQ ? (statement.slotValue("q") ?? DEFAULT_BELL_Q) : SHELF_Q,
        });
        break;
      }
      default:
        break;
    }
  }
  return {
    name,
    block,
    range,
    statements,
    sampleRate: sampleRate ?? defaultRate ?? DEFAULT_SAMPLE_RATE,
    sampleRateExplicit: sampleRate !== undefined || defaultRate !== undefined,
    outputGainDb: outputGainDb ?? 0,
    morph,
    bands,
    extraBands,
    tags,
  };
}

export function presetLabel(preset: ResolvedPreset): string {
  return preset.name !== undefined ? `"${preset.name}"` : "(unnamed preset)";
}

/**
 * The named preset whose block holds the position, else the file's unnamed preset if the position is
 * inside its span (the unnamed preset's span can enclose named blocks, so those win).
 */
export function presetAt(presets: readonly ResolvedPreset[], position: Position): ResolvedPreset | undefined {
  return (
    presets.find((preset) => preset.block && containsPosition(preset.range, position)) ??
    presets.find((preset) => !preset.block && containsPosition(preset.range, position))
  );
}
