/** The syntax tree of a preset file. Positions are zero-based lines and UTF-16 columns, as in LSP. */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type Unit = "Hz" | "kHz" | "dB" | "dB/oct" | undefined;

/** A number as written, with its unit, and its value in the unit's base (Hz or dB). */
export interface Quantity {
  readonly kind: "quantity";
  readonly text: string;
  /** The number as written, before unit scaling. */
  readonly number: number;
  readonly unit: Unit;
  /** In Hz for frequencies (kHz scaled), dB for gains, plain for others. */
  readonly value: number;
  readonly range: Range;
}

export interface MorphTerm {
  kind: "morphTerm";
  /** The word as written. */
  text: string;
  /** The word normalised for look-up (lower case). */
  word: string;
  wordRange: Range;
  weight?: Quantity;
  range: Range;
}

/**
 * What a morph term means once read: the word (lower case) and its weight. The one shape of a term
 * for the model, the services and every front end; `MorphTerm` above is its syntax.
 */
export interface MorphTermValue {
  word: string;
  weight: number;
}

export interface MorphStatement {
  kind: "morph";
  keywordRange: Range;
  terms: MorphTerm[];
  range: Range;
}

/** SAFE's band types, then the filters around them (high-pass, low-pass, notch). */
export type BandType = "lowshelf" | "bell" | "highshelf" | "highpass" | "lowpass" | "notch";

/** What a band's parameter stands for: its first frequency, gain, Q or slope (dB/oct) value. */
export type BandSlot = "frequency" | "gain" | "q" | "slope";

/** One argument of a band line: a quantity, or `q` with its value. */
export type BandParameter =
  | { readonly kind: "value"; readonly quantity: Quantity; readonly range: Range }
  | { readonly kind: "q"; readonly keywordRange: Range; readonly quantity?: Quantity; readonly range: Range };

/** A band line (a `BandNode`: its parameters and quantities are made when read, so compare them with `slotOf`). */
export interface BandStatement {
  readonly kind: "band";
  readonly bandType: BandType;
  readonly keywordRange: Range;
  readonly parameters: readonly BandParameter[];
  /** The number of parameters (without making them). */
  readonly parameterCount: number;
  /** The first frequency (Hz or kHz) among the parameters. */
  readonly frequency?: Quantity;
  /** The first gain (dB) among the parameters. */
  readonly gain?: Quantity;
  /** The first `q` value among the parameters. */
  readonly q?: Quantity;
  /** The first slope (dB/oct) among the parameters. */
  readonly slope?: Quantity;
  /** For `bell1`…`bell3`: which generated bell (1–3) the line replaces; 0 for every other band. */
  readonly replacesBell: number;
  readonly range: Range;
  /** Which of frequency, gain, q and slope the parameter at `index` is, if any. */
  slotOf(index: number): BandSlot | undefined;
  /** Whether the band has a frequency, gain, q or slope (without making the quantity's node). */
  hasSlot(slot: BandSlot): boolean;
  /** The slot's value (`frequency`, `gain`, `q` or `slope` .value) without making the quantity's node. */
  slotValue(slot: BandSlot): number | undefined;
}

export interface SampleRateStatement {
  kind: "samplerate";
  keywordRange: Range;
  value?: Quantity;
  range: Range;
}

export interface OutputGainStatement {
  kind: "gain";
  keywordRange: Range;
  value?: Quantity;
  range: Range;
}

/** A line starting with a word that is not a keyword; kept so validation can suggest the keyword. */
export interface UnknownStatement {
  kind: "unknown";
  text: string;
  keywordRange: Range;
  range: Range;
}

/** One word of a `tags` line. */
export interface TagWord {
  /** The word as written. */
  text: string;
  /** The word normalised for look-up (lower case), as a morph's words are. */
  word: string;
  range: Range;
}

/** `tags punchy intimate`: the preset is an example of each word. */
export interface TagsStatement {
  kind: "tags";
  keywordRange: Range;
  tags: TagWord[];
  range: Range;
}

/**
 * `use "VO clean"` or `use "VO clean" from "dialogue.eqp"`: the preset starts from that preset's
 * whole chain (its morph's bands, filters and gain), then its own lines apply.
 */
export interface UseStatement {
  kind: "use";
  keywordRange: Range;
  /** The used preset's name without quotes, escapes resolved; undefined when missing. */
  name?: string;
  nameRange?: Range;
  /** The `from` keyword, when written. */
  fromRange?: Range;
  /** The file after `from`, as written (relative to the using file's folder). */
  file?: string;
  fileRange?: Range;
  range: Range;
}

export type Statement =
  | MorphStatement
  | BandStatement
  | SampleRateStatement
  | OutputGainStatement
  | TagsStatement
  | UseStatement
  | UnknownStatement;

export interface PresetBlock {
  kind: "preset";
  /** The name without quotes and with escapes resolved; undefined when missing. */
  name?: string;
  nameRange?: Range;
  keywordRange: Range;
  /** The opening brace, when present. */
  openRange?: Range;
  statements: Statement[];
  /** True when the closing brace is present. */
  closed: boolean;
  /** The line of the closing brace, when present. */
  closeLine?: number;
  range: Range;
}

export interface Comment {
  text: string;
  range: Range;
}

export interface PresetDocument {
  kind: "document";
  /** Presets and top-level statements in source order. */
  items: (PresetBlock | Statement)[];
  comments: Comment[];
  /** Lexing and parsing errors, already turned into readable messages. */
  syntaxErrors: SyntaxError[];
  /** Number of lines of the text. */
  lineCount: number;
}

export interface SyntaxError {
  message: string;
  range: Range;
}

export function containsPosition(range: Range, position: Position): boolean {
  return !isBefore(position, range.start) && !isBefore(range.end, position);
}

export function isBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}
