/** Finding and reading a model folder on disk (shared by the server and the CLI). */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { MAX_MODEL_FILE_BYTES, readRegularFile } from "../files/index.js";
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

/** A path as text for a message: control characters (a NUL from a broken setting) shown, not printed. */
export function shownPath(file: string): string {
  return file.replace(/[\u0000-\u001f]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** What a failed read of `<modelDir>/metadata.json` means for someone who typed `modelDir` in a setting. */
function whyUnreadable(modelDir: string, code: string | undefined): string {
  if (code === "ERR_INVALID_ARG_VALUE" || code === "ERR_INVALID_ARG_TYPE") return " — the path contains a NUL character";
  if (code === "ENOTDIR") return ` — ${shownPath(modelDir)} is a file, not a model folder`;
  if (code === "ENOENT") return existsSync(modelDir) ? ` — ${shownPath(modelDir)} is not a model folder (no metadata.json)` : ` — there is no folder ${shownPath(modelDir)}`;
  return "";
}

export function readModelMetadata(modelDir: string): ModelMetadata {
  const file = path.join(modelDir, "metadata.json");
  // Through the regular-file reader: a FIFO named metadata.json must not block the server or eqp.
  const read = readRegularFile(file, MAX_MODEL_FILE_BYTES);
  if ("problem" in read) throw new MetadataError(`${shownPath(file)}: ${read.problem}${whyUnreadable(modelDir, read.code)}`);
  let json: unknown;
  try {
    json = JSON.parse(read.text);
  } catch (error) {
    throw new MetadataError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  return parseModelMetadata(json, file);
}
