/**
 * The files the CLI is given: arguments expanded (files, folders with every .eqp below, globs), and
 * files read and written with a usage error that names the file when that fails.
 */
import { statSync } from "node:fs";
import * as path from "node:path";
import { printError } from "./terminal.js";
import { writeFileAtomicSync } from "../../server/src/core/files/index.js";
import { MAX_PRESET_FILE_BYTES, presetFilesIn, readRegularFile } from "../../server/src/core/index.js";

export class UsageError extends Error {}

/** "<file>: cannot be <what> (ENOENT)". */
export function fileError(file: string, what: "read" | "written" | "created", error: unknown): UsageError {
  return new UsageError(`${file}: cannot be ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
}

/** A regular file's text; a FIFO, a device or a file over MAX_PRESET_FILE_BYTES is refused, never read. */
export function readTextFile(file: string): string {
  const read = readRegularFile(file, MAX_PRESET_FILE_BYTES);
  // "x.eqp: cannot be read (ENOENT)" as fileError says it; "x.eqp is 50 MB, over …" for a refusal.
  if ("problem" in read) throw new UsageError(`${file}${read.problem.startsWith("cannot") ? ":" : ""} ${read.problem}`);
  return read.text;
}

/** Atomic (core/files): the file holds its old content or the new, and a failure says which file and why. */
export function writeOutputFile(file: string, content: string | Uint8Array): void {
  writeFileAtomicSync(file, content);
}

export async function expandInputs(inputs: string[]): Promise<string[]> {
  // Loaded here, not with the CLI: `eqp apply` of one file never globs (~4 MB of memory).
  const { default: fg } = await import("fast-glob");
  const files: string[] = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = statSync(input);
    } catch {
      stat = undefined;
    }
    if (stat?.isFile()) {
      files.push(input);
    } else if (stat?.isDirectory()) {
      // The workspace walk (links followed once, regular files only, .gitignore honoured), named from `input`.
      const root = path.resolve(input);
      for (const file of presetFilesIn(root, warnOnStderr)) files.push(path.join(input, path.relative(root, file)));
    } else if (fg.isDynamicPattern(input)) {
      const found = await fg(input, { onlyFiles: true });
      if (found.length === 0) throw new UsageError(`${input}: no file matches`);
      for (const file of found.sort()) files.push(file);
    } else {
      throw new UsageError(`${input}: no such file or folder`);
    }
  }
  return [...new Set(files)];
}

const warned = new Set<string>();

/** A warning that does not stop the command (a `.gitignore` not applied, a file not read), said once. */
export function warnOnStderr(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  printError(`eqp: warning: ${message}\n`);
}

/**
 * Whether `output` is `input` itself: the same path, or a link to the same file. A command whose
 * output replaces its input before it has been read whole would lose it.
 */
export function isSameFile(input: string, output: string): boolean {
  if (path.resolve(input) === path.resolve(output)) return true;
  try {
    const [a, b] = [statSync(input), statSync(output)];
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}
