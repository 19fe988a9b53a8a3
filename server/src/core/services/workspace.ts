/**
 * The workspace's preset files, open or not: what team words are made of. Files are read from disk
 * and parsed (a broken file gives whatever parses; its errors stay its own); an editor's open
 * document replaces its file's text until it is closed. The walk that finds them is `walk.ts`.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  presetsByName,
  readDocument,
  type DocumentMeaning,
  type PresetHome,
  type ResolvedPreset,
} from "../presets/index.js";
import { MAX_PRESET_FILE_BYTES, readRegularFile } from "./walk.js";

/** The path of a `file:` URI; undefined for other schemes (untitled documents) and malformed URIs. */
export function pathOfUri(uri: string): string | undefined {
  try {
    return uri.startsWith("file:") ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export class WorkspaceIndex {
  private readonly onDisk = new Map<string, DocumentMeaning>();
  private readonly open = new Map<string, DocumentMeaning>();
  /** Where each preset of a known document lives: what its `use` lines are resolved from. */
  private readonly homes = new WeakMap<ResolvedPreset, PresetHome>();
  /** Every named preset of the workspace by name key, made on the first look-up after a change. */
  private names: Map<string, PresetHome[]> | undefined;

  /** The text of a file as it is on disk (absolute path). */
  setFile(file: string, text: string): void {
    const meaning = readDocument(text);
    this.onDisk.set(path.resolve(file), meaning);
    this.names = undefined;
    this.place(meaning, path.resolve(file));
  }

  /** Remembers that `meaning`'s presets live in `file` (none: an untitled document). */
  place(meaning: DocumentMeaning, file: string | undefined): void {
    for (const preset of meaning.presets) this.homes.set(preset, { preset, meaning, file, library: false });
  }

  /** Where a preset lives, when its document went through this index. */
  homeOf(preset: ResolvedPreset): PresetHome | undefined {
    return this.homes.get(preset);
  }

  /** The workspace's presets of a name key (presets.ts nameKey), files in order, first of a file first. */
  presetsNamed(key: string): readonly PresetHome[] {
    if (!this.names) {
      const names = new Map<string, PresetHome[]>();
      for (const { file, meaning } of this.documents())
        for (const [name, presets] of presetsByName(meaning)) {
          const homes = presets.map((preset): PresetHome => ({ preset, meaning, file, library: false }));
          const list = names.get(name);
          if (list) for (const home of homes) list.push(home);
          else names.set(name, homes);
        }
      this.names = names;
    }
    return this.names.get(key) ?? [];
  }

  /**
   * Reads a file from disk; a file that cannot be read (gone, not a regular file, over
   * MAX_PRESET_FILE_BYTES) is left out, and the reason returned: "<file> is 50 MB, over …".
   */
  readFile(file: string): string | undefined {
    const read = readRegularFile(file, MAX_PRESET_FILE_BYTES);
    if ("text" in read) {
      this.setFile(file, read.text);
      return undefined;
    }
    this.onDisk.delete(path.resolve(file));
    this.names = undefined;
    return `${file} ${read.problem}`;
  }

  /** A file's current meaning: its open document, else its text on disk. */
  meaningOf(file: string): DocumentMeaning | undefined {
    const key = path.resolve(file);
    return this.open.get(key) ?? this.onDisk.get(key);
  }

  removeFile(file: string): void {
    this.onDisk.delete(path.resolve(file));
    this.names = undefined;
  }

  /** An editor's text of a file, which wins over the disk until `closeDocument`. */
  openDocument(file: string, meaning: DocumentMeaning): void {
    if (this.open.get(path.resolve(file)) === meaning) return;
    this.open.set(path.resolve(file), meaning);
    this.names = undefined;
    this.place(meaning, path.resolve(file));
  }

  closeDocument(file: string): void {
    this.open.delete(path.resolve(file));
    this.names = undefined;
  }

  /** Every file's current meaning: open documents over their files on disk. */
  documents(): { file: string; meaning: DocumentMeaning }[] {
    const files = new Set([...this.onDisk.keys(), ...this.open.keys()]);
    return [...files].sort().map((file) => ({ file, meaning: this.open.get(file) ?? this.onDisk.get(file)! }));
  }

  get size(): number {
    return new Set([...this.onDisk.keys(), ...this.open.keys()]).size;
  }
}

/** The presets with tags of a document, as text: when it changes, the team words must be rebuilt. */
export function tagSignature(meaning: DocumentMeaning): string {
  // Untagged documents (most of them, on most keystrokes) cost nothing; a tagged one is split once.
  const tagged = meaning.presets.filter((preset) => preset.tags.length > 0);
  if (tagged.length === 0) return "";
  const allLines = meaning.text.split(/\r\n|\r|\n/);
  return tagged
    .map((preset) => {
      const { start, end } = preset.range;
      const lines = allLines.slice(start.line, end.line + 1);
      return `${preset.name ?? ""}\u0000${lines.join("\n").replace(/[ \t]+/g, " ")}`;
    })
    .join("\u0001");
}
