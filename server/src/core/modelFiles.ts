/** Finding and reading a model folder on disk (shared by the server and the CLI). */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { MetadataError, parseModelMetadata, type ModelMetadata } from "./metadata.js";

/** The model folder shipped with the extension: `model/` next to `dist/`, found by walking up. */
export function bundledModelDir(start: string = typeof __dirname !== "undefined" ? __dirname : process.cwd()): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, "model", "metadata.json"))) return path.join(dir, "model");
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start, "..", "model");
    dir = parent;
  }
}

export function readModelMetadata(modelDir: string): ModelMetadata {
  const file = path.join(modelDir, "metadata.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new MetadataError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MetadataError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  return parseModelMetadata(json, file);
}
