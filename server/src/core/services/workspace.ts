/**
 * The workspace's preset files, open or not: what team words are made of. Files are read from disk
 * and parsed (a broken file gives whatever parses; its errors stay its own); an editor's open
 * document replaces its file's text until it is closed. The walk that finds them is `walk.ts`.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { readDocument, type DocumentMeaning } from "../presets/index.js";
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

  /** The text of a file as it is on disk (absolute path). */
  setFile(file: string, text: string): void {
    this.onDisk.set(path.resolve(file), readDocument(text));
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
    return `${file} ${read.problem}`;
  }

  /** A file's current meaning: its open document, else its text on disk. */
  meaningOf(file: string): DocumentMeaning | undefined {
    const key = path.resolve(file);
    return this.open.get(key) ?? this.onDisk.get(key);
  }

  removeFile(file: string): void {
    this.onDisk.delete(path.resolve(file));
  }

  /** An editor's text of a file, which wins over the disk until `closeDocument`. */
  openDocument(file: string, meaning: DocumentMeaning): void {
    this.open.set(path.resolve(file), meaning);
  }

  closeDocument(file: string): void {
    this.open.delete(path.resolve(file));
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
