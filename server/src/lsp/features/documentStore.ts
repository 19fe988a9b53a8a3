/**
 * Parse results cached per URI and version: every feature of one version shares one parse. A new
 * version is parsed incrementally from the previous one (the core's incremental.ts): the store
 * compares the texts itself, so it needs no change events, and an edit reparses only the presets
 * it touches instead of leaving a whole tree of garbage behind on every keystroke. The presets
 * the edit left alone keep their resolved form too.
 */
import type { TextDocument } from "vscode-languageserver-textdocument";
import {
  fileSampleRate,
  isTooLarge,
  parseIncrementalDocument,
  resolvePresets,
  updateIncrementalDocument,
  type DocumentMeaning,
  type IncrementalDocument,
  type PresetBlock,
  type PresetDocument,
  type ResolvedPreset,
} from "../../core/index.js";

/** The core's one document shape (`DocumentMeaning`), with what the LSP adds: its uri, version and line starts. */
export interface ParsedDocument extends DocumentMeaning {
  uri: string;
  version: number;
  lineStarts: readonly number[];
}

interface Entry {
  parsed: ParsedDocument;
  incremental: IncrementalDocument;
  /** The file's default sample rate the presets were resolved with. */
  sampleRate: number | undefined;
  /**
   * The resolved preset of each block resolved at this sample rate, across versions: a block the
   * incremental parse reused is the same object, and a block no version holds any more goes with
   * its entry. Kept, not rebuilt per version, so that an edit costs the blocks it made.
   */
  byBlock: WeakMap<PresetBlock, ResolvedPreset>;
}

export class DocumentStore {
  private readonly cache = new Map<string, Entry>();

  get(document: TextDocument): ParsedDocument {
    const cached = this.cache.get(document.uri);
    if (cached && cached.parsed.version === document.version) return cached.parsed;
    const text = document.getText();
    // A document over the core's size cap is read as empty; `EqServices.check` says why.
    const incremental = isTooLarge(text)
      ? parseIncrementalDocument("")
      : cached
        ? updateIncrementalDocument(cached.incremental, text)
        : parseIncrementalDocument(text);
    const ast = incremental.document;
    const sampleRate = fileSampleRate(ast);
    const byBlock =
      cached && cached.sampleRate === sampleRate ? cached.byBlock : new WeakMap<PresetBlock, ResolvedPreset>();
    const presets = resolveReusing(ast, byBlock);
    const parsed: ParsedDocument = {
      uri: document.uri,
      version: document.version,
      text,
      ast,
      presets,
      lineStarts: incremental.lineStarts,
    };
    this.cache.set(document.uri, { parsed, incremental, sampleRate, byBlock });
    return parsed;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}

/**
 * resolvePresets(ast), with the blocks resolved before (by an earlier version, at the same file
 * sample rate) taking their resolved form from `known`, which receives the new ones. A preset's
 * resolution depends on its block and the file's default sample rate only (the caller starts
 * `known` afresh when that changed); the rest goes through resolvePresets with every file-level
 * statement, so the unnamed preset and the default rate come out as before.
 */
function resolveReusing(ast: PresetDocument, known: WeakMap<PresetBlock, ResolvedPreset>): ResolvedPreset[] {
  const fresh = ast.items.filter((item) => item.kind !== "preset" || !known.has(item));
  const resolved = fresh.length > 0 ? resolvePresets({ ...ast, items: fresh }) : [];
  let next = 0;
  const presets: ResolvedPreset[] = [];
  if (resolved[0] && !resolved[0].block) presets.push(resolved[next++]!);
  for (const item of ast.items) {
    if (item.kind !== "preset") continue;
    let preset = known.get(item);
    if (!preset) {
      preset = resolved[next++]!;
      known.set(item, preset);
    }
    presets.push(preset);
  }
  return presets;
}
