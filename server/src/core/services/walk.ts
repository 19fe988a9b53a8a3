/**
 * The one walk over a workspace, for the CLI and the language server, reading files through
 * core/files' regular-file reader. A cloned repository can hold anything: links in a cycle (`x → .`), a
 * FIFO or a device named like a preset (`zero.eqp → /dev/zero`), a folder named `.gitignore`, a
 * 50 MB file. So the walk looks at entries with `lstat`, follows a link only to a real path it has
 * not visited (each folder and file is seen once), and yields only regular files; a read opens
 * with O_NONBLOCK (a FIFO can never block it), checks on the open file that it is a regular file
 * under a size cap, and says why when it refuses.
 */
import { type Dirent, readdirSync, realpathSync, statSync } from "node:fs";
import * as path from "node:path";
import { MAX_SIDE_FILE_BYTES, readRegularFile } from "../files/regularFile.js";
import { isIgnored, parseGitignore, type IgnoreRule } from "./gitignore.js";

import { MAX_PRESET_FILE_BYTES } from "../presets/index.js";

export { MAX_PRESET_FILE_BYTES };
// The reader lives in core/files, where the model folder's reads reach it too; re-exported for the walk's callers.
export { MAX_SIDE_FILE_BYTES, megabytes, readRegularFile, type ReadOutcome } from "../files/regularFile.js";

const ALWAYS_SKIPPED = new Set(["node_modules", ".git", ".vscode-test", ".cache"]);

/** What an entry is once links are followed; undefined for anything but a folder or a regular file. */
function entryKind(
  full: string,
  isLink: boolean,
  isDirectory: boolean,
  isFile: boolean,
): "folder" | "file" | undefined {
  if (!isLink) return isDirectory ? "folder" : isFile ? "file" : undefined;
  try {
    const target = statSync(full);
    return target.isDirectory() ? "folder" : target.isFile() ? "file" : undefined;
  } catch {
    return undefined; // A dangling link or a loop the system refuses.
  }
}

function realPath(full: string): string | undefined {
  try {
    return realpathSync(full);
  } catch {
    return undefined;
  }
}

/**
 * Every `.eqp` file below `root` in a stable order, honouring `.gitignore` files; between them,
 * `undefined` after each entry looked at: a place where a caller that must stay responsive can
 * pause. `warn` hears of `.gitignore` files that were not read or not wholly used.
 */
export function* walkPresetFiles(
  root: string,
  warn: (message: string) => void = () => undefined,
): Generator<string | undefined> {
  const scopes: { dir: string; rules: IgnoreRule[] }[] = [];
  const seen = new Set<string>();
  /** `dir` as the user sees it (the paths yielded), `realDir` as the system resolves it (the paths seen). */
  function* walk(dir: string, realDir: string): Generator<string | undefined> {
    const rules = gitignoreRules(path.join(dir, ".gitignore"), warn);
    if (rules) scopes.push({ dir, rules });
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
    } catch {
      entries = [];
    }
    for (const entry of entries) {
      yield undefined;
      if (ALWAYS_SKIPPED.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      const kind = entryKind(full, entry.isSymbolicLink(), entry.isDirectory(), entry.isFile());
      if (kind === undefined || (kind === "file" && !entry.name.endsWith(".eqp"))) continue;
      if (scopes.some((scope) => ignores(scope, full, kind === "folder"))) continue;
      // Each real folder and file once, whatever links lead to it.
      const real = entry.isSymbolicLink() ? realPath(full) : path.join(realDir, entry.name);
      if (real === undefined || seen.has(real)) continue;
      seen.add(real);
      if (kind === "folder") yield* walk(full, real);
      else yield full;
    }
    if (rules) scopes.pop();
  }
  const start = path.resolve(root);
  const realStart = realPath(start);
  if (realStart === undefined) return;
  seen.add(realStart);
  yield* walk(start, realStart);
}

function ignores(scope: { dir: string; rules: IgnoreRule[] }, full: string, isDirectory: boolean): boolean {
  const relative = path.relative(scope.dir, full);
  return relative !== "" && isIgnored(scope.rules, relative.split(path.sep), isDirectory);
}

/** The rules of a `.gitignore`; undefined when there is none or it is not a readable regular file. */
function gitignoreRules(file: string, warn: (message: string) => void): IgnoreRule[] | undefined {
  try {
    statSync(file);
  } catch {
    return undefined;
  }
  const read = readRegularFile(file, MAX_SIDE_FILE_BYTES);
  if ("problem" in read) {
    warn(`${file} ${read.problem}; its rules are not applied`);
    return undefined;
  }
  return parseGitignore(read.text, (message) => warn(`${file}: ${message}`));
}

/** The `.eqp` files of `walkPresetFiles`, without the pauses: for the CLI. */
export function* presetFilesIn(root: string, warn?: (message: string) => void): Generator<string> {
  for (const file of walkPresetFiles(root, warn)) if (file !== undefined) yield file;
}
