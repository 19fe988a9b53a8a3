/**
 * The meaning of a document: its presets, each with its sample rate, trim, morph and explicit
 * bands assigned to the EQ's slots. Bare statements outside any `preset` block form one unnamed
 * preset; a bare `samplerate` is the default for every preset of the file.
 */
import {
  containsPosition,
  type BandStatement,
  type BandType,
  type MorphStatement,
  type Position,
  type PresetBlock,
  type PresetDocument,
  type Range,
  type Statement,
  type TagWord,
  type UseStatement,
} from "../language/index.js";
import {
  DEFAULT_PASS_SLOPE,
  DEFAULT_SAMPLE_RATE,
  defaultQ,
  isPassFilter,
  SHELF_Q,
  slotFacts,
  slotFor,
  type SlotFacts,
} from "../eq/index.js";

export interface ResolvedBand {
  slot: SlotFacts;
  statement: BandStatement;
  frequencyHz?: number;
  gainDb?: number;
  /** The effective Q: fixed for shelves, the band type's default when the line has none. */
  q: number;
  /** A pass filter's slope (dB/oct), 12 when the line has none; undefined for other bands. */
  slopeDbPerOctave?: number;
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
  /**
   * Explicit bands, in source order: in one of SAFE's five slots (a shelf, `bell1`…`bell3`, or
   * without a morph the first three bells) or around them (added bells, pass filters, notches).
   */
  bands: ResolvedBand[];
  /** Band lines beyond what the EQ has (a second low shelf, a second `bell2`). */
  extraBands: BandStatement[];
  /** The words of every `tags` line, in source order: the preset is an example of each. */
  tags: TagWord[];
  /** The `use` lines, in source order: the preset starts from their chains, one after the other (uses.ts). */
  uses: UseStatement[];
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
  let extraBands: BandStatement[] | undefined;
  let tags: TagWord[] | undefined;
  let uses: UseStatement[] | undefined;
  const slots = new BandSlots(statements);
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
        tags ??= [];
        for (const tag of statement.tags) tags.push(tag);
        break;
      case "use":
        (uses ??= []).push(statement);
        break;
      case "band": {
        const slot = slots.next(statement);
        if (slot) bands.push(resolveBand(slot, statement));
        else (extraBands ??= []).push(statement);
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
    // Most presets have none of these: they share one empty list rather than each holding its own.
    extraBands: extraBands ?? NO_EXTRA_BANDS,
    tags: tags ?? NO_TAGS,
    uses: uses ?? NO_USES,
  };
}

const NO_USES: UseStatement[] = [];
const NO_EXTRA_BANDS: BandStatement[] = [];
const NO_TAGS: TagWord[] = [];
Object.freeze(NO_USES);
Object.freeze(NO_EXTRA_BANDS);
Object.freeze(NO_TAGS);

function resolveBand(slot: SlotFacts, statement: BandStatement): ResolvedBand {
  const band: ResolvedBand = {
    slot,
    statement,
    frequencyHz: statement.slotValue("frequency"),
    gainDb: isPassFilter(slot.id) || slot.id === "notch" ? 0 : statement.slotValue("gain"),
    q: slot.hasQ ? (statement.slotValue("q") ?? defaultQ(slot.id)) : SHELF_Q,
  };
  if (isPassFilter(slot.id)) band.slopeDbPerOctave = statement.slotValue("slope") ?? DEFAULT_PASS_SLOPE;
  return band;
}

/**
 * Which slot each band line of a preset takes. With a morph, a plain `bell` adds to the five
 * generated bands and `bell1`…`bell3` replace the generated Bell 1–3 (shelves replace the generated
 * shelves, as SAFE has one of each). Without a morph, `bell1`…`bell3` take their slot and plain
 * bells fill the bell slots no `bellN` line claims, in order, then are added bells.
 */
class BandSlots {
  private readonly hasMorph: boolean;
  /** Bell numbers as bits (1 << n): those a `bellN` line claims, and those a line took. */
  private readonly claimed: number;
  private taken = 0;
  /** The band lines of each type read so far (bells are placed by number instead). */
  private readonly countByType: Record<BandType, number> = {
    lowshelf: 0,
    bell: 0,
    highshelf: 0,
    highpass: 0,
    lowpass: 0,
    notch: 0,
  };

  constructor(statements: readonly Statement[]) {
    // One walk, and numbers rather than sets: every preset of a file makes one of these.
    let hasMorph = false;
    let claimed = 0;
    for (const statement of statements) {
      if (statement.kind === "morph") hasMorph = true;
      else if (statement.kind === "band" && statement.replacesBell > 0) claimed |= 1 << statement.replacesBell;
    }
    this.hasMorph = hasMorph;
    this.claimed = claimed;
  }

  /** The slot of the next band line, or undefined when the EQ has no room for it. */
  next(statement: BandStatement): SlotFacts | undefined {
    if (statement.bandType === "bell") return this.bell(statement.replacesBell);
    const count = this.countByType[statement.bandType];
    this.countByType[statement.bandType] = count + 1;
    return slotFor(statement.bandType, count);
  }

  private bell(replaces: number): SlotFacts | undefined {
    if (replaces > 0) return this.take(replaces);
    if (this.hasMorph) return slotFacts("bell");
    for (let number = 1; number <= 3; number++)
      if (((this.claimed | this.taken) & (1 << number)) === 0) return this.take(number);
    return slotFacts("bell");
  }

  /** Bell `number`'s slot, unless a line took it already. */
  private take(number: number): SlotFacts | undefined {
    const bit = 1 << number;
    if ((this.taken & bit) !== 0) return undefined;
    this.taken |= bit;
    return BELL_SLOTS[number];
  }
}

/** Bell 1–3's facts by number (index 0 unused). */
const BELL_SLOTS: readonly (SlotFacts | undefined)[] = [
  undefined,
  slotFacts("bell1"),
  slotFacts("bell2"),
  slotFacts("bell3"),
];

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
