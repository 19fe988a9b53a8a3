/**
 * Completion from the text of the line before the cursor, so that it works on half-typed lines
 * the parser cannot make sense of: keywords at the start of a line, words after `morph`, units
 * right after a number, `q` inside a bell.
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Position } from "vscode-languageserver";
import {
  BAND_TYPE_INFO,
  containsPosition,
  isBefore,
  KEYWORD_SPECS,
  type Keyword,
  type Vocabulary,
} from "../core/index.js";
import type { ParsedDocument } from "./documentStore.js";

interface KeywordHelp {
  detail: string;
  snippet: string;
}

/** Help per keyword; the keywords themselves (and which are top-level only) come from the core's one list. */
const KEYWORD_HELP: Record<Exclude<Keyword, "q">, KeywordHelp> = {
  morph: { detail: "Mix words into an EQ: morph warm 0.3 bright 0.7", snippet: "morph ${1:warm} ${2:0.5}" },
  lowshelf: { detail: BAND_TYPE_INFO.lowshelf.description, snippet: "lowshelf ${1:120Hz} ${2:+0dB}" },
  bell: { detail: BAND_TYPE_INFO.bell.description, snippet: "bell ${1:1kHz} ${2:+0dB} q ${3:1}" },
  highshelf: { detail: BAND_TYPE_INFO.highshelf.description, snippet: "highshelf ${1:8kHz} ${2:+0dB}" },
  samplerate: {
    detail: "The sample rate for Nyquist checks and exports",
    snippet: "samplerate ${1|48kHz,44.1kHz,96kHz|}",
  },
  gain: { detail: "Output trim after the EQ, in dB", snippet: "gain ${1:-1dB}" },
  tags: {
    detail: "Make this preset an example of words: tags punchy intimate (usable in every morph of the workspace)",
    snippet: "tags ${1:punchy}",
  },
  preset: { detail: "A named preset block", snippet: 'preset "${1:Name}" {\n  $0\n}' },
};

const UNITS: { label: string; detail: string }[] = [
  { label: "Hz", detail: "hertz: a frequency" },
  { label: "kHz", detail: "kilohertz: a frequency ×1000" },
  { label: "dB", detail: "decibels: a gain" },
];

export class CompletionProvider {
  constructor(private readonly vocabulary: () => Vocabulary) {}

  complete(parsed: ParsedDocument, position: Position): CompletionItem[] {
    const lineText = lineAt(parsed.text, position.line);
    const before = lineText.slice(0, position.character);
    if (/(?:#|\/\/)/.test(stripStrings(before))) return [];
    const afterNumber = /(?:^|[\s])[+-]?(?:\d+(?:\.\d*)?|\.\d+)[ \t]?$/.exec(before);
    const words = before.trim().split(/\s+/).filter(Boolean);
    const first = (words[0] ?? "").toLowerCase();
    const typingFirstWord = words.length === 0 || (words.length === 1 && !/\s$/.test(before));

    if (afterNumber && !typingFirstWord) {
      if (first === "morph") return this.words();
      if (first === "samplerate") return units(["Hz", "kHz"]);
      if (first === "gain") return units(["dB"]);
      const previous = words[words.length - 2]?.toLowerCase();
      if (previous === "q") return [];
      return units(["Hz", "kHz", "dB"]);
    }
    if (typingFirstWord) return this.keywords(isTopLevel(parsed, position));
    switch (first) {
      case "morph":
      case "tags":
        return this.words();
      case "bell":
        return words.some((word) => word.toLowerCase() === "q")
          ? []
          : [
              {
                label: "q",
                kind: CompletionItemKind.Keyword,
                detail: "The bell's Q (0.1–10): higher is narrower",
                insertText: "q ${1:1}",
                insertTextFormat: InsertTextFormat.Snippet,
              },
            ];
      case "samplerate":
        return ["44.1kHz", "48kHz", "96kHz"].map((label) => ({ label, kind: CompletionItemKind.Value }));
      default:
        return [];
    }
  }

  private keywords(topLevel: boolean): CompletionItem[] {
    return KEYWORD_SPECS.filter((spec) => spec.word !== "q" && (topLevel || !spec.topLevelOnly)).map((spec) => {
      const help = KEYWORD_HELP[spec.word as Exclude<Keyword, "q">];
      return {
        label: spec.word,
        kind: CompletionItemKind.Keyword,
        detail: help.detail,
        insertText: help.snippet,
        insertTextFormat: InsertTextFormat.Snippet,
      };
    });
  }

  private words(): CompletionItem[] {
    return this.vocabulary()
      .words()
      .map((info, index) => ({
        label: info.word,
        kind: CompletionItemKind.Value,
        detail: `${info.examples} example${info.examples === 1 ? "" : "s"}`,
        documentation: `'${info.word}': ${info.examples} example${info.examples === 1 ? "" : "s"} in SAFE-DB${info.examples < 10 ? " — few, so a rough guess" : ""}.`,
        labelDetails: { description: `${info.examples} examples` },
        sortText: String(index).padStart(4, "0"),
      }));
  }
}

function units(labels: string[]): CompletionItem[] {
  return UNITS.filter((unit) => labels.includes(unit.label)).map((unit, index) => ({
    label: unit.label,
    kind: CompletionItemKind.Unit,
    detail: unit.detail,
    sortText: String(index),
  }));
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
