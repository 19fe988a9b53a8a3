/**
 * A model folder: `metadata.json` (format, vocabulary, bounds, centroids, provenance, evaluation),
 * `model.json` (network topology and weights manifest) and `weights.bin`. Written atomically: a new
 * folder is filled, synced and swapped in, so a crash or Ctrl-C never leaves a half-written model.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  copyFileSync,
} from "node:fs";
import * as path from "node:path";
import {
  METADATA_FORMAT,
  METADATA_FORMAT_VERSION,
  MetadataError,
  parseModelMetadata,
  type ModelMetadata,
} from "../model/index.js";
import { deserializeNetwork, serializeNetwork } from "./serialization.js";
import type { Network } from "./network.js";
import { PARAMETER_COUNT, type ParameterBounds } from "../model/index.js";
import { SemanticModel, type WordModel } from "../model/index.js";

export const NETWORK_FILE = "model.json";
export const WEIGHTS_FILE = "weights.bin";
export const METADATA_FILE = "metadata.json";

/** What `metadata.json` holds under "model" once a network is trained. */
export interface TrainedModelInfo {
  network: string;
  weightsSha256: string;
  bounds: ParameterBounds;
  latentSize: number;
  flatParameters: number[];
  flatLatent: number[];
  words: WordModel[];
  data: Record<string, unknown>;
  training: Record<string, unknown>;
  evaluation?: Record<string, unknown>;
  createdAt: string;
}

export type TrainedModelMetadata = ModelMetadata & { model: TrainedModelInfo };

export class ModelFolderError extends Error {
  override name = "ModelFolderError";
}

function writeFileSynced(file: string, data: string | Uint8Array): void {
  const descriptor = openSync(file, "w");
  try {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * How a model folder reaches the disk. Only tests swap it, to make a write fail half way (a full
 * disk) and check that the previous model survives.
 */
export interface ModelFolderWriter {
  writeFile(file: string, data: string | Uint8Array): void;
  rename(from: string, to: string): void;
}

export const DISK_WRITER: ModelFolderWriter = { writeFile: writeFileSynced, rename: renameSync };

/**
 * Throws a ModelFolderError when `dir` can never hold a model folder: it is a file, or a file sits
 * where one of its parent folders should be. Cheap, so training checks it before it starts rather
 * than failing after an hour of epochs.
 */
export function checkModelFolderTarget(dir: string): void {
  const target = path.resolve(dir);
  for (let current = target; ; current = path.dirname(current)) {
    if (existsSync(current)) {
      if (!statSync(current).isDirectory()) {
        throw new ModelFolderError(
          current === target
            ? `${target} exists and is not a folder`
            : `${target}: cannot be created, ${current} is a file`,
        );
      }
      return;
    }
    if (path.dirname(current) === current) return;
  }
}

/**
 * Writes the model into `dir`. Files already in `dir` that are not the model's (a README) are
 * kept. Any failure leaves the previous model untouched, removes the partial folder and throws a
 * ModelFolderError saying so.
 */
export function saveModelFolder(
  dir: string,
  network: Network,
  metadata: Omit<TrainedModelMetadata, "model"> & { model: Omit<TrainedModelInfo, "network" | "weightsSha256"> },
  writer: ModelFolderWriter = DISK_WRITER,
): void {
  const target = path.resolve(dir);
  checkModelFolderTarget(target);
  const parent = path.dirname(target);
  const partial = path.join(parent, `.${path.basename(target)}.partial-${process.pid}-${Date.now()}`);
  const previous = path.join(parent, `.${path.basename(target)}.previous-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(parent, { recursive: true });
    mkdirSync(partial);
    const { modelJson, weights } = serializeNetwork(network);
    writer.writeFile(path.join(partial, WEIGHTS_FILE), weights);
    writer.writeFile(path.join(partial, NETWORK_FILE), `${JSON.stringify(modelJson, null, 2)}\n`);
    const full: TrainedModelMetadata = {
      ...metadata,
      model: {
        network: NETWORK_FILE,
        weightsSha256: createHash("sha256").update(weights).digest("hex"),
        ...metadata.model,
      },
    } as TrainedModelMetadata;
    writer.writeFile(path.join(partial, METADATA_FILE), `${JSON.stringify(full, null, 2)}\n`);
    if (existsSync(target)) {
      if (!statSync(target).isDirectory()) throw new ModelFolderError(`${target} exists and is not a folder`);
      for (const entry of readdirSync(target)) {
        if (![NETWORK_FILE, WEIGHTS_FILE, METADATA_FILE].includes(entry) && statSync(path.join(target, entry)).isFile())
          copyFileSync(path.join(target, entry), path.join(partial, entry));
      }
      writer.rename(target, previous);
    }
    writer.rename(partial, target);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    // The real rename, not the writer's: putting the previous model back must not be the thing that fails.
    if (!existsSync(target) && existsSync(previous)) renameSync(previous, target);
    if (error instanceof ModelFolderError) throw error;
    // A full disk or a vanished folder is the user's to fix, not a crash: say what and what is left.
    const kept = existsSync(path.join(target, METADATA_FILE))
      ? "the previous model is unchanged"
      : "nothing was written";
    throw new ModelFolderError(`${target}: the model could not be written (${(error as Error).message}); ${kept}`);
  }
  // The new model is in place; a previous folder that cannot be removed is litter, not a failure.
  try {
    rmSync(previous, { recursive: true, force: true });
  } catch {
    // Left for the user: a hidden .previous- folder next to the model.
  }
}

/** Reads and checks a model folder; throws ModelFolderError or MetadataError with the file's name. */
export function readModelFolder(dir: string): { metadata: TrainedModelMetadata; network: Network } {
  const metadataFile = path.join(dir, METADATA_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(metadataFile, "utf8"));
  } catch (error) {
    throw new ModelFolderError(
      `${metadataFile}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : `unreadable (${(error as Error).message})`}`,
    );
  }
  const metadata = parseModelMetadata(json, metadataFile) as TrainedModelMetadata;
  const info = metadata.model;
  if (!info || typeof info !== "object")
    throw new ModelFolderError(`${metadataFile}: holds a vocabulary but no trained network ("model" is missing)`);
  // The folder's own metadata names its network file: it must not point out of the folder.
  if (
    info.network !== undefined &&
    (typeof info.network !== "string" ||
      path.basename(info.network) !== info.network ||
      info.network === ".." ||
      info.network === "")
  ) {
    throw new ModelFolderError(
      `${metadataFile}: "model.network" must be a file name in the model folder, not ${JSON.stringify(info.network)}`,
    );
  }
  const networkFile = path.join(dir, info.network ?? NETWORK_FILE);
  const weightsFile = path.join(dir, WEIGHTS_FILE);
  let modelJson: unknown;
  let weights: Buffer;
  try {
    modelJson = JSON.parse(readFileSync(networkFile, "utf8"));
    weights = readFileSync(weightsFile);
  } catch (error) {
    throw new ModelFolderError(`${dir}: the network files cannot be read (${(error as Error).message})`);
  }
  if (info.weightsSha256 && createHash("sha256").update(weights).digest("hex") !== info.weightsSha256) {
    throw new ModelFolderError(
      `${weightsFile}: does not match metadata.json (checksum differs): the folder is corrupt or half-written`,
    );
  }
  let network: Network;
  try {
    network = deserializeNetwork(modelJson, new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
  } catch (error) {
    throw new ModelFolderError(`${networkFile}: ${(error as Error).message}`);
  }
  const latentSize = network.config.latentSize;
  const problems: string[] = [];
  if (info.latentSize !== latentSize) problems.push(`latentSize ${info.latentSize} ≠ the network's ${latentSize}`);
  if (!Array.isArray(info.flatLatent) || info.flatLatent.length !== latentSize)
    problems.push("flatLatent has the wrong length");
  if (!info.bounds || !Array.isArray(info.bounds.ranges) || info.bounds.ranges.length !== PARAMETER_COUNT)
    problems.push("bounds must give 13 ranges");
  if (!Array.isArray(info.words) || info.words.length === 0) problems.push("no words");
  for (const word of info.words ?? []) {
    if (!Array.isArray(word.centroid) || word.centroid.length !== latentSize)
      problems.push(`the centroid of '${word.word}' has the wrong length`);
    if (
      word.outputLatent !== undefined &&
      (!Array.isArray(word.outputLatent) || word.outputLatent.length !== latentSize)
    )
      problems.push(`the output latent of '${word.word}' has the wrong length`);
  }
  if (problems.length > 0) {
    network.dispose();
    throw new ModelFolderError(`${metadataFile}: ${problems.join("; ")}`);
  }
  return { metadata, network };
}

export function loadSemanticModel(dir: string): { model: SemanticModel<Network>; metadata: TrainedModelMetadata } {
  const { metadata, network } = readModelFolder(dir);
  const info = metadata.model;
  return { model: new SemanticModel(network, info.bounds, Float32Array.from(info.flatLatent), info.words), metadata };
}

export function newMetadataBase(): Pick<ModelMetadata, "format" | "formatVersion"> {
  return { format: METADATA_FORMAT, formatVersion: METADATA_FORMAT_VERSION };
}

export { MetadataError };
