/**
 * The CLI's services: the core's `EqServices` with the model of `--model` (default: the bundled
 * one) and the team words of the workspace (`--workspace`, default: the repository around the
 * current folder), as the editor has them. Unlike the editor, which falls back to the bundled
 * model, a broken `--model` folder is an error here: CI must not pass on a model it was not asked
 * to use.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { bundledModelDir, EqServices, presetFilesIn, readModelMetadata } from "../../server/src/core/index.js";
import { UsageError, warnOnStderr } from "./files.js";

export interface CliServicesOptions {
  /** Load the network (tfjs, ~200 ms): needed when a document has a morph, or for describe. */
  network: boolean;
  /** The workspace whose tagged presets are the team's words; false for none. */
  workspace?: string | false;
  /** Files the command reads, indexed too (they may lie outside the workspace). */
  files?: readonly string[];
  /** Accept a broken lockfile (eqp lock, which rewrites it). */
  ignoreBrokenLock?: boolean;
}

let chosenWorkspace: string | undefined;

/** `eqp --workspace DIR …`: the workspace of every command of this run. */
export function useWorkspace(dir: string | undefined): void {
  chosenWorkspace = dir;
}

/** The default workspace: `--workspace`, else the git repository around the current folder, else the folder itself. */
export function defaultWorkspace(): string {
  if (chosenWorkspace !== undefined) return path.resolve(chosenWorkspace);
  const git = spawnSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" });
  return git.status === 0 && git.stdout.trim() ? git.stdout.trim() : process.cwd();
}

export async function cliServices(modelDir: string | undefined, options: CliServicesOptions): Promise<EqServices> {
  const dir = modelDir ?? bundledModelDir();
  const services = new EqServices();
  // The metadata first, for the same message whether or not the network is needed.
  readModelMetadata(dir);
  if (!options.network) {
    services.model.load(modelDir);
  } else {
    const [{ initBackend }, { loadSemanticModel }] = await Promise.all([
      import("../../server/src/core/network/backend.js"),
      import("../../server/src/core/network/modelFolder.js"),
    ]);
    await initBackend();
    const { model, metadata } = loadSemanticModel(dir);
    services.model.adopt(dir, model, metadata);
  }
  const workspace = options.workspace === undefined ? defaultWorkspace() : options.workspace;
  if (workspace !== false)
    for (const file of presetFilesIn(workspace, warnOnStderr)) {
      const problem = services.workspace.readFile(file);
      if (problem) warnOnStderr(problem);
    }
  // Files given on the command line say for themselves why they were not read.
  for (const file of options.files ?? []) services.workspace.readFile(path.resolve(file));
  services.refreshTeamWords();
  if (workspace !== false) services.useLockIn(workspace);
  if (services.lockProblem && !options.ignoreBrokenLock) {
    services.dispose();
    throw new UsageError(services.lockProblem);
  }
  return services;
}
