import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../server/src/core/network/backend.js";
import {
  DEFAULT_NETWORK_CONFIG,
  initialParameterValues,
  networkLayout,
  type NetworkConfig,
} from "../../server/src/core/network/network.js";
import { DEFAULT_TRAIN_OPTIONS } from "../../server/src/core/training/index.js";
import { TRAINING_STEP_ENV, Trainer, trainNetwork } from "../../server/src/core/training/index.js";
import { computeBatchGradients, contrastiveTargets } from "../../server/src/core/training/index.js";
import { NativeTrainingStep, TRAINING_STEP_KERNEL } from "../../server/src/core/training/trainingStepKernel.js";
import { instantiateKernels } from "../../server/src/core/training/trainKernels.js";
import { TRAIN_KERNELS_SOURCE_SHA256 } from "../../server/src/core/training/trainKernelsWasm.js";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";

const WIDTH = 13;
const RELU_CONFIG: NetworkConfig = {
  inputSize: WIDTH,
  hidden: [8, 12, 5],
  latentSize: 3,
  projectionSize: 6,
  projectionHidden: 7,
  activation: "relu",
};

/** A deterministic batch; label −1 (a coverage row) on every seventh row. */
function batch(size: number): { rows: Float32Array; labels: Int32Array } {
  const rows = new Float32Array(size * WIDTH).map((_, i) => (Math.sin(i * 1.7) + 1) / 2);
  const labels = new Int32Array(size).map((_, i) => (i % 7 === 0 ? -1 : i % 5));
  return { rows, labels };
}

/** The kernels `run` launches (tfjs's kernel-tracking hook, synchronous backends only). */
function profileKernels<T>(run: () => T): { result: T; kernels: string[] } {
  const kernels: string[] = [];
  const engine = tf.engine() as unknown as {
    runKernel(name: string, ...rest: unknown[]): unknown;
  };
  const original = engine.runKernel.bind(engine);
  engine.runKernel = (name: string, ...rest: unknown[]) => {
    kernels.push(name);
    return original(name, ...rest);
  };
  try {
    return { result: run(), kernels };
  } finally {
    engine.runKernel = original;
  }
}

function largestRelativeDifference(got: Float32Array, want: ArrayLike<number>): number {
  let scale = 1e-12;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  return worst / scale;
}

describe("the EqpTrainingStep kernel (trainingStepKernel.ts, nativeTrainer.ts)", () => {
  before(async () => {
    assert.equal(await initBackend("wasm"), "wasm");
  });

  it("the embedded module is built from the C source in the repository", () => {
    const source = readFileSync(path.resolve("server", "src", "core", "training", "trainKernels.c"));
    assert.equal(
      createHash("sha256").update(source).digest("hex").slice(0, 16),
      TRAIN_KERNELS_SOURCE_SHA256,
      "trainKernels.c changed: run server/src/core/training/trainKernels.sh",
    );
  });

  for (const [name, config, size] of [
    ["default network, batch 63", DEFAULT_NETWORK_CONFIG, 63],
    ["odd widths with ReLU, batch 10", RELU_CONFIG, 10],
  ] as const) {
    for (const balance of ["gradient", "loss"] as const) {
      it(`gradients and losses equal the tfjs step's: ${name}, ${balance} balance`, () => {
        const layout = networkLayout(config);
        const initial = initialParameterValues(config, 3);
        const { rows, labels } = batch(size);
        const native = new NativeTrainingStep(config, layout, initial, 64);
        // Learning rate 0: the step leaves the parameters as they were, so its gradients are comparable.
        const before = tf.memory().numTensors;
        const { result: losses, kernels } = profileKernels(() =>
          native.step({
            rows,
            labels,
            contrastiveWeight: 0.3,
            temperature: 0.1,
            balance,
            learningRate: 0,
            step: 1,
          }),
        );
        // One tfjs kernel per step (plus the batch's two tensors), and no tensor left behind.
        assert.deepEqual(kernels, [TRAINING_STEP_KERNEL]);
        assert.equal(tf.memory().numTensors, before);
        const got = native.gradientValues();
        tf.tidy(() => {
          const targets = contrastiveTargets(labels);
          const reference = computeBatchGradients(
            initial.map((values, i) => tf.tensor(values, layout.parameters[i]!.shape)),
            layout,
            config.activation,
            {
              x: tf.tensor2d(rows, [size, WIDTH]),
              positiveWeights: tf.tensor2d(targets.positiveWeights, [size, size]),
              anchorWeights: tf.tensor2d(targets.anchorWeights, [size, 1]),
              anchorWeightSum: targets.anchorCount > 0 ? 1 : 0,
              offDiagonal: tf.sub(1, tf.eye(size)) as tf.Tensor2D,
            },
            0.3,
            0.1,
            balance,
          );
          const reconstruction = reference.reconstructionLoss.dataSync()[0]!;
          const contrastive = reference.contrastiveLoss.dataSync()[0]!;
          assert.ok(Math.abs(losses.reconstruction - reconstruction) < 1e-6 * reconstruction, "reconstruction loss");
          assert.ok(Math.abs(losses.contrastive - contrastive) < 1e-5 * contrastive, "contrastive loss");
          layout.parameters.forEach((spec, i) => {
            const difference = largestRelativeDifference(got[i]!, reference.gradients[i]!.dataSync());
            assert.ok(difference < 1e-4, `${spec.name}: relative difference ${difference}`);
          });
        });
        assert.deepEqual(
          native.parameterTensors.map((tensor) => tensor.dataSync()),
          initial,
        );
        native.dispose();
      });
    }
  }

  it("the Adam kernel follows Adam's formula (PyTorch's form)", () => {
    const kernels = instantiateKernels();
    const n = 7;
    const base = kernels.memory.buffer.byteLength;
    kernels.memory.grow(1);
    const memory = new Float32Array(kernels.memory.buffer, base, 4 * 8);
    const [p, g] = [0, 8].map((offset) => memory.subarray(offset, offset + n));
    const parameters = [0.5, -1, 2, 0, 3, -0.25, 1e-3];
    const gradients = [0.1, -0.2, 0.3, 0, 1e-6, -4, 0.5];
    p!.set(parameters);
    const want = [...parameters];
    const first = new Array<number>(n).fill(0);
    const second = new Array<number>(n).fill(0);
    for (let t = 1; t <= 3; t++) {
      g!.set(gradients.map((value) => value * t));
      kernels.adam(
        n,
        base,
        base + 32,
        base + 64,
        base + 96,
        0.01 / (1 - 0.9 ** t),
        1 / Math.sqrt(1 - 0.999 ** t),
        0.9,
        0.999,
        1e-8,
      );
      for (let i = 0; i < n; i++) {
        const gradient = gradients[i]! * t;
        first[i] = 0.9 * first[i]! + 0.1 * gradient;
        second[i] = 0.999 * second[i]! + 0.001 * gradient ** 2;
        want[i]! -= (0.01 * (first[i]! / (1 - 0.9 ** t))) / (Math.sqrt(second[i]! / (1 - 0.999 ** t)) + 1e-8);
      }
    }
    want.forEach((value, i) => assert.ok(Math.abs(p![i]! - value) < 1e-6, `parameter ${i}: ${p![i]} vs ${value}`));
  });

  it("the trainer uses the kernel on wasm; two runs with one seed are bit-identical", async () => {
    const rows = new Float32Array(200 * WIDTH).map((_, i) => (Math.cos(i * 0.37) + 1) / 2);
    const labels = new Int32Array(200).map((_, i) => i % 4);
    const options = { ...DEFAULT_TRAIN_OPTIONS, epochs: 2, seed: 7 };
    const trainer = new Trainer(DEFAULT_NETWORK_CONFIG, options, rows, 200, labels);
    assert.equal(trainer.stepKind, "native");
    trainer.dispose();
    const train = async (): Promise<Float32Array[]> => {
      const { network } = await trainNetwork(rows, 200, labels, DEFAULT_NETWORK_CONFIG, options);
      const values = network.readParameterValues();
      network.dispose();
      return values;
    };
    assert.deepEqual(await train(), await train());
  });

  it("the cpu backend runs the same kernel (bit-identical weights); EQPRESET_TRAINING_STEP=tfjs forces tfjs ops", async () => {
    const rows = new Float32Array(80 * WIDTH).map((_, i) => (Math.sin(i * 0.61) + 1) / 2);
    const labels = new Int32Array(80).map((_, i) => i % 3);
    const options = { ...DEFAULT_TRAIN_OPTIONS, epochs: 2, seed: 5 };
    const train = async (): Promise<Float32Array[]> => {
      const { network } = await trainNetwork(rows, 80, labels, RELU_CONFIG, options);
      const values = network.readParameterValues();
      network.dispose();
      return values;
    };
    const kind = (): string => {
      const trainer = new Trainer(RELU_CONFIG, options, rows, 80, labels);
      trainer.dispose();
      return trainer.stepKind;
    };
    const onWasm = await train();
    try {
      assert.equal(await initBackend("cpu"), "cpu");
      assert.equal(kind(), "native");
      assert.deepEqual(await train(), onWasm);
    } finally {
      assert.equal(await initBackend("wasm"), "wasm");
    }
    process.env[TRAINING_STEP_ENV] = "tfjs";
    try {
      assert.equal(kind(), "tfjs");
      const reference = await train();
      const worst = Math.max(...reference.map((array, i) => largestRelativeDifference(array, onWasm[i]!)));
      assert.ok(worst < 1e-3, `tfjs-op step against the kernel: relative difference ${worst}`);
    } finally {
      delete process.env[TRAINING_STEP_ENV];
    }
  });
});
