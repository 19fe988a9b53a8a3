/**
 * The one walk over a workspace, for the CLI and the language server, and the one way they read a
 * file they did not write. A cloned repository can hold anything: links in a cycle (`x → .`), a
 * FIFO or a device named like a preset (`zero.eqp → /dev/zero`), a folder named `.gitignore`, a
 * 50 MB file. So the walk looks at entries with `lstat`, follows a link only to a real path it has
 * not visited (each folder and file is seen once), and yields only regular files; a read opens
 * with O_NONBLOCK (a FIFO can never block it), checks on the open file that it is a regular file
 * under a size cap, and says why when it refuses.
 */
import {
  closeSync,
  type Dirent,
  constants,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  statSync,
} from "node:fs";
import * as path from "node:path";
import { isIgnored, parseGitignore, type IgnoreRule } from "./gitignore.js";

import { MAX_PRESET_FILE_BYTES } from "../presets/index.js";

export { MAX_PRESET_FILE_BYTES };
/** The largest `.gitignore`, lockfile or model metadata read (bytes). */
export const MAX_SIDE_FILE_BYTES = 4 * 1024 * 1024;

export type ReadOutcome = { text: string } | { problem: string };

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/** A regular file's text, or why it was not read (never blocks, never reads more than `cap` bytes). */
export function readRegularFile(file: string, cap: number): ReadOutcome {
  let descriptor: number;
  try {
    descriptor = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { problem: `cannot be read (${errorCode(error)})` };
  }
  try {
    const stat = fstatSync(descriptor);
    if (!stat.isFile()) return { problem: "is not a regular file: not read" };
    if (stat.size > cap)
      return { problem: `is ${megabytes(stat.size)} MB, over the ${megabytes(cap)} MB limit: not read` };
    const buffer = Buffer.alloc(stat.size);
    let filled = 0;
    for (let read = 1; read > 0 && filled < buffer.length; filled += read)
      read = readSync(descriptor, buffer, filled, buffer.length - filled, filled);
    return { text: buffer.subarray(0, filled).toString("utf8") };
  } catch (error) {
    return { problem: `cannot be read (${errorCode(error)})` };
  } finally {
    closeSync(descriptor);
  }
}

export function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "");
}

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
