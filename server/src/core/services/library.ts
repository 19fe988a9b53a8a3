/**
 * The shipped library of presets (`library/*.eqp`, copied next to the bundles by esbuild.mjs and
 * packaged with the extension): what `use "telephone"` finds when neither the file nor the
 * workspace has a preset of that name. Each library preset says where its numbers come from in the
 * comment above it; hovers show that comment.
 */
import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { readRegularFile } from "../files/index.js";
import type { Comment } from "../language/index.js";
import { nameKey, presetsByName, readDocument, type PresetHome, type ResolvedPreset } from "../presets/index.js";
import type { DocumentMeaning } from "../presets/index.js";

/** The folder of the shipped library: `library/` in the first folder above `start` that has one. */
export function bundledLibraryDir(
  start: string = typeof __dirname !== "undefined" ? __dirname : process.cwd(),
): string {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, "library");
    if (existsSync(path.join(candidate, "README.md"))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start, "..", "library");
    dir = parent;
  }
}

/** A word as a library name compares with it: letters and digits only (`behind_a_wall` is "behind a wall"). */
export function compactName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

export class PresetLibrary {
  private loaded: { homes: Map<string, PresetHome>; compact: Map<string, PresetHome>; list: PresetHome[] } | undefined;

  constructor(private readonly dir: string = bundledLibraryDir()) {}

  /** The library's files, read once (a missing or unreadable file is left out: the library is ours, tested). */
  private load() {
    if (this.loaded) return this.loaded;
    const homes = new Map<string, PresetHome>();
    const compact = new Map<string, PresetHome>();
    const list: PresetHome[] = [];
    let files: string[] = [];
    try {
      files = readdirSync(this.dir)
        .filter((name) => name.endsWith(".eqp"))
        .sort();
    } catch {
      files = [];
    }
    for (const name of files) {
      const file = path.join(this.dir, name);
      const read = readRegularFile(file, 1024 * 1024);
      if (!("text" in read)) continue;
      const meaning = readDocument(read.text);
      for (const [key, presets] of presetsByName(meaning)) {
        const home: PresetHome = { preset: presets[0]!, meaning, file, library: true };
        if (homes.has(key)) continue;
        homes.set(key, home);
        compact.set(compactName(key), home);
        list.push(home);
      }
    }
    this.loaded = { homes, compact, list };
    return this.loaded;
  }

  /** The library preset of a name (case and outer spaces aside). */
  find(name: string): PresetHome | undefined {
    return this.load().homes.get(nameKey(name));
  }

  /** The library preset a morph word names (`telephone`, `walkie-talkie`, `behind_a_wall`), if any. */
  forWord(word: string): PresetHome | undefined {
    const key = compactName(word);
    return key ? this.load().compact.get(key) : undefined;
  }

  /** Every library preset, in file order. */
  all(): readonly PresetHome[] {
    return this.load().list;
  }

  /** The library's document holding `file`, when it is one of the library's files. */
  document(file: string): DocumentMeaning | undefined {
    const resolved = path.resolve(file);
    return this.load().list.find((home) => home.file === resolved)?.meaning;
  }
}

/**
 * The comment lines right above a preset (no blank line between), without their `#` or `//`: where
 * a preset says what it is and where its numbers come from.
 */
export function leadingComment(meaning: DocumentMeaning, preset: ResolvedPreset): string | undefined {
  const comments = meaning.ast.comments;
  let line = preset.range.start.line - 1;
  const lines: string[] = [];
  let index = lastCommentBefore(comments, preset.range.start.line);
  while (index >= 0) {
    const comment = comments[index]!;
    if (comment.range.start.line !== line) break;
    lines.unshift(comment.text.replace(/^(?:#|\/\/)\s?/, "").trimEnd());
    line--;
    index--;
  }
  return lines.length > 0 ? lines.join("\n") : undefined;
}

/** The index of the last comment starting before `line` (comments are in source order). */
function lastCommentBefore(comments: readonly Comment[], line: number): number {
  let low = 0;
  let high = comments.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (comments[middle]!.range.start.line < line) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}
