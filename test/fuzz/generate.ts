/**
 * Seeded fuzz documents: token soup from the language's own tokens, and mutations of the samples
 * (tokens deleted, duplicated, swapped; huge numbers; unicode; NUL bytes; mixed line ends; cut
 * short). Document `index` of `seed` depends on nothing else, so one failure replays on its own.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { SeededRandom } from "../../server/src/core/model/index.js";

export interface FuzzDocument {
  seed: number;
  index: number;
  /** How it was made, for the failure report: "soup" or "sample:<file>" and the mutations. */
  recipe: string;
  text: string;
}

export interface GenerateOptions {
  /** Rough upper bound in characters (a long-line mutation alone goes past it on purpose). */
  maxSize: number;
  /** Characters of the rare "very long line" mutation. */
  longLine: number;
  /** Chance that a mutation is the long line: slow by nature, so rare. */
  longLineRate: number;
}

export const DEFAULT_GENERATE_OPTIONS: GenerateOptions = { maxSize: 400, longLine: 100_000, longLineRate: 0.002 };

/** The samples, read once: mutation sources. */
export function readSamples(dir = "samples"): { name: string; text: string }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".eqp"))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(dir, name), "utf8") }));
}

const KEYWORDS = [
  "preset",
  "morph",
  "lowshelf",
  "bell",
  "highshelf",
  "samplerate",
  "gain",
  "q",
  "Bell",
  "MORPH",
  "Preset",
  "HighShelf",
  "GAIN",
  "Q",
];
const WORDS = [
  "warm",
  "bright",
  "clear",
  "airy",
  "boomy",
  "wram",
  "brigth",
  "crunchy",
  "x",
  "_",
  "a-b",
  "don't",
  "bel",
  "presets",
  "morphs",
  "bellq",
  "Warm",
  "q1",
  "k",
  "Hz",
  "dB",
  "kHz",
];
const UNITS = ["", "", "Hz", "kHz", "k", "K", "dB", "db", "DB", " Hz", "\tkHz", " dB", "hz", "Khz", "dBFS", "ms", "%"];
const STRINGS = [
  '"VO"',
  '"A"',
  '""',
  '"with \\" quote"',
  '"tab\there"',
  '"unterminated',
  '"\\',
  '"a\\nb"',
  "'single'",
  '"emoji 🎛️"',
  '"right\u202eleft"',
];
const PUNCTUATION = [
  "{",
  "}",
  ";",
  "{}",
  "}}",
  "{{",
  ";;",
  "(",
  ")",
  "[",
  "]",
  ",",
  ":",
  "=",
  "/",
  "*",
  "-",
  "+",
  ".",
  "\\",
];
const COMMENTS = ["# note", "// note", "#", "//", "# morph warm 1", "/* not a comment */", "#\u0000", "# \u202e"];
const SEPARATORS = [
  " ",
  " ",
  " ",
  "  ",
  "\t",
  "\n",
  "\n",
  "\n",
  "\r\n",
  "\r",
  "\f",
  "\u00a0",
  "\ufeff",
  "\u2028",
  "\u0085",
  "\v",
];
/** Characters that break naive code: NUL, combining marks, bidi controls, emoji, lone surrogates. */
const ODD_CHARACTERS = [
  "\u0000",
  "\u0301",
  "e\u0301",
  "\u202e",
  "\u200f",
  "\u05d0\u05d1",
  "\u0627\u0644",
  "🎛️",
  "😀",
  "\ud83d",
  "\ude00",
  "\udfff\ud800",
  "\uffff",
  "\ufffd",
  "\u200b",
  "\u00ad",
  "ﬀ",
  "İ",
  "ß",
  "\u0007",
  "\u001b[31m",
  "\u007f",
  "$",
  "`",
  "@",
  "~",
  "%",
  "&",
  "|",
  "^",
  "?",
  "!",
  "<",
  ">",
];
const NUMBER_TEXTS = [
  "1e308",
  "-1e308",
  "1e309",
  "-0",
  "+0",
  "0",
  "NaN",
  "Infinity",
  "-Infinity",
  "nan",
  "0x1F",
  "1e",
  "1e+",
  "1.2.3",
  "--3",
  "+-3",
  ".",
  "5.",
  ".5",
  "00012",
  "1_000",
  "4.9e-324",
  "2e-400",
  "9007199254740993",
  "1,5",
];

function pick<T>(random: SeededRandom, items: readonly T[]): T {
  return items[random.int(items.length)]!;
}

function digits(random: SeededRandom, count: number): string {
  let text = String(1 + random.int(9));
  for (let i = 1; i < count; i++) text += String(random.int(10));
  return text;
}

/** A number as people (and fuzzers) write them: plain, signed, decimal, exponent, absurd. */
function numberText(random: SeededRandom): string {
  const roll = random.next();
  if (roll < 0.15) return pick(random, NUMBER_TEXTS);
  if (roll < 0.2) return digits(random, 400);
  if (roll < 0.25) return `${digits(random, 1 + random.int(3))}.${digits(random, 20 + random.int(30))}`;
  const sign = pick(random, ["", "", "", "+", "-"]);
  const whole = String(random.int(random.next() < 0.5 ? 30 : 30000));
  const fraction = random.next() < 0.4 ? `.${String(random.int(1000))}` : "";
  const exponent = random.next() < 0.08 ? `e${pick(random, ["", "+", "-"])}${random.int(400)}` : "";
  return `${sign}${whole}${fraction}${exponent}`;
}

function quantityText(random: SeededRandom): string {
  return `${numberText(random)}${pick(random, UNITS)}`;
}

/** One token of the language (or a near miss). */
function token(random: SeededRandom): string {
  const roll = random.next();
  if (roll < 0.22) return pick(random, KEYWORDS);
  if (roll < 0.4) return pick(random, WORDS);
  if (roll < 0.62) return quantityText(random);
  if (roll < 0.7) return pick(random, STRINGS);
  if (roll < 0.82) return pick(random, PUNCTUATION);
  if (roll < 0.88) return pick(random, COMMENTS);
  return pick(random, ODD_CHARACTERS);
}

/** Random tokens with random separators, up to `maxSize` characters. */
function tokenSoup(random: SeededRandom, maxSize: number): string {
  const target = 1 + random.int(maxSize);
  let text = "";
  while (text.length < target) {
    text += token(random);
    text += random.next() < 0.8 ? pick(random, SEPARATORS) : "";
  }
  return text.slice(0, maxSize);
}

/** Whitespace-separated pieces and the separators between them, so mutations keep the layout. */
function split(text: string): string[] {
  return text.split(/(\s+)/);
}

type Mutation = (random: SeededRandom, pieces: string[], options: GenerateOptions) => void;

/** Indices of the non-separator pieces. */
function wordIndices(pieces: string[]): number[] {
  return pieces.flatMap((piece, index) => (piece !== "" && !/^\s+$/.test(piece) ? [index] : []));
}

function randomWord(random: SeededRandom, pieces: string[]): number | undefined {
  const indices = wordIndices(pieces);
  return indices.length > 0 ? pick(random, indices) : undefined;
}

const MUTATIONS: Record<string, Mutation> = {
  delete: (random, pieces) => {
    const at = randomWord(random, pieces);
    if (at !== undefined) pieces[at] = "";
  },
  duplicate: (random, pieces) => {
    const at = randomWord(random, pieces);
    if (at !== undefined) pieces[at] = `${pieces[at]} ${pieces[at]}`;
  },
  swap: (random, pieces) => {
    const a = randomWord(random, pieces);
    const b = randomWord(random, pieces);
    if (a !== undefined && b !== undefined) [pieces[a], pieces[b]] = [pieces[b]!, pieces[a]!];
  },
  insert: (random, pieces) => {
    pieces.splice(random.int(pieces.length + 1), 0, token(random), pick(random, SEPARATORS));
  },
  replace: (random, pieces) => {
    const at = randomWord(random, pieces);
    if (at !== undefined) pieces[at] = token(random);
  },
  hugeNumber: (random, pieces) => {
    const numbers = wordIndices(pieces).filter((index) => /\d/.test(pieces[index]!));
    if (numbers.length === 0) return;
    const at = pick(random, numbers);
    const unit = /[A-Za-z]+$/.exec(pieces[at]!)?.[0] ?? "";
    pieces[at] =
      `${pick(random, ["1e308", "-1e308", "1e309", "-0", "4.9e-324", digits(random, 400), `0.${"0".repeat(400)}1`])}${unit}`;
  },
  oddCharacter: (random, pieces) => {
    const at = random.int(pieces.length);
    const piece = pieces[at]!;
    const cut = random.int(piece.length + 1);
    pieces[at] = piece.slice(0, cut) + pick(random, ODD_CHARACTERS) + piece.slice(cut);
  },
  nul: (random, pieces) => {
    const at = random.int(pieces.length);
    pieces[at] = `${pieces[at]}\u0000`;
  },
  lineEnds: (random, pieces) => {
    const style = pick(random, ["\r\n", "\r", "mixed"]);
    for (let i = 0; i < pieces.length; i++) {
      pieces[i] = pieces[i]!.replace(/\r\n|\r|\n/g, () =>
        style === "mixed" ? pick(random, ["\n", "\r\n", "\r"]) : style,
      );
    }
  },
  unclose: (random, pieces) => {
    const closers = pieces.flatMap((piece, index) => (/["}]/.test(piece) ? [index] : []));
    if (closers.length === 0) return;
    const at = pick(random, closers);
    pieces[at] = random.next() < 0.5 ? pieces[at]!.replace(/"([^"]*)$/, "$1") : pieces[at]!.replace("}", "");
  },
  cut: (random, pieces) => {
    const text = pieces.join("");
    const kept = text.slice(0, random.int(text.length + 1));
    pieces.splice(0, pieces.length, ...split(kept));
  },
  longLine: (random, pieces, options) => {
    const unit = pick(random, ["warm ", "bell 1kHz ", "x", "\u0000", "{", '"', "1", "🎛️", "# ", "é"]);
    const line = unit.repeat(Math.ceil(options.longLine / unit.length)).slice(0, options.longLine);
    pieces.splice(random.int(pieces.length + 1), 0, `\n${line}\n`);
  },
};

const COMMON_MUTATIONS = Object.keys(MUTATIONS).filter((name) => name !== "longLine");

function mutateSample(
  random: SeededRandom,
  sample: { name: string; text: string },
  options: GenerateOptions,
): { recipe: string; text: string } {
  const pieces = split(sample.text);
  const applied: string[] = [];
  const count = 1 + random.int(4);
  for (let i = 0; i < count; i++) {
    const name = random.next() < options.longLineRate ? "longLine" : pick(random, COMMON_MUTATIONS);
    MUTATIONS[name]!(random, pieces, options);
    applied.push(name);
  }
  const text = pieces.join("");
  const limit = applied.includes("longLine") ? options.maxSize + options.longLine + 2 : options.maxSize;
  return { recipe: `sample:${sample.name} ${applied.join(",")}`, text: text.slice(0, Math.max(limit, 0)) };
}

/** A 32-bit mix of seed and index, so neighbouring documents share no random stream. */
function documentSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

/** Document `index` of the run with `seed`: a third token soup, two thirds mutated samples. */
export function fuzzDocument(
  seed: number,
  index: number,
  samples: readonly { name: string; text: string }[],
  options: GenerateOptions = DEFAULT_GENERATE_OPTIONS,
): FuzzDocument {
  const random = new SeededRandom(documentSeed(seed, index));
  if (samples.length === 0 || random.next() < 1 / 3)
    return { seed, index, recipe: "soup", text: tokenSoup(random, options.maxSize) };
  const { recipe, text } = mutateSample(random, pick(random, samples), options);
  return { seed, index, recipe, text };
}

/** Positions to probe with hover and completion, drawn from the same document's stream. */
export function probePositions(
  document: FuzzDocument,
  lines: readonly string[],
  count: number,
): { line: number; character: number }[] {
  const random = new SeededRandom(documentSeed(document.seed, document.index) ^ 0x5bd1e995);
  return Array.from({ length: count }, () => {
    // Now and then a position past the end, as editors send while the text is changing.
    if (random.next() < 0.05) return { line: lines.length + random.int(3), character: random.int(5) };
    const line = random.int(lines.length);
    return { line, character: random.int((lines[line]?.length ?? 0) + 2) };
  });
}

/** The text of one random edit: nothing (a deletion), a token, a line break, or a line of a sample. */
export function editText(random: SeededRandom, samples: readonly { text: string }[]): string {
  const roll = random.next();
  if (roll < 0.25) return "";
  if (roll < 0.7) return `${token(random)}${random.next() < 0.6 ? pick(random, SEPARATORS) : ""}`;
  if (roll < 0.85) return pick(random, ["\n", "\n", "\r\n", " ", "  "]);
  const lines = pick(random, samples).text.split("\n");
  return `${pick(random, lines)}\n`;
}
