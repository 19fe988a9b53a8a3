/**
 * The network on disk, in the style of tfjs models: a model.json (format, version, the network
 * config and a tfjs weightsManifest) plus one binary file of little-endian float32 weights, in
 * manifest order. Nothing here touches the disk: the caller writes and reads the files (and
 * writes them atomically).
 *
 * model.json:
 *   { "format": "eqpreset-v3-network", "version": 1, "config": { ...NetworkConfig },
 *     "weightsManifest": [{ "paths": ["weights.bin"],
 *                           "weights": [{ "name": "encoder.block0.input.kernel", "shape": [13, 64], "dtype": "float32" }, ...] }] }
 */
import { Network, networkLayout, validateNetworkConfig, type HiddenActivation, type NetworkConfig } from "./network.js";

export const NETWORK_FORMAT = "eqpreset-v3-network";
export const NETWORK_FORMAT_VERSION = 1;
export const NETWORK_WEIGHTS_FILE = "weights.bin";

export class NetworkFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetworkFormatError";
  }
}

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: "float32";
}

export interface NetworkModelJson {
  format: typeof NETWORK_FORMAT;
  version: typeof NETWORK_FORMAT_VERSION;
  config: NetworkConfig;
  weightsManifest: { paths: string[]; weights: WeightEntry[] }[];
}

const BYTES_PER_FLOAT = 4;

export function serializeNetwork(network: Network): { modelJson: NetworkModelJson; weights: Uint8Array } {
  const specs = network.layout.parameters;
  const values = network.readParameterValues();
  const total = values.reduce((sum, array) => sum + array.length, 0);
  const weights = new Uint8Array(total * BYTES_PER_FLOAT);
  const view = new DataView(weights.buffer);
  let offset = 0;
  for (const array of values) {
    for (let i = 0; i < array.length; i++, offset += BYTES_PER_FLOAT) view.setFloat32(offset, array[i]!, true);
  }
  const config = network.config;
  return {
    modelJson: {
      format: NETWORK_FORMAT,
      version: NETWORK_FORMAT_VERSION,
      config: {
        inputSize: config.inputSize,
        hidden: [...config.hidden],
        latentSize: config.latentSize,
        projectionSize: config.projectionSize,
        projectionHidden: config.projectionHidden,
        activation: config.activation,
      },
      weightsManifest: [
        {
          paths: [NETWORK_WEIGHTS_FILE],
          weights: specs.map((spec) => ({ name: spec.name, shape: [...spec.shape], dtype: "float32" as const })),
        },
      ],
    },
    weights,
  };
}

/**
 * Rebuilds a network from model.json (parsed) and the weights file's bytes. Checks the format,
 * the version, the config, and that the manifest lists every weight of that config exactly once,
 * with its shape and dtype, and that the bytes are exactly as many as the manifest describes.
 * Throws a NetworkFormatError saying what is wrong. Needs an initialised tfjs backend.
 */
export function deserializeNetwork(modelJson: unknown, weights: Uint8Array): Network {
  if (!isObject(modelJson)) throw new NetworkFormatError(`model.json: expected an object, got ${describe(modelJson)}`);
  if (modelJson.format !== NETWORK_FORMAT)
    throw new NetworkFormatError(`model.json: format must be "${NETWORK_FORMAT}", got ${describe(modelJson.format)}`);
  if (modelJson.version !== NETWORK_FORMAT_VERSION) {
    throw new NetworkFormatError(
      `model.json: unsupported version ${describe(modelJson.version)} (this build reads version ${NETWORK_FORMAT_VERSION})`,
    );
  }
  const config = parseConfig(modelJson.config);
  const entries = parseManifest(modelJson.weightsManifest);

  const byName = new Map<string, { entry: WeightEntry; byteOffset: number }>();
  let byteOffset = 0;
  for (const entry of entries) {
    if (byName.has(entry.name)) throw new NetworkFormatError(`model.json: weight "${entry.name}" is listed twice`);
    byName.set(entry.name, { entry, byteOffset });
    byteOffset += entry.shape.reduce((a, b) => a * b, 1) * BYTES_PER_FLOAT;
  }
  const specs = networkLayout(config).parameters;
  const expectedNames = new Set(specs.map((spec) => spec.name));
  const unknown = entries.find((entry) => !expectedNames.has(entry.name));
  if (unknown) throw new NetworkFormatError(`model.json: unexpected weight "${unknown.name}" for this config`);
  for (const spec of specs) {
    const found = byName.get(spec.name);
    if (!found) throw new NetworkFormatError(`model.json: missing weight "${spec.name}"`);
    if (found.entry.shape.length !== spec.shape.length || found.entry.shape.some((size, i) => size !== spec.shape[i])) {
      throw new NetworkFormatError(
        `model.json: weight "${spec.name}" has shape [${found.entry.shape.join(", ")}], expected [${spec.shape.join(", ")}]`,
      );
    }
  }
  if (weights.byteLength !== byteOffset) {
    throw new NetworkFormatError(
      `weights: expected ${byteOffset} bytes for ${entries.length} float32 weights, got ${weights.byteLength}${weights.byteLength < byteOffset ? " (truncated file?)" : ""}`,
    );
  }

  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  const values = specs.map((spec) => {
    const { byteOffset: start } = byName.get(spec.name)!;
    const array = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < array.length; i++) {
      const value = view.getFloat32(start + i * BYTES_PER_FLOAT, true);
      if (!Number.isFinite(value))
        throw new NetworkFormatError(`weights: "${spec.name}" holds a non-finite value (${value}) at index ${i}`);
      array[i] = value;
    }
    return array;
  });
  return Network.fromValues(config, values);
}

function parseConfig(value: unknown): NetworkConfig {
  if (!isObject(value)) throw new NetworkFormatError(`model.json: config must be an object, got ${describe(value)}`);
  const config: NetworkConfig = {
    inputSize: value.inputSize as number,
    hidden: (Array.isArray(value.hidden) ? [...(value.hidden as unknown[])] : value.hidden) as number[],
    latentSize: value.latentSize as number,
    projectionSize: value.projectionSize as number,
    projectionHidden: value.projectionHidden as number,
    activation: value.activation as HiddenActivation,
  };
  try {
    validateNetworkConfig(config);
  } catch (error) {
    throw new NetworkFormatError(`model.json: ${(error as Error).message}`);
  }
  return config;
}

function parseManifest(value: unknown): WeightEntry[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new NetworkFormatError(`model.json: weightsManifest must be a non-empty array, got ${describe(value)}`);
  const entries: WeightEntry[] = [];
  value.forEach((group: unknown, groupIndex) => {
    const where = `model.json: weightsManifest[${groupIndex}]`;
    if (!isObject(group)) throw new NetworkFormatError(`${where} must be an object`);
    if (!Array.isArray(group.paths) || !group.paths.every((p) => typeof p === "string"))
      throw new NetworkFormatError(`${where}.paths must be an array of file names`);
    if (!Array.isArray(group.weights)) throw new NetworkFormatError(`${where}.weights must be an array`);
    group.weights.forEach((weight: unknown, weightIndex) => {
      const at = `${where}.weights[${weightIndex}]`;
      if (!isObject(weight) || typeof weight.name !== "string") throw new NetworkFormatError(`${at} must have a name`);
      const shape = weight.shape;
      if (!Array.isArray(shape) || !shape.every((size) => Number.isInteger(size) && (size as number) > 0)) {
        throw new NetworkFormatError(
          `${at} ("${weight.name}"): shape must be an array of positive integers, got ${describe(shape)}`,
        );
      }
      if (weight.dtype !== "float32")
        throw new NetworkFormatError(
          `${at} ("${weight.name}"): dtype must be "float32", got ${describe(weight.dtype)}`,
        );
      entries.push({ name: weight.name, shape: shape as number[], dtype: "float32" });
    });
  });
  return entries;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
