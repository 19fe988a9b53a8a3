/**
 * The files the CLI is given: arguments expanded (files, folders with every .eqp below, globs), and
 * files read and written with a usage error that names the file when that fails.
 */
import fg from "fast-glob";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export class UsageError extends Error {}

/** "<file>: cannot be <what> (ENOENT)". */
export function fileError(file: string, what: "read" | "written" | "created", error: unknown): UsageError {
  return new UsageError(`${file}: cannot be ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
}

export function readTextFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw fileError(file, "read", error);
  }
}

export function writeOutputFile(file: string, content: string | Uint8Array): void {
  try {
    writeFileSync(file, content);
  } catch (error) {
    throw fileError(file, "written", error);
  }
}

export async function expandInputs(inputs: string[]): Promise<string[]> {
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
      const found = await fg("**/*.eqp", { cwd: input, onlyFiles: true, dot: false });
      files.push(...found.sort().map((file) => path.join(input, file)));
    } else if (fg.isDynamicPattern(input)) {
      const found = await fg(input, { onlyFiles: true });
      if (found.length === 0) throw new UsageError(`${input}: no file matches`);
      files.push(...found.sort());
    } else {
      throw new UsageError(`${input}: no such file or folder`);
    }
  }
  return [...new Set(files)];
}
