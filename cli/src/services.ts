/**
 * The CLI's services: the core's `EqServices` with the model of `--model` (default: the project
 * file's, else the bundled one) and the team words of the workspace (`--workspace`, default: the
 * project root, projectFile.ts: the folder of the nearest `eqpreset.json` above the first file
 * given or the current folder, else the git repository around it), as the editor has them. Unlike the editor, which falls back to the bundled
 * model, a broken `--model` folder is an error here: CI must not pass on a model it was not asked
 * to use.
 */
import type { Command } from "commander";
import { statSync } from "node:fs";
import * as path from "node:path";
import {
  bundledModelDir,
  EqServices,
  findProject,
  presetFilesIn,
  ProjectFileError,
  readDocument,
  readModelMetadata,
  type ProjectSettings,
} from "../../server/src/core/index.js";
import { UsageError, warnOnStderr } from "./files.js";

export interface CliServicesOptions {
  /** Load the network (tfjs, ~200 ms): needed when a document has a morph, or for describe. */
  network: boolean;
  /** The workspace whose tagged presets are the team's words; false for none. */
  workspace?: string | false;
  /** Files the command reads, indexed too (they may lie outside the workspace). */
  files?: readonly string[];
  /**
   * Read the workspace's preset files for the team's words (default true). Only a morph can use
   * them, and what else they give a document are warnings; `eqp apply` of presets without a morph
   * skips reading a whole repository. The workspace's lockfile is read either way.
   */
  teamWords?: boolean;
  /** Accept a broken lockfile (eqp lock, which rewrites it). */
  ignoreBrokenLock?: boolean;
  /**
   * The workspace's preset files as given (another revision's, for eqp diff) instead of those on
   * disk: their tags are the team's words; no lock is read.
   */
  documents?: readonly { file: string; text: string }[];
}

let chosenWorkspace: string | undefined;

/** `eqp --workspace DIR …`: the workspace of every command of this run. */
export function useWorkspace(dir: string | undefined): void {
  chosenWorkspace = dir;
}

/** The program's `--workspace <dir>` option, for every command of the run (main.ts and applyMain.ts). */
export function addWorkspaceOption(program: Command): void {
  program
    .option(
      "--workspace <dir>",
      "the workspace whose tagged presets are the team's words (default: the git repository around the current folder)",
    )
    .hook("preAction", (command) => useWorkspace((command.opts() as { workspace?: string }).workspace));
}

/** The folder a project is looked for from: the first file's (or folder given), else the current folder. */
function projectStart(files: readonly string[] | undefined): string {
  const first = files?.[0];
  if (first === undefined) return process.cwd();
  const resolved = path.resolve(first);
  try {
    return statSync(resolved).isDirectory() ? resolved : path.dirname(resolved);
  } catch {
    return path.dirname(resolved);
  }
}

/** The project around `files` (or the current folder); a broken project file is a usage error. */
export function cliProject(files?: readonly string[]): ProjectSettings {
  try {
    return findProject(projectStart(files));
  } catch (error) {
    if (error instanceof ProjectFileError) throw new UsageError(error.message);
    throw error;
  }
}

/** The default workspace: `--workspace`, else the project root around `files` or the current folder. */
export function defaultWorkspace(files?: readonly string[]): string {
  if (chosenWorkspace !== undefined) return path.resolve(chosenWorkspace);
  return cliProject(files).root;
}

export async function cliServices(modelDir: string | undefined, options: CliServicesOptions): Promise<EqServices> {
  const project = cliProject(options.files);
  modelDir ??= project.modelDir;
  const dir = modelDir ?? bundledModelDir();
  const services = new EqServices();
  services.lockToleranceDb = project.lockToleranceDb;
  // The metadata first, for the same message whether or not the network is needed.
  readModelMetadata(dir);
  if (!options.network) {
    // The services start with the bundled model's words: only another folder is read again.
    if (modelDir !== undefined) services.model.load(modelDir);
  } else {
    const [{ initBackend }, { loadSemanticModel }] = await Promise.all([
      import("../../server/src/core/network/backend.js"),
      import("../../server/src/core/network/modelFolder.js"),
    ]);
    await initBackend();
    const { model, metadata } = loadSemanticModel(dir);
    services.model.adopt(dir, model, metadata);
  }
  if (options.documents) {
    for (const { file, text } of options.documents) services.workspace.openDocument(file, readDocument(text));
    services.refreshTeamWords();
    return services;
  }
  const workspace = options.workspace === undefined ? defaultWorkspace(options.files) : options.workspace;
  if (workspace !== false && options.teamWords !== false)
    for (const file of presetFilesIn(workspace, warnOnStderr)) {
      const problem = services.workspace.readFile(file);
      if (problem) warnOnStderr(problem);
    }
  // Files given on the command line say for themselves why they were not read.
  if (options.teamWords !== false)
    for (const file of options.files ?? []) services.workspace.readFile(path.resolve(file));
  services.refreshTeamWords();
  if (workspace !== false) services.useLockIn(workspace);
  if (services.lockProblem && !options.ignoreBrokenLock) {
    services.dispose();
    throw new UsageError(services.lockProblem);
  }
  return services;
}
