/** Parse results cached per URI and version: every feature of one version shares one parse. */
import type { TextDocument } from "vscode-languageserver-textdocument";
import { parsePresetDocument, resolvePresets, type PresetDocument, type ResolvedPreset } from "../core/index.js";

export interface ParsedDocument {
  uri: string;
  version: number;
  text: string;
  ast: PresetDocument;
  presets: ResolvedPreset[];
}

export class DocumentStore {
  private readonly cache = new Map<string, ParsedDocument>();

  get(document: TextDocument): ParsedDocument {
    const cached = this.cache.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    const text = document.getText();
    const ast = parsePresetDocument(text);
    const parsed: ParsedDocument = {
      uri: document.uri,
      version: document.version,
      text,
      ast,
      presets: resolvePresets(ast),
    };
    this.cache.set(document.uri, parsed);
    return parsed;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
