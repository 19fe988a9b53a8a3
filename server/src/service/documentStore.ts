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
  parseIncrementalDocument,
  resolvePresets,
  updateIncrementalDocument,
  type IncrementalDocument,
  type PresetBlock,
  type PresetDocument,
  type ResolvedPreset,
} from "../core/index.js";

export interface ParsedDocument {
  uri: string;
  version: number;
  text: string;
  ast: PresetDocument;
  presets: ResolvedPreset[];
}

interface Entry {
  parsed: ParsedDocument;
  incremental: IncrementalDocument;
  /** The file's default sample rate the presets were resolved with. */
  sampleRate: number | undefined;
  /** The resolved preset of each block of this version. */
  byBlock: Map<PresetBlock, ResolvedPreset>;
}

export class DocumentStore {
  private readonly cache = new Map<string, Entry>();

  get(document: TextDocument): ParsedDocument {
    const cached = this.cache.get(document.uri);
    if (cached && cached.parsed.version === document.version) return cached.parsed;
    const text = document.getText();
    const incremental = cached ? updateIncrementalDocument(cached.incremental, text) : parseIncrementalDocument(text);
    const ast = incremental.document;
    const sampleRate = fileSampleRate(ast);
    const known = cached && cached.sampleRate === sampleRate ? cached.byBlock : undefined;
    const presets = resolveReusing(ast, known);
    const byBlock = new Map<PresetBlock, ResolvedPreset>();
    for (const preset of presets) if (preset.block) byBlock.set(preset.block, preset);
    const parsed: ParsedDocument = { uri: document.uri, version: document.version, text, ast, presets };
    this.cache.set(document.uri, { parsed, incremental, sampleRate, byBlock });
    return parsed;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}

/**
 * resolvePresets(ast), with the blocks the incremental parse reused taking their resolved form from
 * the previous version. A preset's resolution depends on its block and the file's default sample
 * rate only (the caller drops `known` when that changed); the rest goes through resolvePresets with
 * every file-level statement, so the unnamed preset and the default rate come out as before.
 */
function resolveReusing(ast: PresetDocument, known: Map<PresetBlock, ResolvedPreset> | undefined): ResolvedPreset[] {
  if (!known) return resolvePresets(ast);
  const fresh = ast.items.filter((item) => item.kind !== "preset" || !known.has(item));
  const resolved = resolvePresets({ ...ast, items: fresh });
  let next = 0;
  const presets: ResolvedPreset[] = [];
  if (resolved[0] && !resolved[0].block) presets.push(resolved[next++]!);
  for (const item of ast.items) {
    if (item.kind === "preset") presets.push(known.get(item) ?? resolved[next++]!);
  }
  return presets;
}
