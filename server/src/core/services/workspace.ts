/**
 * The workspace's preset files, open or not: what team words are made of. Files are read from disk
 * and parsed (a broken file gives whatever parses; its errors stay its own); an editor's open
 * document replaces its file's text until it is closed. The walk skips `node_modules`, `.git` and
 * whatever the `.gitignore` files along the way ignore.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ignore, { type Ignore } from "ignore";
import { readDocument, type DocumentMeaning } from "../presets/index.js";

/** The path of a `file:` URI; undefined for other schemes (untitled documents) and malformed URIs. */
export function pathOfUri(uri: string): string | undefined {
  try {
    return uri.startsWith("file:") ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

const ALWAYS_SKIPPED = new Set(["node_modules", ".git", ".vscode-test", ".cache"]);

/** Every `.eqp` file below `root`, in a stable order, honouring `.gitignore` files. */
export function* presetFilesIn(root: string): Generator<string> {
  const rules: { dir: string; rules: Ignore }[] = [];
  function* walk(dir: string): Generator<string> {
    const gitignore = path.join(dir, ".gitignore");
    const pushed = existsSync(gitignore);
    if (pushed) rules.push({ dir, rules: ignore().add(readFileSync(gitignore, "utf8")) });
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      entries = [];
    }
    for (const name of entries) {
      if (ALWAYS_SKIPPED.has(name)) continue;
      const full = path.join(dir, name);
      let isDirectory: boolean;
      try {
        isDirectory = statSync(full).isDirectory();
      } catch {
        continue;
      }
      const ignored = rules.some(({ dir: base, rules: ignoreRules }) => {
        const relative = path.relative(base, full).split(path.sep).join("/");
        return relative !== "" && ignoreRules.ignores(isDirectory ? `${relative}/` : relative);
      });
      if (ignored) continue;
      if (isDirectory) yield* walk(full);
      else if (name.endsWith(".eqp")) yield full;
    }
    if (pushed) rules.pop();
  }
  yield* walk(path.resolve(root));
}

export class WorkspaceIndex {
  private readonly onDisk = new Map<string, DocumentMeaning>();
  private readonly open = new Map<string, DocumentMeaning>();

  /** The text of a file as it is on disk (absolute path). */
  setFile(file: string, text: string): void {
    this.onDisk.set(path.resolve(file), readDocument(text));
  }

  /** Reads a file from disk; a file that cannot be read is left out. */
  readFile(file: string): void {
    try {
      this.setFile(file, readFileSync(file, "utf8"));
    } catch {
      this.onDisk.delete(path.resolve(file));
    }
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
