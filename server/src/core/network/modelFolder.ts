/**
 * A model folder: `metadata.json` (format, vocabulary, bounds, centroids, provenance, evaluation),
 * the network's topology and weights manifest (`model-<id>.json`, `model.json` in older folders)
 * and its weights (`weights-<id>.bin`, `weights.bin`), named by metadata.json and the manifest.
 *
 * Saving never leaves the folder without a whole model. The network files of a new model are
 * named by their content, so they are written next to the previous model's without touching it;
 * `metadata.json` names them and is written last, atomically (core/files: a temporary file renamed
 * over it). That rename is the swap: before it every reader finds the old model complete, after
 * it the new one. Only then are the previous model's network files removed. Nothing else in the
 * folder is touched, and a folder that holds other files but no model is refused.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync, unlinkSync } from "node:fs";
import * as path from "node:path";
import {
  FileWriteError,
  MAX_MODEL_FILE_BYTES,
  readRegularBytes,
  readRegularFile,
  writeFileAtomicSync,
} from "../files/index.js";
import {
  METADATA_FORMAT,
  METADATA_FORMAT_VERSION,
  MetadataError,
  parseModelMetadata,
  type ModelMetadata,
} from "../model/index.js";
import { deserializeNetwork, serializeNetwork, type NetworkModelJson } from "./serialization.js";
import { trainedModelProblems } from "./trainedModelChecks.js";
import type { Network } from "./network.js";
import type { ParameterBounds } from "../model/index.js";
import { SemanticModel, type WordModel } from "../model/index.js";

/** The network files' names in folders written before they were named by content. */
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

/**
 * How a model folder reaches the disk: one atomic write per file. Only tests swap it, to make a
 * write fail half way (a full disk) or to look at the folder between two writes.
 */
export interface ModelFolderWriter {
  writeFile(file: string, data: string | Uint8Array): void;
}

export const DISK_WRITER: ModelFolderWriter = { writeFile: writeFileAtomicSync };

/** The network files this version writes: named by content, so recognisable as ours. */
const CONTENT_NAMED = /^(model-[0-9a-f]{12}\.json|weights-[0-9a-f]{12}\.bin)$/;

/** A name a model folder's own files may give another file of the folder: no path, no "..". */
function isPlainFileName(name: unknown): name is string {
  return typeof name === "string" && name !== "" && name !== ".." && path.basename(name) === name;
}

/** A model file's text, undefined when it cannot be read (read never blocks: a FIFO is refused). */
function readText(file: string): string | undefined {
  const read = readRegularFile(file, MAX_MODEL_FILE_BYTES);
  return "text" in read ? read.text : undefined;
}

/** A model file's bytes, or an error (with the system's code, e.g. ENOENT) naming the file and why not. */
function readModelFile(file: string): Buffer {
  const read = readRegularBytes(file, MAX_MODEL_FILE_BYTES);
  if ("problem" in read) throw Object.assign(new Error(`${path.basename(file)} ${read.problem}`), { code: read.code });
  return read.bytes;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readText(file) ?? "");
  } catch {
    return undefined;
  }
}

/** The network files the folder's metadata.json names now; empty when it holds no model. */
function networkFilesOf(dir: string): string[] {
  const metadata = readJson(path.join(dir, METADATA_FILE)) as { format?: unknown; model?: { network?: unknown } };
  if (metadata?.format !== METADATA_FORMAT) return [];
  const network = metadata.model?.network ?? NETWORK_FILE;
  if (!isPlainFileName(network)) return [];
  return [network, weightsFileOf(readJson(path.join(dir, network)))];
}

/** The weights file a network's manifest names (older folders: weights.bin). */
function weightsFileOf(modelJson: unknown): string {
  const named = (modelJson as Partial<NetworkModelJson> | undefined)?.weightsManifest?.[0]?.paths?.[0];
  return isPlainFileName(named) ? named : WEIGHTS_FILE;
}

function isModelFolder(dir: string): boolean {
  return (readJson(path.join(dir, METADATA_FILE)) as { format?: unknown } | undefined)?.format === METADATA_FORMAT;
}

/**
 * Throws a ModelFolderError when `dir` may not receive a model: it is a file, a file sits where one
 * of its parent folders should be, or it is a folder with other files and no model in it (a
 * repository: eqp never writes among, or removes, files that are not a model's). Cheap, so
 * training checks it before it starts rather than failing after an hour of epochs.
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
      if (current === target) checkFolderHoldsOnlyAModel(target);
      return;
    }
    if (path.dirname(current) === current) return;
  }
}

function checkFolderHoldsOnlyAModel(target: string): void {
  let entries: string[];
  try {
    entries = readdirSync(target);
  } catch (error) {
    throw new ModelFolderError(`${target}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (entries.length === 0 || isModelFolder(target)) return;
  const shown = entries.sort().slice(0, 3).join(", ") + (entries.length > 3 ? ", …" : "");
  throw new ModelFolderError(
    `${target} is not empty and holds no model (${shown}): a model is written only into a new or empty folder or over a model folder; choose another --out`,
  );
}

/** The new model's network files, named by their content. */
function networkFiles(network: Network): {
  modelFile: string;
  modelText: string;
  weightsFile: string;
  weights: Uint8Array;
} {
  const { modelJson, weights } = serializeNetwork(network);
  const id = createHash("sha256").update(weights).update(JSON.stringify(modelJson)).digest("hex").slice(0, 12);
  const weightsFile = `weights-${id}.bin`;
  const named = {
    ...modelJson,
    weightsManifest: modelJson.weightsManifest.map((group) => ({ ...group, paths: [weightsFile] })),
  };
  return { modelFile: `model-${id}.json`, modelText: `${JSON.stringify(named, null, 2)}\n`, weightsFile, weights };
}

/** Removes files, folders it created, ignoring what is already gone: cleaning up must not hide the real error. */
function removeQuietly(remove: () => void): void {
  try {
    remove();
  } catch {
    // Already gone, or left for the user; the model in place is what matters.
  }
}

/**
 * Writes the model into `dir` (see the top of this file for how the swap stays atomic). Files in
 * `dir` that are not the model's (a README) are kept. Any failure leaves the previous model
 * untouched, removes what this call wrote and throws a ModelFolderError saying so.
 */
export function saveModelFolder(
  dir: string,
  network: Network,
  metadata: Omit<TrainedModelMetadata, "model"> & { model: Omit<TrainedModelInfo, "network" | "weightsSha256"> },
  writer: ModelFolderWriter = DISK_WRITER,
): void {
  const target = path.resolve(dir);
  checkModelFolderTarget(target);
  const previous = networkFilesOf(target);
  const files = networkFiles(network);
  const full = {
    ...metadata,
    model: {
      network: files.modelFile,
      weightsSha256: createHash("sha256").update(files.weights).digest("hex"),
      ...metadata.model,
    },
  } as TrainedModelMetadata;
  let created = false;
  const written: string[] = [];
  const write = (name: string, data: string | Uint8Array) => {
    const existed = existsSync(path.join(target, name));
    writer.writeFile(path.join(target, name), data);
    if (!existed) written.push(name);
  };
  try {
    mkdirSync(path.dirname(target), { recursive: true });
    created = !existsSync(target);
    if (created) mkdirSync(target);
    write(files.weightsFile, files.weights);
    write(files.modelFile, files.modelText);
    // The swap: from here on the folder's model is the new one.
    writer.writeFile(path.join(target, METADATA_FILE), `${JSON.stringify(full, null, 2)}\n`);
  } catch (error) {
    for (const name of written) removeQuietly(() => unlinkSync(path.join(target, name)));
    if (created) removeQuietly(() => rmdirSync(target));
    if (error instanceof ModelFolderError) throw error;
    // A full disk or a vanished folder is the user's to fix, not a crash: say what and what is left.
    const reason = error instanceof FileWriteError ? error.reason : (error as Error).message;
    const kept = previous.length > 0 ? "the previous model is unchanged" : "nothing was written";
    throw new ModelFolderError(`${target}: the model could not be written (${reason}); ${kept}`);
  }
  removeReplacedFiles(target, previous, [files.modelFile, files.weightsFile]);
}

/**
 * Removes the previous model's network files and content-named ones a killed save left: only names
 * eqp writes, whatever the previous metadata.json said (it might name a README).
 */
function removeReplacedFiles(target: string, previous: string[], current: string[]): void {
  const ours = (name: string) => CONTENT_NAMED.test(name) || name === NETWORK_FILE || name === WEIGHTS_FILE;
  const stale = new Set(previous.filter(ours));
  removeQuietly(() => readdirSync(target).forEach((entry) => CONTENT_NAMED.test(entry) && stale.add(entry)));
  for (const name of stale) if (!current.includes(name)) removeQuietly(() => unlinkSync(path.join(target, name)));
}

/** The network files went away under the reader: a save replaced the model after its metadata was read. */
class ModelReplacedError extends ModelFolderError {}

/** Reads and checks a model folder; throws ModelFolderError or MetadataError with the file's name. */
export function readModelFolder(dir: string): { metadata: TrainedModelMetadata; network: Network } {
  try {
    return readModelFolderOnce(dir);
  } catch (error) {
    // The new model is complete by the time the old one's files are removed: read that one.
    if (error instanceof ModelReplacedError) return readModelFolderOnce(dir);
    throw error;
  }
}

function readModelFolderOnce(dir: string): { metadata: TrainedModelMetadata; network: Network } {
  const metadataFile = path.join(dir, METADATA_FILE);
  const read = readRegularFile(metadataFile, MAX_MODEL_FILE_BYTES);
  if ("problem" in read)
    throw new ModelFolderError(`${metadataFile}: ${read.code === "ENOENT" ? "missing" : read.problem}`);
  const metadataText = read.text;
  let json: unknown;
  try {
    json = JSON.parse(metadataText);
  } catch (error) {
    throw new ModelFolderError(`${metadataFile}: unreadable (${(error as Error).message})`);
  }
  const metadata = parseModelMetadata(json, metadataFile) as TrainedModelMetadata;
  const info = metadata.model;
  if (!info || typeof info !== "object")
    throw new ModelFolderError(`${metadataFile}: holds a vocabulary but no trained network ("model" is missing)`);
  // The folder's own metadata names its network file: it must not point out of the folder.
  if (info.network !== undefined && !isPlainFileName(info.network)) {
    throw new ModelFolderError(
      `${metadataFile}: "model.network" must be a file name in the model folder, not ${JSON.stringify(info.network)}`,
    );
  }
  const networkFile = path.join(dir, info.network ?? NETWORK_FILE);
  let weightsFile = path.join(dir, WEIGHTS_FILE);
  let modelJson: unknown;
  let weights: Buffer;
  try {
    modelJson = JSON.parse(readModelFile(networkFile).toString("utf8"));
    weightsFile = path.join(dir, weightsFileOf(modelJson));
    weights = readModelFile(weightsFile);
  } catch (error) {
    const replaced = (error as NodeJS.ErrnoException).code === "ENOENT" && readText(metadataFile) !== metadataText;
    if (replaced) throw new ModelReplacedError(`${dir}: the model was replaced while it was read`);
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
  const problems = trainedModelProblems(info as unknown as Record<string, unknown>, network.config.latentSize);
  if (problems.length > 0) {
    network.dispose();
    // The first few say what is wrong; a folder broken everywhere need not list every value.
    const more = problems.length > 5 ? `; and ${problems.length - 5} more` : "";
    throw new ModelFolderError(`${metadataFile}: ${problems.slice(0, 5).join("; ")}${more}`);
  }
  return { metadata, network };
}

/** The model of a folder and its metadata; {@link saveSemanticModel} writes what this reads. */
export function loadSemanticModel(dir: string): { model: SemanticModel<Network>; metadata: TrainedModelMetadata } {
  const { metadata, network } = readModelFolder(dir);
  const info = metadata.model;
  return { model: new SemanticModel(network, info.bounds, Float32Array.from(info.flatLatent), info.words), metadata };
}

/** What a model folder says that the model does not hold: its description and how it was made. */
export interface SavedModelFacts {
  description?: string;
  attribution?: string;
  model: Omit<TrainedModelInfo, "network" | "weightsSha256" | "bounds" | "latentSize" | "flatLatent" | "words">;
}

/**
 * Writes `model` into `dir` (atomically, see saveModelFolder): its network, vocabulary, bounds,
 * latents and words taken from the model itself, `facts` beside them; {@link loadSemanticModel}
 * reads it back. The flat latent is kept to 7 decimals, as float32 holds it.
 */
export function saveSemanticModel(
  dir: string,
  model: SemanticModel<Network>,
  facts: SavedModelFacts,
  writer: ModelFolderWriter = DISK_WRITER,
): void {
  const vocabulary = model.vocabulary.words();
  const { model: made, ...about } = facts;
  const { flatParameters, ...how } = made;
  const info = {
    bounds: model.bounds,
    latentSize: model.latentSize,
    flatParameters,
    flatLatent: Array.from(model.flatLatent, (value) => Math.round(value * 1e7) / 1e7),
    words: model.wordModels(),
    ...how,
  };
  saveModelFolder(dir, model.network, { ...newMetadataBase(), ...about, vocabulary, model: info }, writer);
}

export function newMetadataBase(): Pick<ModelMetadata, "format" | "formatVersion"> {
  return { format: METADATA_FORMAT, formatVersion: METADATA_FORMAT_VERSION };
}

export { MetadataError };
