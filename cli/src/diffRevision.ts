/**
 * The old side of `eqp diff REV`: the project as it was at REV, so that a preset whose text did not
 * change but whose sound did (a morph moved by a tag edited in another file, or by another model)
 * is reported, with the reason. Its services hold REV's preset files (their tags were the team's
 * words then) and REV's model: the project file's model folder at REV, taken out of git into a
 * temporary folder (a model folder not in git is taken as unchanged).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bundledModelDir, parseProjectFile, PROJECT_FILE_NAME, type EqServices } from "../../server/src/core/index.js";
import type { PresetState } from "../../server/src/core/diff/index.js";
import { cliServices } from "./services.js";

export interface RevisionSide {
  services: EqServices;
  /** Why a preset with the same text sounds different between REV and now. */
  why(before: PresetState, after: PresetState): string | undefined;
  dispose(): void;
}

/** `git -C root …` as bytes (a model's weights are binary); undefined when git fails. */
function gitBytes(root: string, args: string[]): Buffer | undefined {
  const result = spawnSync("git", ["-C", root, ...args], { maxBuffer: 1024 * 1024 * 1024 });
  return result.status === 0 ? result.stdout : undefined;
}

function gitText(root: string, args: string[]): string | undefined {
  return gitBytes(root, args)?.toString("utf8");
}

function filesAt(root: string, revision: string, under: string): string[] {
  return (gitText(root, ["ls-tree", "-r", "-z", "--name-only", revision, "--", under]) ?? "")
    .split("\0")
    .filter((file) => file !== "");
}

/**
 * The model folder of the project at REV: the bundled one without a project file (or without a
 * model in it), the folder taken out of git into `scratch`, or the folder as it is now when REV's
 * project names one that git does not hold.
 */
function modelAt(root: string, revision: string, scratch: string): string {
  const text = gitText(root, ["show", `${revision}:./${PROJECT_FILE_NAME}`]);
  if (text === undefined) return bundledModelDir();
  let modelDir: string | undefined;
  try {
    modelDir = parseProjectFile(text, path.join(root, PROJECT_FILE_NAME)).modelDir;
  } catch {
    return bundledModelDir();
  }
  if (!modelDir) return bundledModelDir();
  const relative = path.relative(root, modelDir).split(path.sep).join("/");
  const files = relative.startsWith("..") ? [] : filesAt(root, revision, relative);
  if (files.length === 0) return modelDir;
  const out = path.join(scratch, "model");
  for (const file of files) {
    const bytes = gitBytes(root, ["show", `${revision}:./${file}`]);
    if (!bytes) return modelDir;
    const target = path.join(out, path.relative(relative, file));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
  return out;
}

/** A word's tagged examples as comparable keys: file, preset and bands. */
function exampleKeys(services: EqServices, word: string, root: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const example of services.model.teamWord(word)?.examples ?? []) {
    const file = path.relative(root, example.file).split(path.sep).join("/");
    keys.set(`${file}\0${example.preset}\0${JSON.stringify(example.bands)}`, file);
  }
  return keys;
}

function modelName(services: EqServices): string {
  return services.modelIdentity().id;
}

export async function revisionSide(
  revision: string,
  root: string,
  now: EqServices,
  explicitModel: string | undefined,
): Promise<RevisionSide> {
  const scratch = mkdtempSync(path.join(tmpdir(), "eqp-diff-"));
  try {
    const documents = filesAt(root, revision, ".")
      .filter((file) => file.endsWith(".eqp"))
      .map((file) => ({
        file: path.join(root, ...file.split("/")),
        text: gitText(root, ["show", `${revision}:./${file}`]) ?? "",
      }));
    const services = await cliServices(explicitModel ?? modelAt(root, revision, scratch), {
      network: true,
      documents,
    });
    const why = (before: PresetState, after: PresetState): string | undefined => {
      const causes: string[] = [];
      const [then, current] = [services.modelIdentity(), now.modelIdentity()];
      if (then.id !== current.id || then.weightsSha256 !== current.weightsSha256)
        causes.push(`the model changed from ${modelName(services)} to ${modelName(now)}`);
      const words = new Set(
        `${before.morph ?? ""} ${after.morph ?? ""}`.split(/\s+/).filter((word) => /^[^\d.+-]/.test(word)),
      );
      for (const word of words) {
        const [old, fresh] = [exampleKeys(services, word, root), exampleKeys(now, word, root)];
        const files = new Set<string>();
        for (const [key, file] of old) if (!fresh.has(key)) files.add(file);
        for (const [key, file] of fresh) if (!old.has(key)) files.add(file);
        if (files.size > 0) causes.push(`the tags of word '${word}' changed in ${[...files].sort().join(", ")}`);
      }
      // A used preset that changed (`use "preset"`, on its way) is the third cause: compare the
      // states of the presets it uses here once the language has them.
      return causes.length > 0 ? causes.join("; and ") : undefined;
    };
    return {
      services,
      why,
      dispose: () => {
        services.dispose();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}
