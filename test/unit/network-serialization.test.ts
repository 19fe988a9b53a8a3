/**
 * The network's own file format (serialization.ts): a save → load round trip gives the same
 * outputs bit for bit, and every kind of broken model.json or weights file is refused by name.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { initBackend } from "../../server/src/core/network/backend.js";
import { DEFAULT_NETWORK_CONFIG, Network } from "../../server/src/core/network/network.js";
import {
  NETWORK_FORMAT,
  NETWORK_FORMAT_VERSION,
  NetworkFormatError,
  deserializeNetwork,
  serializeNetwork,
} from "../../server/src/core/network/serialization.js";
import { SMALL_CONFIG, sameBits } from "../support/networkFixtures.js";

describe("V3 network files", () => {
  before(async () => {
    await initBackend();
  });

  it("serialises and deserialises to identical outputs", () => {
    const network = Network.create(DEFAULT_NETWORK_CONFIG, 5);
    const { modelJson, weights } = serializeNetwork(network);
    const json = JSON.parse(JSON.stringify(modelJson)) as unknown;
    assert.equal(weights.byteLength, network.parameterCount() * 4);
    const restored = deserializeNetwork(json, weights);
    assert.deepEqual(restored.config, network.config);
    assert.ok(sameBits(restored.readParameterValues(), network.readParameterValues()));
    const latents = new Float32Array(4 * 32).map((_, i) => Math.sin(i));
    assert.deepEqual(restored.decodeRows(latents, 4), network.decodeRows(latents, 4));
    restored.dispose();
    network.dispose();
  });

  it("rejects a broken model with a clear message", () => {
    const network = Network.create(SMALL_CONFIG, 5);
    const { modelJson, weights } = serializeNetwork(network);
    network.dispose();
    const copy = (): {
      format: string;
      version: number;
      config: Record<string, unknown>;
      weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
    } => JSON.parse(JSON.stringify(modelJson));
    const rejects = (json: unknown, bytes: Uint8Array, message: RegExp): void => {
      assert.throws(
        () => deserializeNetwork(json, bytes),
        (error: unknown) => error instanceof NetworkFormatError && message.test(error.message),
      );
    };
    assert.equal(copy().format, NETWORK_FORMAT);
    assert.equal(copy().version, NETWORK_FORMAT_VERSION);

    const wrongVersion = copy();
    wrongVersion.version = 2;
    rejects(wrongVersion, weights, /unsupported version 2 \(this build reads version 1\)/);
    rejects(
      { ...copy(), format: "something-else" },
      weights,
      /format must be "eqpreset-v3-network", got "something-else"/,
    );
    rejects("not json object", weights, /expected an object/);

    const missing = copy();
    missing.weightsManifest[0]!.weights = missing.weightsManifest[0]!.weights.filter(
      (w) => w.name !== "decoder.output.bias",
    );
    rejects(missing, weights, /missing weight "decoder.output.bias"/);

    const wrongShape = copy();
    wrongShape.weightsManifest[0]!.weights[0]!.shape = [13, 9];
    rejects(wrongShape, weights, /weight "encoder.block0.input.kernel" has shape \[13, 9\], expected \[13, 8\]/);

    rejects(
      copy(),
      weights.subarray(0, weights.byteLength - 4),
      /weights: expected \d+ bytes .* got \d+ \(truncated file\?\)/,
    );
    const longer = new Uint8Array(weights.byteLength + 4);
    longer.set(weights);
    rejects(copy(), longer, /weights: expected \d+ bytes/);

    const badConfig = copy();
    badConfig.config.latentSize = 0;
    rejects(badConfig, weights, /latentSize must be a positive integer/);

    const nonFinite = weights.slice();
    new DataView(nonFinite.buffer).setFloat32(0, Number.NaN, true);
    rejects(copy(), nonFinite, /non-finite value/);
  });
});
