/** Expanding the CLI's file arguments: files, folders (every .eqp below) and globs. */
import fg from "fast-glob";
import { statSync } from "node:fs";
import * as path from "node:path";

export class UsageError extends Error {}

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
