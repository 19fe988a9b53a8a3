/**
 * Per-preset diagnostics, cached by what they depend on, so that after an edit only the presets it
 * touched are checked again, and the work per edit follows the edit, not the file.
 *
 * A preset's checks read the preset and the model only (presetDiagnostics), so the diagnostics of
 * one ResolvedPreset object are remembered with the object itself: the language server's document
 * store hands back the very objects of the presets an edit left alone, and those cost a look-up.
 * A preset that is a new object (a new parse, or moved by lines added above it) is looked up by
 * its text, the column it starts at and its effective sample rate; not by its line, as long as no
 * message names a line (DuplicateMorph's does: such a result is kept by object only). Text hits
 * come back moved to the preset's current line.
 *
 * The file-level checks (syntax errors, file-level statements, duplicate names) read the syntax
 * errors, the file-level statements and the presets' names with their name ranges: when all of
 * those are what they were at the last call, its file-level diagnostics are reused as well.
 *
 * Memory: the text look-up is bounded by what it holds, not by its number of entries (see
 * GENERATION_WEIGHT), and the keys it stores are copies, which hold nothing of the document's text.
 */
import { Buffer } from "node:buffer";
import { lineStartsOf, type PresetDocument, type Range, type Statement, type SyntaxError } from "../language/index.js";
import type { ResolvedPreset } from "../presets/index.js";
import { sortDiagnostics, type EqDiagnostic } from "./diagnostics.js";
import { onceFewExamplesPerWord } from "./morphChecks.js";
import { fileDiagnostics, presetDiagnostics, type ValidationContext } from "./validate.js";

interface Entry {
  /** Relative to the preset's first line. */
  diagnostics: EqDiagnostic[];
}

/** What the file-level checks read at the last call, and what they gave. */
interface FileLevel {
  syntaxErrors: readonly SyntaxError[];
  statements: Statement[];
  presets: readonly ResolvedPreset[];
  diagnostics: EqDiagnostic[];
}

/**
 * What one generation of the text look-up may hold, counted by weightOf (one per entry, per
 * diagnostic, per 500 characters of key); entries of the last generation not used in this one are
 * dropped when it fills up, so the look-up never holds more than twice this. Measured at ~500
 * bytes a unit in the edit stress (4.1 MB for 8,087): at most ~5 MB. It was 20,000 entries
 * whatever they held: 10,000 random edits (test/lsp/stress.test.ts) stored 3,062 entries of 12.7
 * diagnostics on average, 29 MB of the server's heap, and had not reached the bound. 5,000 still holds every
 * preset of a file of a few thousand clean presets, the working set of an edit.
 */
export const GENERATION_WEIGHT = 5_000;

export class PresetDiagnosticsCache {
  private current = new Map<string, Entry>();
  private previous = new Map<string, Entry>();
  /** The weight (see GENERATION_WEIGHT) of `current`. */
  private currentWeight = 0;
  /** Diagnostics by preset object, at the preset's own positions. */
  private byPreset = new WeakMap<ResolvedPreset, EqDiagnostic[]>();
  private fileLevel: FileLevel | undefined;
  private owners: readonly unknown[] = [];

  /**
   * validateDocument(document, context, presets), reusing earlier results. `owners` are what the
   * context's answers come from (the model in use, its vocabulary): when any of them is a
   * different object than at the last call, the cache starts empty.
   * `prefetch` receives the presets about to be checked, before any is. `lineStarts` (the offset
   * of each line of `text`) saves scanning the text when the caller has them.
   */
  validate(
    text: string,
    document: PresetDocument,
    presets: readonly ResolvedPreset[],
    context: ValidationContext,
    owners: readonly unknown[],
    prefetch: (presets: readonly ResolvedPreset[]) => void = () => undefined,
    lineStarts?: readonly number[],
  ): EqDiagnostic[] {
    if (owners.length !== this.owners.length || owners.some((owner, index) => owner !== this.owners[index])) {
      this.current.clear();
      this.previous.clear();
      this.currentWeight = 0;
      this.byPreset = new WeakMap();
      this.fileLevel = undefined;
      this.owners = [...owners];
    }
    let starts = lineStarts;
    const keyFor = (preset: ResolvedPreset) => keyOf(preset, text, (starts ??= lineStartsOf(text)));
    const known = presets.map((preset) => this.byPreset.get(preset));
    const keys = presets.map((preset, index) => (known[index] === undefined ? keyFor(preset) : undefined));
    const found = keys.map((key) => (key === undefined ? undefined : this.lookUp(key)));
    prefetch(presets.filter((_, index) => known[index] === undefined && found[index] === undefined));
    const diagnostics = [...this.fileDiagnostics(document, presets)];
    presets.forEach((preset, index) => {
      let own = known[index];
      if (own === undefined) {
        const line = preset.range.start.line;
        const entry = found[index];
        own = entry
          ? entry.diagnostics.map((diagnostic) => moved(diagnostic, line))
          : presetDiagnostics(preset, context);
        const key = keys[index];
        if (!entry && key !== undefined && !own.some((diagnostic) => /\bline \d/.test(diagnostic.message)))
          this.store(key, { diagnostics: own.map((diagnostic) => moved(diagnostic, -line)) });
        this.byPreset.set(preset, own);
      }
      for (const diagnostic of own) diagnostics.push(diagnostic);
    });
    // Per file, after the per-preset part: the cache keeps every preset's notes, the file shows the first.
    return onceFewExamplesPerWord(sortDiagnostics(diagnostics));
  }

  private fileDiagnostics(document: PresetDocument, presets: readonly ResolvedPreset[]): EqDiagnostic[] {
    const statements = document.items.filter((item): item is Statement => item.kind !== "preset");
    const last = this.fileLevel;
    if (
      last &&
      sameSyntaxErrors(last.syntaxErrors, document.syntaxErrors) &&
      sameStatements(last.statements, statements) &&
      sameNames(last.presets, presets)
    ) {
      last.presets = presets;
      return last.diagnostics;
    }
    const diagnostics = fileDiagnostics(document, presets);
    this.fileLevel = { syntaxErrors: document.syntaxErrors, statements, presets, diagnostics };
    return diagnostics;
  }

  private lookUp(key: string): Entry | undefined {
    const entry = this.current.get(key);
    if (entry) return entry;
    const old = this.previous.get(key);
    if (old) this.store(key, old);
    return old;
  }

  private store(key: string, entry: Entry): void {
    const weight = weightOf(key, entry);
    if (this.currentWeight + weight > GENERATION_WEIGHT) {
      this.previous = this.current;
      this.current = new Map();
      this.currentWeight = 0;
    }
    this.current.set(ownCopy(key), entry);
    this.currentWeight += weight;
  }

  /** What the text look-up holds now: entries, and their weight (see GENERATION_WEIGHT). */
  get stored(): { entries: number; weight: number } {
    let weight = 0;
    for (const generation of [this.current, this.previous])
      for (const [key, entry] of generation) weight += weightOf(key, entry);
    return { entries: this.current.size + this.previous.size, weight };
  }
}

function sameRange(a: Range | undefined, b: Range | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

function sameSyntaxErrors(a: readonly SyntaxError[], b: readonly SyntaxError[]): boolean {
  return (
    a === b ||
    (a.length === b.length &&
      a.every((error, i) => error.message === b[i]!.message && sameRange(error.range, b[i]!.range)))
  );
}

/** File-level statements are kept only when they are the same objects (the incremental parse reuses them). */
function sameStatements(a: readonly Statement[], b: readonly Statement[]): boolean {
  return a.length === b.length && a.every((statement, i) => statement === b[i]);
}

/** What the duplicate-name check reads of each preset: its name and where the name is. */
function sameNames(a: readonly ResolvedPreset[], b: readonly ResolvedPreset[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (x.name !== y.name || !!x.block !== !!y.block || !sameRange(x.block?.nameRange, y.block?.nameRange))
      return false;
  }
  return true;
}

/** One per entry, per diagnostic and per 500 characters of key (a preset may be one long line). */
function weightOf(key: string, entry: Entry): number {
  return 1 + entry.diagnostics.length + Math.floor(key.length / 500);
}

/**
 * The key as a string of its own. keyOf's key is a slice of the document behind a concatenation;
 * V8 does not always flatten such a string when it becomes a Map key, and then the entry kept the
 * document's whole text of that version alive: heap snapshots of the edit stress showed 954 old
 * documents (9 MB) held that way. Only stored keys are copied (a look-up uses the transient one);
 * a store follows a miss, which costs a preset's checks. utf16le keeps lone surrogates as they are.
 */
function ownCopy(key: string): string {
  return Buffer.from(key, "utf16le").toString("utf16le");
}

/** A named preset's text from its keyword to its last token, with what else its checks read. */
function keyOf(preset: ResolvedPreset, text: string, lineStarts: readonly number[]): string | undefined {
  if (!preset.block) return undefined;
  const { start, end } = preset.block.range;
  const from = (lineStarts[start.line] ?? text.length) + start.character;
  const to = (lineStarts[end.line] ?? text.length) + end.character;
  return `${preset.sampleRate}|${start.character}|${text.slice(from, to)}`;
}

function moved(diagnostic: EqDiagnostic, lines: number): EqDiagnostic {
  if (lines === 0) return diagnostic;
  return { ...diagnostic, range: movedRange(diagnostic.range, lines) };
}

function movedRange(range: Range, lines: number): Range {
  return {
    start: { line: range.start.line + lines, character: range.start.character },
    end: { line: range.end.line + lines, character: range.end.character },
  };
}
