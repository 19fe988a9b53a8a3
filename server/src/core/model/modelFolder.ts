/**
 * A model folder: `metadata.json` (format, vocabulary, bounds, centroids, provenance, evaluation),
 * `model.json` (network topology and weights manifest) and `weights.bin`. Written atomically: a new
 * folder is filled, synced and swapped in, so a crash or Ctrl-C never leaves a half-written model.
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync, copyFileSync } from "node:fs";
import * as path from "node:path";
import { METADATA_FORMAT, METADATA_FORMAT_VERSION, MetadataError, parseModelMetadata, type ModelMetadata } from "../metadata.js";
import { deserializeNetwork, serializeNetwork } from "./serialization.js";
import type { Network } from "./network.js";
import { PARAMETER_COUNT, type ParameterBounds } from "./parameters.js";
import { SemanticModel, type WordModel } from "./semanticModel.js";

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
 * Writes the model into `dir`. Files already in `dir` that are not the model's (a README) are
 * kept. Any failure leaves the previous model untouched and removes the partial folder.
 */
export function saveModelFolder(dir: string, network: Network, metadata: Omit<TrainedModelMetadata, "model"> & { model: Omit<TrainedModelInfo, "network" | "weightsSha256"> }): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  mkdirSync(parent, { recursive: true });
  const partial = path.join(parent, `.${path.basename(target)}.partial-${process.pid}-${Date.now()}`);
  const previous = path.join(parent, `.${path.basename(target)}.previous-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(partial);
    const { modelJson, weights } = serializeNetwork(network);
    writeFileSynced(path.join(partial, WEIGHTS_FILE), weights);
    writeFileSynced(path.join(partial, NETWORK_FILE), `${JSON.stringify(modelJson, null, 2)}\n`);
    const full: TrainedModelMetadata = {
      ...metadata,
      model: { network: NETWORK_FILE, weightsSha256: createHash("sha256").update(weights).digest("hex"), ...metadata.model },
    } as TrainedModelMetadata;
    writeFileSynced(path.join(partial, METADATA_FILE), `${JSON.stringify(full, null, 2)}\n`);
    if (existsSync(target)) {
      if (!statSync(target).isDirectory()) throw new ModelFolderError(`${target} exists and is not a folder`);
      for (const entry of readdirSync(target)) {
        if (![NETWORK_FILE, WEIGHTS_FILE, METADATA_FILE].includes(entry) && statSync(path.join(target, entry)).isFile()) copyFileSync(path.join(target, entry), path.join(partial, entry));
      }
      renameSync(target, previous);
    }
    renameSync(partial, target);
    rmSync(previous, { recursive: true, force: true });
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(previous)) renameSync(previous, target);
    throw error;
  }
}

/** Reads and checks a model folder; throws ModelFolderError or MetadataError with the file's name. */
export function readModelFolder(dir: string): { metadata: TrainedModelMetadata; network: Network } {
  const metadataFile = path.join(dir, METADATA_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(metadataFile, "utf8"));
  } catch (error) {
    throw new ModelFolderError(`${metadataFile}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : `unreadable (${(error as Error).message})`}`);
  }
  const metadata = parseModelMetadata(json, metadataFile) as TrainedModelMetadata;
  const info = metadata.model;
  if (!info || typeof info !== "object") throw new ModelFolderError(`${metadataFile}: holds a vocabulary but no trained network ("model" is missing)`);
  const networkFile = path.join(dir, typeof info.network === "string" ? info.network : NETWORK_FILE);
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
    throw new ModelFolderError(`${weightsFile}: does not match metadata.json (checksum differs): the folder is corrupt or half-written`);
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
  if (!Array.isArray(info.flatLatent) || info.flatLatent.length !== latentSize) problems.push("flatLatent has the wrong length");
  if (!info.bounds || !Array.isArray(info.bounds.ranges) || info.bounds.ranges.length !== PARAMETER_COUNT) problems.push("bounds must give 13 ranges");
  if (!Array.isArray(info.words) || info.words.length === 0) problems.push("no words");
  for (const word of info.words ?? []) {
    if (!Array.isArray(word.centroid) || word.centroid.length !== latentSize) problems.push(`the centroid of '${word.word}' has the wrong length`);
  }
  if (problems.length > 0) {
    network.dispose();
    throw new ModelFolderError(`${metadataFile}: ${problems.join("; ")}`);
  }
  return { metadata, network };
}

export function loadSemanticModel(dir: string): { model: SemanticModel; metadata: TrainedModelMetadata } {
  const { metadata, network } = readModelFolder(dir);
  const info = metadata.model;
  return { model: new SemanticModel(network, info.bounds, Float32Array.from(info.flatLatent), info.words), metadata };
}

export function newMetadataBase(): Pick<ModelMetadata, "format" | "formatVersion"> {
  return { format: METADATA_FORMAT, formatVersion: METADATA_FORMAT_VERSION };
}

export { MetadataError };
