/**
 * `eqpreset.json`, the project file: the settings a team commits so that the editor, `eqp` and CI
 * agree (the model folder, the lock tolerance). It is found as `.prettierrc` is: the nearest one in
 * the folder of a file or above it. Its folder is the project root, which holds `eqpreset.lock`;
 * without a project file the root is the git repository around the file, else the folder itself.
 */
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { writeFileAtomicSync } from "../files/index.js";
import { MAX_SIDE_FILE_BYTES, readRegularFile } from "./walk.js";

export const PROJECT_FILE_NAME = "eqpreset.json";
/** Lock changes smaller than this (dB) are notes, not errors, unless the project file says otherwise. */
export const DEFAULT_LOCK_TOLERANCE_DB = 0.5;

export interface ProjectSettings {
  /** The project file (absolute); undefined when there is none. */
  file: string | undefined;
  /** The folder of the project file, else the git root, else the start folder: where the lock is. */
  root: string;
  /** The model folder named by the project file (absolute), if any. */
  modelDir: string | undefined;
  /** Lock changes below this many dB are notes. */
  lockToleranceDb: number;
}

export class ProjectFileError extends Error {
  override name = "ProjectFileError";
}

/** The nearest folder, `startDir` or above it up to the filesystem root, where `found` holds. */
function findUpwards(startDir: string, found: (dir: string) => boolean): string | undefined {
  let dir = path.resolve(startDir);
  for (;;) {
    if (found(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The nearest `eqpreset.json` at or above `startDir`. */
export function findProjectFile(startDir: string): string | undefined {
  const dir = findUpwards(startDir, (candidate) => isFile(path.join(candidate, PROJECT_FILE_NAME)));
  return dir === undefined ? undefined : path.join(dir, PROJECT_FILE_NAME);
}

/** The git work tree around `startDir` (a `.git` folder or file), without running git. */
export function findGitRoot(startDir: string): string | undefined {
  return findUpwards(startDir, (candidate) => existsSync(path.join(candidate, ".git")));
}

/** "file:line:column: what" for a position in a text. */
function located(file: string, text: string, offset: number, what: string): string {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return `${file}:${before.length}:${before[before.length - 1]!.length + 1}: ${what}`;
}

function parseProjectJson(text: string, file: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const json: unknown = parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (first)
    throw new ProjectFileError(
      located(file, text, first.offset, `not valid JSON (${printParseErrorCode(first.error)})`),
    );
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new ProjectFileError(`${file}:1:1: must be a JSON object`);
  return json as Record<string, unknown>;
}

/** The settings of a project file's text; a wrong field is an error naming the file and the field. */
export function parseProjectFile(text: string, file: string): Omit<ProjectSettings, "root"> {
  const json = parseProjectJson(text, file);
  const at = (field: string) => {
    const offset = text.indexOf(`"${field}"`);
    return (what: string) => new ProjectFileError(located(file, text, Math.max(offset, 0), what));
  };
  const model = json.model;
  if (model !== undefined && (typeof model !== "string" || model.trim() === ""))
    throw at("model")(`"model" must be a folder (a non-empty string, relative to ${PROJECT_FILE_NAME})`);
  const lock = json.lock as { toleranceDb?: unknown } | undefined;
  if (lock !== undefined && (typeof lock !== "object" || lock === null || Array.isArray(lock)))
    throw at("lock")(`"lock" must be an object, such as { "toleranceDb": ${DEFAULT_LOCK_TOLERANCE_DB} }`);
  const tolerance = lock?.toleranceDb;
  if (tolerance !== undefined && !(typeof tolerance === "number" && Number.isFinite(tolerance) && tolerance >= 0))
    throw at("toleranceDb")(`"lock.toleranceDb" must be a number of dB, 0 or more`);
  return {
    file,
    modelDir: typeof model === "string" ? path.resolve(path.dirname(file), model.trim()) : undefined,
    lockToleranceDb: typeof tolerance === "number" ? tolerance : DEFAULT_LOCK_TOLERANCE_DB,
  };
}

/**
 * The project of `startDir` (a folder): its nearest project file read, and the root of its lock.
 * A project file that cannot be read or parsed is a `ProjectFileError` with its file, line and column.
 */
export function findProject(startDir: string): ProjectSettings {
  const file = findProjectFile(startDir);
  if (!file) {
    const root = findGitRoot(startDir) ?? path.resolve(startDir);
    return { file: undefined, root, modelDir: undefined, lockToleranceDb: DEFAULT_LOCK_TOLERANCE_DB };
  }
  const read = readRegularFile(file, MAX_SIDE_FILE_BYTES);
  if ("problem" in read) throw new ProjectFileError(`${file} ${read.problem}`);
  return { ...parseProjectFile(read.text, file), root: path.dirname(file) };
}

/** The text of a project file naming `modelDir` (absolute), keeping the other fields of `previous`. */
export function projectFileWithModel(previous: string | undefined, file: string, modelDir: string): string {
  const json = previous?.trim() ? parseProjectJson(previous, file) : {};
  const relative = path.relative(path.dirname(file), modelDir).split(path.sep).join("/");
  return `${JSON.stringify({ ...json, model: relative || "." }, null, 2)}\n`;
}

/**
 * Makes `modelDir` the project's model ("Use in this workspace" after fine-tuning): the nearest
 * project file above `startDir` is rewritten (its other fields kept), else one is created at the
 * git root (where the lock already is), else in `startDir`. Written atomically; returns the file.
 */
export function useModelInProject(startDir: string, modelDir: string): string {
  const file =
    findProjectFile(startDir) ?? path.join(findGitRoot(startDir) ?? path.resolve(startDir), PROJECT_FILE_NAME);
  const read = existsSync(file) ? readRegularFile(file, MAX_SIDE_FILE_BYTES) : { text: "" };
  if ("problem" in read) throw new ProjectFileError(`${file} ${read.problem}`);
  writeFileAtomicSync(file, projectFileWithModel(read.text, file, modelDir));
  return file;
}
