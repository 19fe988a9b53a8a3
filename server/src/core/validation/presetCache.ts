/**
 * Per-preset diagnostics, cached by what they depend on, so that after an edit only the presets it
 * touched are checked again. A named preset's diagnostics depend on its text, the column it
 * starts at, its effective sample rate and the model; not on its line, as long as no message names
 * a line (DuplicateMorph's does: such a result is not cached). Hits come back moved to the preset's
 * current line. The file-level checks (syntax errors, duplicate names, file-level statements) and
 * the unnamed preset, which gathers statements from the whole file, are computed every time.
 */
import { lineStartsOf, type PresetDocument, type Range } from "../language/index.js";
import type { ResolvedPreset } from "../presets/index.js";
import { sortDiagnostics, type EqDiagnostic } from "./diagnostics.js";
import { fileDiagnostics, presetDiagnostics, type ValidationContext } from "./validate.js";

interface Entry {
  /** Relative to the preset's first line. */
  diagnostics: EqDiagnostic[];
}

/** Entries of the last generation that were not used in this one are dropped when it fills up. */
const GENERATION_SIZE = 20_000;

export class PresetDiagnosticsCache {
  private current = new Map<string, Entry>();
  private previous = new Map<string, Entry>();
  private owners: readonly unknown[] = [];

  /**
   * validateDocument(document, context, presets), reusing earlier results. `owners` are what the
   * context's answers come from (the model in use, its vocabulary): when any of them is a
   * different object than at the last call, the cache starts empty.
   * `prefetch` receives the presets about to be checked, before any is.
   */
  validate(
    text: string,
    document: PresetDocument,
    presets: readonly ResolvedPreset[],
    context: ValidationContext,
    owners: readonly unknown[],
    prefetch: (presets: readonly ResolvedPreset[]) => void = () => undefined,
  ): EqDiagnostic[] {
    if (owners.length !== this.owners.length || owners.some((owner, index) => owner !== this.owners[index])) {
      this.current.clear();
      this.previous.clear();
      this.owners = [...owners];
    }
    const lineStarts = lineStartsOf(text);
    const keys = presets.map((preset) => keyOf(preset, text, lineStarts));
    const found = keys.map((key) => (key === undefined ? undefined : this.lookUp(key)));
    prefetch(presets.filter((_, index) => found[index] === undefined));
    const diagnostics = fileDiagnostics(document, presets);
    presets.forEach((preset, index) => {
      const entry = found[index];
      const line = preset.range.start.line;
      if (entry) {
        for (const diagnostic of entry.diagnostics) diagnostics.push(moved(diagnostic, line));
        return;
      }
      const fresh = presetDiagnostics(preset, context);
      for (const diagnostic of fresh) diagnostics.push(diagnostic);
      const key = keys[index];
      if (key !== undefined && !fresh.some((diagnostic) => /\bline \d/.test(diagnostic.message)))
        this.store(key, { diagnostics: fresh.map((diagnostic) => moved(diagnostic, -line)) });
    });
    return sortDiagnostics(diagnostics);
  }

  private lookUp(key: string): Entry | undefined {
    const entry = this.current.get(key);
    if (entry) return entry;
    const old = this.previous.get(key);
    if (old) this.store(key, old);
    return old;
  }

  private store(key: string, entry: Entry): void {
    if (this.current.size >= GENERATION_SIZE) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, entry);
  }
}

/**
 * A named preset's text from its keyword to its last token, with what else its checks read. The
 * key is built by concatenation, and a Map flattens it into a string of its own: it does not keep
 * the whole document's text alive the way a slice of it would.
 */
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
