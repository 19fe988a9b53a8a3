/**
 * The semantic model as the server and the CLI use it, on a small real model trained on generated
 * data: morph semantics (flat at weight 0, the centroid at 1, monotone in the weight, negative
 * weights move away), determinism, a save→load round trip, and no tensor leaks.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { logFrequencies, responseDb, meanAbsoluteDifference } from "../../server/src/core/eq/index.js";
import {
  loadSemanticModel,
  METADATA_FILE,
  saveModelFolder,
  type TrainedModelMetadata,
} from "../../server/src/core/network/modelFolder.js";
import { bandsOf } from "../../server/src/core/model/index.js";
import type { SemanticModel } from "../../server/src/core/model/index.js";
import type { Network } from "../../server/src/core/network/index.js";
import { loadFixtureModel } from "../support/fixtureModel.js";

const FREQUENCIES = logFrequencies(200);
let dir: string;
let model: SemanticModel<Network>;
const scratch = mkdtempSync(path.join(tmpdir(), "eqp-semantic-"));

/** Mean |dB| between the responses of two parameter vectors. */
function curveDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return meanAbsoluteDifference(responseDb(bandsOf(a), FREQUENCIES, 44100), responseDb(bandsOf(b), FREQUENCIES, 44100));
}

before(async () => {
  ({ dir, model } = await loadFixtureModel());
});
after(() => {
  model.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe("morph semantics", () => {
  it("weight 0 is the flat latent, weight 1 the word's centroid", () => {
    assert.deepEqual(model.morphLatent([{ word: "warm", weight: 0 }]), model.flatLatent);
    const warm = model.word("warm")!;
    const latent = model.morphLatent([{ word: "warm", weight: 1 }]);
    latent.forEach((value, k) =>
      assert.ok(Math.abs(value - warm.centroid[k]!) < 1e-6, `latent[${k}] ${value} ≠ centroid ${warm.centroid[k]}`),
    );
  });

  it("weight 0 decodes to (nearly) a flat EQ", () => {
    const flat = model.generate([{ word: "warm", weight: 0 }]);
    const gains = [0, 2, 5, 8, 11].map((index) => flat[index]!);
    for (const gain of gains)
      assert.ok(
        Math.abs(gain) < 2,
        `a band of the weight-0 output has ${gain.toFixed(2)} dB: ${Array.from(flat).join(", ")}`,
      );
  });

  it("moves monotonically away from flat and towards the word as the weight grows", () => {
    const flat = model.generate([{ word: "warm", weight: 0 }]);
    const full = model.generate([{ word: "warm", weight: 1 }]);
    let fromFlat = 0;
    let toWord = Number.POSITIVE_INFINITY;
    for (let step = 1; step <= 10; step++) {
      const output = model.generate([{ word: "warm", weight: step / 10 }]);
      const distanceFromFlat = curveDistance(output, flat);
      const distanceToWord = curveDistance(output, full);
      assert.ok(
        distanceFromFlat >= fromFlat - 1e-6,
        `weight ${step / 10}: ${distanceFromFlat} dB from flat, less than ${fromFlat} at the previous weight`,
      );
      assert.ok(
        distanceToWord <= toWord + 1e-6,
        `weight ${step / 10}: ${distanceToWord} dB from warm, more than ${toWord} at the previous weight`,
      );
      fromFlat = distanceFromFlat;
      toWord = distanceToWord;
    }
    assert.ok(fromFlat > 1, `warm 1 is only ${fromFlat} dB from flat: the word has no effect`);
  });

  it("a negative weight moves the other way (warm lifts the low shelf in the fixture data)", () => {
    const lowShelf = (weight: number) => model.generate([{ word: "warm", weight }])[0]!;
    assert.ok(lowShelf(-0.5) < lowShelf(0), `warm −0.5 ${lowShelf(-0.5)} dB, flat ${lowShelf(0)} dB`);
    assert.ok(lowShelf(0) < lowShelf(0.5), `flat ${lowShelf(0)} dB, warm 0.5 ${lowShelf(0.5)} dB`);
  });

  it("weights summing to 1 blend between the words", () => {
    const warm = model.generate([{ word: "warm", weight: 1 }]);
    const bright = model.generate([{ word: "bright", weight: 1 }]);
    const blend = model.generate([
      { word: "warm", weight: 0.5 },
      { word: "bright", weight: 0.5 },
    ]);
    const between = curveDistance(blend, warm) + curveDistance(blend, bright);
    assert.ok(
      between <= curveDistance(warm, bright) * 1.25,
      `the blend is not between the words: ${between} vs ${curveDistance(warm, bright)}`,
    );
  });

  it("is deterministic: the same morph gives the same bands, cached or loaded afresh", () => {
    const terms = [
      { word: "warm", weight: 0.3 },
      { word: "bright", weight: 0.7 },
    ];
    const first = Array.from(model.generate(terms));
    const again = loadSemanticModel(dir).model;
    try {
      assert.deepEqual(Array.from(again.generate(terms)), first);
      assert.deepEqual(Array.from(again.generateMany([terms, terms])[1]!), first);
    } finally {
      again.dispose();
    }
  });
});

describe("the model folder", () => {
  it("round-trips through save and load: same metadata, bit-identical outputs", () => {
    const metadata = JSON.parse(readFileSync(path.join(dir, METADATA_FILE), "utf8")) as TrainedModelMetadata;
    const { network: _network, weightsSha256: _sha, ...info } = metadata.model;
    const copy = path.join(scratch, "copy");
    saveModelFolder(copy, model.network, { ...metadata, model: info });
    const loaded = loadSemanticModel(copy);
    try {
      assert.deepEqual(loaded.metadata, metadata);
      const morphs = model.vocabulary.words().map(({ word }) => [{ word, weight: 0.8 }]);
      assert.deepEqual(
        loaded.model.generateMany(morphs).map((values) => Array.from(values)),
        model.generateMany(morphs).map((values) => Array.from(values)),
      );
    } finally {
      loaded.model.dispose();
    }
  });
});

describe("tensor hygiene", () => {
  it("generate, generateMany, encode and describe leave no tensors behind", () => {
    // Warm up whatever the backend allocates once.
    model.generate([{ word: "bright", weight: 0.42 }]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      model.generate([{ word: "warm", weight: i / 20 }]);
      model.generateMany([[{ word: "airy", weight: i / 10 }], [{ word: "crunchy", weight: -i / 10 }]]);
      const values = model.generate([{ word: "bright", weight: 0.5 + i / 100 }]);
      model.encode(values);
      model.describe(values);
    }
    assert.equal(tf.memory().numTensors, before);
  });
});
