/**
 * Completion from the text of the line before the cursor, so that it works on half-typed lines
 * the parser cannot make sense of: keywords at the start of a line, words after `morph`, units
 * right after a number, `q` inside a bell.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Position,
  type Range,
} from "vscode-languageserver";
import {
  BAND_TYPE_INFO,
  PASS_SLOPES,
  containsPosition,
  isBefore,
  isTeamOrigin,
  isTimbreWord,
  KEYWORD_SPECS,
  type Keyword,
  type Vocabulary,
  type WordInfo,
} from "../../core/index.js";
import { confidenceLine, wordHeading } from "./hover.js";
import type { ParsedDocument } from "./documentStore.js";

interface KeywordHelp {
  detail: string;
  snippet: string;
}

/** Help per keyword; the keywords themselves (and which are top-level only) come from the core's one list. */
const KEYWORD_HELP: Record<Exclude<Keyword, "q" | "from">, KeywordHelp> = {
  morph: { detail: "Mix words into an EQ: morph warm 0.3 bright 0.7", snippet: "morph ${1:warm} ${2:0.5}" },
  lowshelf: { detail: BAND_TYPE_INFO.lowshelf.description, snippet: "lowshelf ${1:120Hz} ${2:+0dB}" },
  bell: { detail: BAND_TYPE_INFO.bell.description, snippet: "bell ${1:1kHz} ${2:+0dB} q ${3:1}" },
  highshelf: { detail: BAND_TYPE_INFO.highshelf.description, snippet: "highshelf ${1:8kHz} ${2:+0dB}" },
  highpass: {
    detail: `${BAND_TYPE_INFO.highpass.description} Slope 6–48 dB/oct (12 by default, Butterworth).`,
    snippet: "highpass ${1:80Hz} ${2|12dB/oct,6dB/oct,18dB/oct,24dB/oct,36dB/oct,48dB/oct|}",
  },
  lowpass: {
    detail: `${BAND_TYPE_INFO.lowpass.description} Slope 6–48 dB/oct (12 by default, Butterworth).`,
    snippet: "lowpass ${1:8kHz} ${2|12dB/oct,6dB/oct,18dB/oct,24dB/oct,36dB/oct,48dB/oct|}",
  },
  notch: { detail: BAND_TYPE_INFO.notch.description, snippet: "notch ${1:50Hz} q ${2:30}" },
  bell1: { detail: "A bell that replaces the morph's generated Bell 1", snippet: "bell1 ${1:1kHz} ${2:+0dB} q ${3:1}" },
  bell2: { detail: "A bell that replaces the morph's generated Bell 2", snippet: "bell2 ${1:1kHz} ${2:+0dB} q ${3:1}" },
  bell3: { detail: "A bell that replaces the morph's generated Bell 3", snippet: "bell3 ${1:1kHz} ${2:+0dB} q ${3:1}" },
  samplerate: {
    detail: "The sample rate for Nyquist checks and exports",
    snippet: "samplerate ${1|48kHz,44.1kHz,96kHz|}",
  },
  gain: { detail: "Output trim after the EQ, in dB", snippet: "gain ${1:-1dB}" },
  tags: {
    detail: "Make this preset an example of words: tags punchy intimate (usable in every morph of the workspace)",
    snippet: "tags ${1:punchy}",
  },
  use: {
    detail:
      "Start from another preset's whole chain (its morph's bands, filters, gain): from this file, the workspace or the shipped library",
    snippet: 'use "${1:telephone}"',
  },
  preset: { detail: "A named preset block", snippet: 'preset "${1:Name}" {\n  $0\n}' },
};

const UNITS: { label: string; detail: string }[] = [
  { label: "Hz", detail: "hertz: a frequency" },
  { label: "kHz", detail: "kilohertz: a frequency ×1000" },
  { label: "dB", detail: "decibels: a gain" },
  { label: "dB/oct", detail: "decibels per octave: a high- or low-pass filter's slope (6, 12, 18, 24, 36, 48)" },
];

export class CompletionProvider {
  /** `vocabulary` is read per request: the model can be reloaded at any time. */
  constructor(private readonly vocabulary: () => Pick<Vocabulary, "words">) {}

  complete(parsed: ParsedDocument, position: Position): CompletionItem[] {
    const lineText = lineAt(parsed.text, position.line);
    const before = lineText.slice(0, position.character);
    if (/(?:#|\/\/)/.test(stripStrings(before))) return [];
    const afterNumber = /(?:^|[\s])[+-]?(?:\d+(?:\.\d*)?|\.\d+)[ \t]?$/.exec(before);
    const words = before.trim().split(/\s+/).filter(Boolean);
    const first = (words[0] ?? "").toLowerCase();
    const typingFirstWord = words.length === 0 || (words.length === 1 && !/\s$/.test(before));

    if (afterNumber && !typingFirstWord) {
      if (first === "morph") return this.words(lineText, position);
      const number = numberBefore(before, position);
      if (first === "samplerate") return units(["Hz", "kHz"], number);
      if (first === "gain") return units(["dB"], number);
      const previous = words[words.length - 2]?.toLowerCase();
      if (previous === "q") return [];
      // A pass filter takes a frequency and a slope; a notch only a frequency.
      if (first === "highpass" || first === "lowpass") return units(["Hz", "kHz", "dB/oct"], number);
      if (first === "notch") return units(["Hz", "kHz"], number);
      return units(["Hz", "kHz", "dB"], number);
    }
    if (typingFirstWord) return this.keywords(isTopLevel(parsed, position));
    switch (first) {
      case "morph":
      case "tags":
        return this.words(lineText, position);
      case "bell":
      case "bell1":
      case "bell2":
      case "bell3":
      case "notch":
        return words.some((word) => word.toLowerCase() === "q") ? [] : [qItem(first === "notch" ? "notch" : "bell")];
      case "highpass":
      case "lowpass":
        return passFilterItems(words);
      case "samplerate":
        return ["44.1kHz", "48kHz", "96kHz"].map((label) => ({ label, kind: CompletionItemKind.Value }));
      default:
        return [];
    }
  }

  private keywords(topLevel: boolean): CompletionItem[] {
    return KEYWORD_SPECS.filter(
      (spec) => spec.word !== "q" && spec.word !== "from" && (topLevel || !spec.topLevelOnly),
    ).map((spec) => {
      const help = KEYWORD_HELP[spec.word as Exclude<Keyword, "q" | "from">];
      return {
        label: spec.word,
        kind: CompletionItemKind.Keyword,
        detail: help.detail,
        insertText: help.snippet,
        insertTextFormat: InsertTextFormat.Snippet,
      };
    });
  }

  /**
   * The model's words, best first (confidence, then examples), each with its one-line summary and
   * its confidence where the model has them. Words already on this `morph` or `tags` line are left
   * out (a second `warm` is a duplicate-word warning), except the one being typed at the cursor.
   */
  private words(lineText: string, position: Position): CompletionItem[] {
    const typed = wordAt(lineText, position.character);
    const used = new Set(
      [...lineText.matchAll(/[A-Za-z_][A-Za-z0-9_'-]*/g)]
        .filter((match) => match.index !== typed?.start)
        .map((match) => match[0].toLowerCase()),
    );
    return rankTimbreFirst(this.vocabulary().words(), typed !== undefined && typed.text.length > 0)
      .filter((info) => !used.has(info.word.toLowerCase()))
      .map((info, index) => wordItem(info, index));
  }
}

const LEVEL_RANK: Record<NonNullable<WordInfo["confidence"]>["level"], number> = { high: 0, medium: 1, low: 2 };

/** Confidence first (a word without a measured one counts as medium), then the number of examples. */
export function rankWords(words: readonly WordInfo[]): WordInfo[] {
  const rank = (info: WordInfo) => (info.confidence ? LEVEL_RANK[info.confidence.level] : LEVEL_RANK.medium);
  return [...words].sort((a, b) => rank(a) - rank(b) || b.examples - a.examples || a.word.localeCompare(b.word));
}

/**
 * Timbre words first (timbre.ts); the others (sad, love, cat) follow only once the user types a
 * word, so that they are there for `morph sa` but do not crowd the list after `morph `.
 */
function rankTimbreFirst(words: readonly WordInfo[], typing: boolean): WordInfo[] {
  const ranked = rankWords(words);
  const timbre = ranked.filter((info) => isTimbreWord(info.word));
  return typing ? [...timbre, ...ranked.filter((info) => !isTimbreWord(info.word))] : timbre;
}

/**
 * Where a word comes from, as the list labels it: "team" for a word of the workspace's tagged
 * presets. The hook for other origins (a preset library's entries, once there is one: label them
 * "library" here), so that every list names them the same way; the model's own words get no label.
 */
export function wordOriginLabel(info: WordInfo): "team" | undefined {
  return isTeamOrigin(info) ? "team" : undefined;
}

function wordItem(info: WordInfo, index: number): CompletionItem {
  const origin = wordOriginLabel(info);
  const noun = origin === "team" ? "tagged preset" : "example";
  const count = `${info.examples} ${noun}${info.examples === 1 ? "" : "s"}`;
  const level = info.confidence?.level;
  const facts = [origin, level, count].filter(Boolean).join(" · ");
  return {
    label: info.word,
    kind: CompletionItemKind.Value,
    // The list shows the summary next to the word and the origin and confidence on the right.
    labelDetails: {
      ...(info.summary ? { detail: ` ${info.summary}` } : {}),
      description: facts,
    },
    detail: level ? `${origin ? `${origin} word · ` : ""}${count} · ${level} confidence` : facts,
    documentation: {
      kind: MarkupKind.Markdown,
      value: [wordHeading(info), confidenceLine(info)].join("\n\n"),
    },
    sortText: String(index).padStart(4, "0"),
  };
}

/** The number the cursor is right after (with an optional space), and where it starts. */
function numberBefore(before: string, position: Position): TypedNumber | undefined {
  const match = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.exec(before);
  if (!match) return undefined;
  return {
    text: match[0],
    range: { start: { line: position.line, character: before.length - match[0].length }, end: position },
  };
}

interface TypedNumber {
  text: string;
  range: Range;
}

/** The identifier-like word around `character`, if the cursor is in or right after one. */
function wordAt(line: string, character: number): { start: number; text: string } | undefined {
  for (const match of line.matchAll(/[A-Za-z_][A-Za-z0-9_'-]*/g)) {
    if (match.index <= character && character <= match.index + match[0].length)
      return { start: match.index, text: match[0] };
  }
  return undefined;
}

/**
 * Units after a number. Right after the digits (`bell 2|`), VS Code's word at the cursor is the
 * number itself (language-configuration.json's wordPattern takes `2kHz` as one word) and it filters
 * the items by that word: a plain `kHz` would not match `2` and the list would say "No suggestions".
 * So the item replaces the number with number + unit, and is filtered by that text.
 */
function qItem(what: "bell" | "notch" | "filter"): CompletionItem {
  const detail =
    what === "notch"
      ? "The notch's Q (0.1–100, 30 by default): higher is narrower"
      : what === "filter"
        ? "The filter's Q at 12 dB/oct (0.71, Butterworth, by default): above it, a resonant peak at the corner"
        : "The bell's Q (0.1–10): higher is narrower";
  return {
    label: "q",
    kind: CompletionItemKind.Keyword,
    detail,
    insertText: "q ${1:1}",
    insertTextFormat: InsertTextFormat.Snippet,
  };
}

/** After a pass filter's frequency: its slopes, and `q` (at 12 dB/oct only). */
function passFilterItems(words: readonly string[]): CompletionItem[] {
  const written = words.map((word) => word.toLowerCase());
  if (written.includes("q")) return [];
  const hasSlope = written.some((word) => word.endsWith("db/oct"));
  const slopes = hasSlope
    ? []
    : PASS_SLOPES.map((slope, index) => ({
        label: `${slope}dB/oct`,
        kind: CompletionItemKind.Value,
        detail: `${slope / 6}${slope === 6 ? "st" : slope === 12 ? "nd" : slope === 18 ? "rd" : "th"}-order Butterworth`,
        sortText: String(index),
      }));
  const slope = written.find((word) => word.endsWith("db/oct"));
  return slope === undefined || slope === "12db/oct" ? [...slopes, qItem("filter")] : slopes;
}

function units(labels: string[], number: TypedNumber | undefined): CompletionItem[] {
  return UNITS.filter((unit) => labels.includes(unit.label)).map((unit, index) => {
    const item: CompletionItem = {
      label: unit.label,
      kind: CompletionItemKind.Unit,
      detail: unit.detail,
      sortText: String(index),
    };
    if (number) {
      item.filterText = `${number.text}${unit.label}`;
      item.textEdit = { range: number.range, newText: `${number.text}${unit.label}` };
    }
    return item;
  });
}

function isTopLevel(parsed: ParsedDocument, position: Position): boolean {
  for (const item of parsed.ast.items) {
    if (item.kind !== "preset") continue;
    if (containsPosition(item.range, position) && !(item.closed && !isBefore(position, item.range.end))) return false;
    if (!item.closed && !isBefore(position, item.range.start)) return false;
  }
  return true;
}

function lineAt(text: string, line: number): string {
  let start = 0;
  for (let current = 0; current < line; current++) {
    const next = text.indexOf("\n", start);
    if (next < 0) return "";
    start = next + 1;
  }
  const end = text.indexOf("\n", start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, "");
}

function stripStrings(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"?/g, '""');
}
