import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
// The full package registers the gradients of every op, for the autodiff reference below
// (the model itself imports tfjs-core only and needs none).
import "@tensorflow/tfjs";
import { backendStatus, initBackend } from "../../server/src/core/network/backend.js";
import {
  DEFAULT_NETWORK_CONFIG,
  Network,
  networkLayout,
  type NetworkLayout,
} from "../../server/src/core/network/network.js";
import { SeededRandom, mulberry32 } from "../../server/src/core/model/index.js";
import { SMALL_CONFIG, sameBits } from "../support/networkFixtures.js";
import { adamUpdate } from "../../server/src/core/network/index.js";
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from "../../server/src/core/training/index.js";
import { batchSizes, contrastiveWeightAt, trainNetwork } from "../../server/src/core/training/index.js";
import { computeBatchGradients, contrastiveTargets } from "../../server/src/core/training/index.js";

const WIDTH = 13;

/** `n` rows around three label-specific centres, smooth enough for a few epochs to show progress. */
function labelledRows(n: number, seed: number): { rows: Float32Array; labels: Int32Array; n: number } {
  const random = new SeededRandom(seed);
  const centres = [0, 1, 2].map(() => Array.from({ length: WIDTH }, () => random.uniform(0.25, 0.75)));
  const rows = new Float32Array(n * WIDTH);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 3;
    labels[i] = label;
    const phase = random.uniform(-1, 1);
    for (let j = 0; j < WIDTH; j++)
      rows[i * WIDTH + j] = Math.min(
        1,
        Math.max(0, centres[label]![j]! + 0.2 * Math.sin(phase * 3 + j) + 0.02 * random.normal()),
      );
  }
  return { rows, labels, n };
}

function options(overrides: Partial<TrainOptions>): TrainOptions {
  return { ...DEFAULT_TRAIN_OPTIONS, ...overrides };
}

/**
 * The training loss written independently with differentiable tfjs ops (textbook SupCon with a
 * log-softmax), for checking the hand-written backward pass against tfjs autodiff.
 */
function referenceLoss(
  parameters: tf.Tensor[],
  layout: NetworkLayout,
  x: tf.Tensor2D,
  labels: number[],
  weight: number,
  temperature: number,
): tf.Scalar {
  const dense = (layer: { kernel: number; bias: number }, input: tf.Tensor2D): tf.Tensor2D =>
    tf.add(tf.matMul(input, parameters[layer.kernel] as tf.Tensor2D), parameters[layer.bias]!);
  const blocks = (list: NetworkLayout["encoderBlocks"], input: tf.Tensor2D): tf.Tensor2D =>
    list.reduce((current, block) => {
      const hidden = tf.elu(dense(block.input, current));
      return tf.add(hidden, tf.elu(dense(block.residual, hidden)));
    }, input);
  const latent = tf.tanh(dense(layout.latent, blocks(layout.encoderBlocks, x)));
  const reconstruction = tf.sigmoid(dense(layout.output, blocks(layout.decoderBlocks, latent)));
  const mse = tf.mean(tf.square(tf.sub(reconstruction, x)));
  const projection = dense(layout.projectionOutput, tf.elu(dense(layout.projectionHidden, latent)));
  const q = tf.div(projection, tf.norm(projection, 2, 1, true));
  const size = labels.length;
  const diagonal = tf.tensor2d(
    Array.from({ length: size * size }, (_, k) => (Math.floor(k / size) === k % size ? 1 : 0)),
    [size, size],
  );
  const logits = tf.sub(tf.div(tf.matMul(q, q, false, true), temperature), tf.mul(diagonal, 1e9));
  const logProbabilities = tf.logSoftmax(logits);
  let total: tf.Tensor = tf.scalar(0);
  let anchors = 0;
  labels.forEach((label, i) => {
    const positives = labels.map((other, j): number => (j !== i && label >= 0 && other === label ? 1 : 0));
    const count = positives.reduce((a, b) => a + b, 0);
    if (count === 0) return;
    anchors++;
    const row = tf.squeeze(tf.slice(logProbabilities, [i, 0], [1, size]));
    total = tf.sub(total, tf.div(tf.sum(tf.mul(row, tf.tensor1d(positives))), count));
  });
  const supcon = anchors > 0 ? tf.div(total, anchors) : total;
  return tf.add(mse, tf.mul(supcon, weight)) as tf.Scalar;
}

describe("V3 network and trainer", () => {
  before(async () => {
    await initBackend();
  });

  it("runs on the wasm backend, found without configuration", () => {
    const status = backendStatus();
    assert.equal(status?.name, "wasm", `fell back: ${status?.fallbackReason}`);
    assert.ok(status?.wasmDirectory);
  });

  it("seeded random numbers repeat and shuffles are permutations", () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    for (let i = 0; i < 5; i++) assert.equal(a(), b());
    const order = new SeededRandom(3).permutation(50);
    assert.deepEqual(
      [...order].sort((x, y) => x - y),
      [...Array(50).keys()],
    );
    assert.deepEqual(new SeededRandom(3).permutation(50), order);
  });

  it("builds batches, the λ schedule and the SupCon targets as documented", () => {
    assert.deepEqual(batchSizes(1100, 64), [62, 62, ...Array<number>(16).fill(61)]);
    assert.equal(
      batchSizes(1100, 64).reduce((a, b) => a + b, 0),
      1100,
    );
    assert.deepEqual(batchSizes(128, 64), [64, 64]);
    const schedule = { epochs: 150, contrastiveWeightStart: 0.1, contrastiveWeightEnd: 0.5 };
    assert.equal(contrastiveWeightAt(0, schedule), 0.1);
    assert.ok(Math.abs(contrastiveWeightAt(149, schedule) - 0.5) < 1e-12);
    // Rows 0,1 share label 0; 2,5 share label 1; 3 is alone; 4 is unlabelled (-1).
    const targets = contrastiveTargets([0, 0, 1, 2, -1, 1]);
    assert.equal(targets.anchorCount, 4);
    assert.deepEqual([...targets.anchorWeights], [0.25, 0.25, 0.25, 0, 0, 0.25]);
    assert.equal(targets.positiveWeights[0 * 6 + 1], 0.25);
    assert.equal(targets.positiveWeights[5 * 6 + 2], 0.25);
    assert.equal(
      targets.positiveWeights.reduce((a, b) => a + b, 0),
      1,
    );
    assert.equal(contrastiveTargets([-1, -1, 3]).anchorCount, 0);
  });

  it("hand-written gradients equal tfjs autodiff", () => {
    const layout = networkLayout(SMALL_CONFIG);
    const network = Network.create(SMALL_CONFIG, 11);
    const data = labelledRows(12, 5);
    const labels = [...data.labels];
    labels[11] = -1;
    const weight = 0.3;
    const temperature = 0.1;
    tf.tidy(() => {
      const x = tf.tensor2d(data.rows, [12, WIDTH]);
      const targets = contrastiveTargets(labels);
      const batch = {
        x,
        positiveWeights: tf.tensor2d(targets.positiveWeights, [12, 12]),
        anchorWeights: tf.tensor2d(targets.anchorWeights, [12, 1]),
        anchorWeightSum: 1,
        offDiagonal: tf.sub(1, tf.eye(12)) as tf.Tensor2D,
      };
      const parameters = [...network.parameters];
      const manual = computeBatchGradients(parameters, layout, "elu", batch, weight, temperature, "loss");
      const reference = tf.grads((...p: tf.Tensor[]) => referenceLoss(p, layout, x, labels, weight, temperature))(
        parameters,
      );
      const referenceValue = referenceLoss(parameters, layout, x, labels, weight, temperature).dataSync()[0]!;
      const manualValue = manual.reconstructionLoss.dataSync()[0]! + weight * manual.contrastiveLoss.dataSync()[0]!;
      assert.ok(
        Math.abs(manualValue - referenceValue) < 1e-4 * Math.max(1, Math.abs(referenceValue)),
        `loss ${manualValue} vs ${referenceValue}`,
      );
      layout.parameters.forEach((spec, i) => {
        const got = manual.gradients[i]!.dataSync();
        const want = reference[i]!.dataSync();
        const scale = Math.max(1e-6, ...Array.from(want, Math.abs));
        const worst = Math.max(...Array.from(got, (value, k) => Math.abs(value - want[k]!)));
        assert.ok(worst <= 2e-3 * scale, `${spec.name}: max difference ${worst} (largest gradient ${scale})`);
      });
      // With the gradient balance, the decoder still sees the reconstruction gradient alone.
      const balanced = computeBatchGradients(parameters, layout, "elu", batch, weight, temperature, "gradient");
      for (const block of layout.decoderBlocks) {
        assert.deepEqual(
          balanced.gradients[block.input.kernel]!.dataSync(),
          manual.gradients[block.input.kernel]!.dataSync(),
        );
      }
    });
    network.dispose();
  });

  it("the fused Adam kernel matches Adam's formula", () => {
    const before = tf.memory().numTensors;
    const parameter = [0.5, -1, 2];
    const gradient = [0.1, -0.2, 0.3];
    tf.tidy(() => {
      let state: ReturnType<typeof adamUpdate> = {
        parameters: [tf.tensor1d(parameter)],
        firstMoments: tf.zeros([3]) as tf.Tensor1D,
        secondMoments: tf.zeros([3]) as tf.Tensor1D,
      };
      for (let step = 1; step <= 2; step++)
        state = adamUpdate(
          state.parameters,
          [tf.tensor1d(gradient)],
          state.firstMoments,
          state.secondMoments,
          0.01,
          step,
        );
      const got = state.parameters[0]!.dataSync();
      parameter.forEach((p, i) => {
        let m = 0;
        let v = 0;
        let value = p;
        for (let t = 1; t <= 2; t++) {
          m = 0.9 * m + 0.1 * gradient[i]!;
          v = 0.999 * v + 0.001 * gradient[i]! ** 2;
          value -= (0.01 * (m / (1 - 0.9 ** t))) / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8);
        }
        assert.ok(Math.abs(got[i]! - value) < 1e-6, `parameter ${i}: ${got[i]} vs ${value}`);
      });
    });
    assert.equal(tf.memory().numTensors, before);
  });

  it("a short training run lowers the reconstruction loss, without leaking tensors", async () => {
    const data = labelledRows(300, 1);
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const { network, history } = await trainNetwork(
      data.rows,
      data.n,
      data.labels,
      DEFAULT_NETWORK_CONFIG,
      options({ epochs: 8, seed: 3, onEpoch: (p) => seen.push(p.epoch), validation: labelledRows(60, 2) }),
    );
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(history.length, 8);
    const first = history[0]!;
    const last = history[7]!;
    assert.ok(
      last.reconstructionLoss < first.reconstructionLoss * 0.5,
      `reconstruction ${first.reconstructionLoss} → ${last.reconstructionLoss}`,
    );
    assert.ok(last.validationReconstructionLoss! < first.validationReconstructionLoss!, "validation loss falls too");
    assert.ok(Number.isFinite(last.contrastiveLoss) && last.contrastiveLoss > 0);
    assert.ok(Math.abs(last.contrastiveWeight - 0.5) < 1e-12 && first.contrastiveWeight === 0.1);
    assert.ok(last.learningRate < first.learningRate, "cosine schedule decays");
    network.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it("stops early when asked", async () => {
    const data = labelledRows(60, 1);
    const { network, history } = await trainNetwork(
      data.rows,
      data.n,
      data.labels,
      SMALL_CONFIG,
      options({ epochs: 50, shouldStop: () => true }),
    );
    assert.equal(history.length, 1);
    network.dispose();
  });

  it("the same seed gives bit-identical weights; another seed does not", async () => {
    const data = labelledRows(150, 4);
    const train = async (seed: number): Promise<Float32Array[]> => {
      const { network } = await trainNetwork(
        data.rows,
        data.n,
        data.labels,
        DEFAULT_NETWORK_CONFIG,
        options({ epochs: 3, seed }),
      );
      const values = network.readParameterValues();
      network.dispose();
      return values;
    };
    const first = await train(9);
    assert.ok(sameBits(first, await train(9)));
    assert.ok(!sameBits(first, await train(10)));
  });

  it("encodes and decodes rows without leaking tensors; decodes within [0, 1]", () => {
    const network = Network.create(DEFAULT_NETWORK_CONFIG, 1);
    const data = labelledRows(20, 1);
    const before = tf.memory().numTensors;
    const latents = network.encodeRows(data.rows, data.n);
    assert.equal(latents.length, 20 * 32);
    assert.ok(latents.every((value) => value > -1 && value < 1));
    const extremes = new Float32Array(3 * 32);
    extremes.fill(100, 0, 32);
    extremes.fill(-100, 32, 64);
    for (let i = 64; i < 96; i++) extremes[i] = (i % 2 ? 1 : -1) * 1e6;
    for (const decoded of [network.decodeRows(latents, 20), network.decodeRows(extremes, 3)]) {
      assert.ok(
        decoded.every((value) => value >= 0 && value <= 1),
        "decoded values stay in [0, 1]",
      );
    }
    assert.equal(network.encodeRows(new Float32Array(0), 0).length, 0);
    assert.throws(() => network.encodeRows(new Float32Array(5), 1), /expected 1 × 13 = 13 values, got 5/);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(network.parameterCount(), 109_485);
    network.dispose();
    assert.throws(() => network.encodeRows(data.rows, data.n), /disposed/);
  });

  it("trains on the cpu backend too, close to the wasm result", async () => {
    const data = labelledRows(64, 6);
    const train = async (): Promise<Float32Array[]> => {
      const { network } = await trainNetwork(
        data.rows,
        data.n,
        data.labels,
        SMALL_CONFIG,
        options({ epochs: 2, seed: 2 }),
      );
      const values = network.readParameterValues();
      network.dispose();
      return values;
    };
    const onWasm = await train();
    try {
      assert.equal(await initBackend("cpu"), "cpu");
      const onCpu = await train();
      const worst = Math.max(
        ...onCpu.map((array, i) => Math.max(...Array.from(array, (value, k) => Math.abs(value - onWasm[i]![k]!)))),
      );
      assert.ok(worst < 1e-4, `largest difference ${worst}`);
    } finally {
      assert.equal(await initBackend("wasm"), "wasm");
    }
  });
});
