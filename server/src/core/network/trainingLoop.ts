/**
 * The training loop of the V3 network (network.ts): epochs, batches, one Adam step per batch.
 *
 * Objective: MSE(reconstruction, input) and SupCon(projection head, labels) weighted by λ, annealed
 * linearly from contrastiveWeightStart (first epoch) to contrastiveWeightEnd (last epoch); Adam;
 * a cosine learning-rate decay by step. By default λ weighs gradients at the latent rather than
 * losses (see ContrastiveBalance): with the plain weighted sum, SupCon's much larger gradient
 * dictates the encoder and the held-out reconstruction error is ~10× worse.
 *
 * Why it is fast (see test/bench/train-speed.ts for the measurements):
 * - The backward pass is written by hand with tfjs ops: no autodiff tape, and every forward layer
 *   is one fused matmul+bias+activation kernel.
 * - tfjs-wasm runs a transposed matmul (transposeA/transposeB) through a slow generic loop, ~10×
 *   slower than XNNPACK: every transposed product is written as an explicit transpose followed by
 *   a plain matmul, and each transpose is computed once per step.
 * - Adam is one custom kernel over all parameters (moments in one flat buffer): a single pass in
 *   JavaScript over the backend's memory, instead of ~12 element-wise tfjs kernels per update,
 *   which cost ~7 ms per step on wasm for 110k parameters. The parameters themselves stay separate
 *   tensors: on wasm every tf.slice of a flat buffer copies the whole buffer first.
 * - Each step is one tf.tidy; losses accumulate in tensors and are read once per epoch.
 *
 * Determinism: initial weights and batch order come from the seed (random.ts); wasm and cpu
 * kernels are single-threaded and deterministic, so one seed gives bit-identical weights on one
 * backend. The two backends differ in the last bits (different matmul summation orders).
 */
import * as tf from "@tensorflow/tfjs-core";
import { backendStatus, initBackend } from "./backend.js";
import { computeBatchGradients, contrastiveTargets, type BatchInputs } from "./backprop.js";
import { adamUpdate, registerFusedAdamKernel } from "./fusedAdam.js";
import {
  Network,
  blocksForward,
  denseForward,
  initialParameterValues,
  networkLayout,
  validateNetworkConfig,
  type NetworkConfig,
  type NetworkLayout,
} from "./network.js";
import { validateTrainingData, validateTrainOptions, type EpochProgress, type TrainOptions } from "./trainOptions.js";
import { SeededRandom } from "../model/index.js";

export async function trainNetwork(
  rows: Float32Array,
  n: number,
  labels: Int32Array,
  config: NetworkConfig,
  options: TrainOptions,
): Promise<{ network: Network; history: EpochProgress[] }> {
  validateNetworkConfig(config);
  validateTrainingData(rows, n, labels, config.inputSize, "training data");
  validateTrainOptions(options);
  if (options.validation)
    validateTrainingData(
      options.validation.rows,
      options.validation.n,
      options.validation.labels,
      config.inputSize,
      "validation data",
    );
  if (backendStatus() === undefined) await initBackend();
  // A backend activated by tf.setBackend directly (not through initBackend) gets its kernel here.
  registerFusedAdamKernel(tf.getBackend());

  const trainer = new Trainer(config, options, rows, n, labels);
  const history: EpochProgress[] = [];
  const start = performance.now();
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const contrastiveWeight = contrastiveWeightAt(epoch, options);
      const learningRate = trainer.runEpoch(contrastiveWeight);
      const losses = await trainer.readEpochLosses();
      const elapsedSeconds = (performance.now() - start) / 1000;
      const progress: EpochProgress = {
        epoch: epoch + 1,
        epochs: options.epochs,
        reconstructionLoss: losses.reconstruction,
        contrastiveLoss: losses.contrastive,
        contrastiveWeight,
        learningRate,
        elapsedSeconds,
        etaSeconds: (elapsedSeconds / (epoch + 1)) * (options.epochs - epoch - 1),
      };
      if (losses.validation !== undefined) progress.validationReconstructionLoss = losses.validation;
      history.push(progress);
      options.onEpoch?.(progress);
      if (options.shouldStop?.()) break;
      // Let I/O callbacks run between epochs (a language server stays responsive while training).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { network: trainer.toNetwork(), history };
  } finally {
    trainer.dispose();
  }
}

/** λ for a 0-based epoch: linear from start (first epoch) to end (last epoch). */
export function contrastiveWeightAt(
  epoch: number,
  options: Pick<TrainOptions, "epochs" | "contrastiveWeightStart" | "contrastiveWeightEnd">,
): number {
  if (options.epochs <= 1) return options.contrastiveWeightStart;
  return (
    options.contrastiveWeightStart +
    ((options.contrastiveWeightEnd - options.contrastiveWeightStart) * epoch) / (options.epochs - 1)
  );
}

/** Balanced batch sizes: ceil(n / batchSize) batches whose sizes differ by at most one row. */
export function batchSizes(n: number, batchSize: number): number[] {
  const count = Math.ceil(n / batchSize);
  const base = Math.floor(n / count);
  const larger = n - base * count;
  return Array.from({ length: count }, (_, i) => (i < larger ? base + 1 : base));
}

/** One training run's state: parameters, Adam moments, per-epoch loss accumulators. */
export class Trainer {
  readonly config: NetworkConfig;
  readonly layout: NetworkLayout;
  private readonly options: TrainOptions;
  private readonly rows: Float32Array;
  private readonly n: number;
  private readonly labels: Int32Array;
  private readonly shuffler: SeededRandom;
  private parameters: tf.Tensor[];
  private firstMoments: tf.Tensor1D;
  private secondMoments: tf.Tensor1D;
  private step = 0;
  private readonly totalSteps: number;
  private reconstructionSum: tf.Scalar;
  private contrastiveSum: tf.Scalar;
  private epochRows = 0;
  private epochBatches = 0;
  private readonly offDiagonalBySize = new Map<number, tf.Tensor2D>();
  private readonly validationRows: tf.Tensor2D | undefined;

  constructor(config: NetworkConfig, options: TrainOptions, rows: Float32Array, n: number, labels: Int32Array) {
    this.config = config;
    this.layout = networkLayout(config);
    this.options = options;
    this.rows = rows;
    this.n = n;
    this.labels = labels;
    // Batch order uses its own stream, so the initial weights do not depend on the epoch count.
    this.shuffler = new SeededRandom(Math.imul((options.seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0);
    // Fine-tuning starts from a trained network's values; training from scratch from the seed's.
    this.parameters = (options.initialParameters ?? initialParameterValues(config, options.seed)).map((values, i) =>
      tf.tensor(values, this.layout.parameters[i]!.shape, "float32"),
    );
    const parameterCount = this.layout.parameters.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1), 0);
    this.firstMoments = tf.zeros([parameterCount]);
    this.secondMoments = tf.zeros([parameterCount]);
    this.reconstructionSum = tf.scalar(0);
    this.contrastiveSum = tf.scalar(0);
    this.totalSteps = options.epochs * batchSizes(n, options.batchSize).length;
    this.validationRows = options.validation
      ? tf.tensor2d(options.validation.rows, [options.validation.n, config.inputSize], "float32")
      : undefined;
  }

  /** One epoch over all rows in a fresh seeded order; returns the learning rate of its last step. */
  runEpoch(contrastiveWeight: number): number {
    const width = this.config.inputSize;
    const order = this.shuffler.permutation(this.n);
    let offset = 0;
    let learningRate = this.options.learningRate;
    for (const size of batchSizes(this.n, this.options.batchSize)) {
      const batchRows = new Float32Array(size * width);
      const batchLabels = new Int32Array(size);
      for (let i = 0; i < size; i++) {
        const row = order[offset + i]!;
        batchRows.set(this.rows.subarray(row * width, row * width + width), i * width);
        batchLabels[i] = this.labels[row]!;
      }
      offset += size;
      learningRate = this.trainStep(batchRows, batchLabels, contrastiveWeight);
    }
    return learningRate;
  }

  /** One Adam step on one batch; returns the learning rate used. */
  trainStep(batchRows: Float32Array, batchLabels: Int32Array, contrastiveWeight: number): number {
    const size = batchLabels.length;
    const targets = contrastiveTargets(batchLabels);
    const offDiagonal = this.offDiagonal(size);
    this.step++;
    const learningRate = this.learningRateAt(this.step - 1);
    const previous = [
      ...this.parameters,
      this.firstMoments,
      this.secondMoments,
      this.reconstructionSum,
      this.contrastiveSum,
    ];
    const next = tf.tidy(() => {
      const batch: BatchInputs = {
        x: tf.tensor2d(batchRows, [size, this.config.inputSize], "float32"),
        positiveWeights: tf.tensor2d(targets.positiveWeights, [size, size], "float32"),
        anchorWeights: tf.tensor2d(targets.anchorWeights, [size, 1], "float32"),
        anchorWeightSum: targets.anchorCount > 0 ? 1 : 0,
        offDiagonal,
      };
      const result = computeBatchGradients(
        this.parameters,
        this.layout,
        this.config.activation,
        batch,
        contrastiveWeight,
        this.options.temperature,
        this.options.contrastiveBalance ?? "gradient",
      );
      const updated = adamUpdate(
        this.parameters,
        result.gradients,
        this.firstMoments,
        this.secondMoments,
        learningRate,
        this.step,
      );
      return {
        ...updated,
        reconstructionSum: tf.add(this.reconstructionSum, tf.mul(result.reconstructionLoss, size)) as tf.Scalar,
        contrastiveSum: tf.add(this.contrastiveSum, result.contrastiveLoss) as tf.Scalar,
      };
    });
    for (const tensor of previous) tensor.dispose();
    this.parameters = next.parameters;
    this.firstMoments = next.firstMoments;
    this.secondMoments = next.secondMoments;
    this.reconstructionSum = next.reconstructionSum;
    this.contrastiveSum = next.contrastiveSum;
    this.epochRows += size;
    this.epochBatches++;
    return learningRate;
  }

  /** Mean losses since the last call (one read from the backend), and the validation loss. */
  async readEpochLosses(): Promise<{ reconstruction: number; contrastive: number; validation?: number }> {
    const packed = tf.tidy(() => {
      const values: tf.Tensor[] = [this.reconstructionSum, this.contrastiveSum];
      if (this.validationRows) values.push(this.reconstructionError(this.validationRows));
      return tf.stack(values);
    });
    const values = await packed.data();
    packed.dispose();
    const result = {
      reconstruction: values[0]! / Math.max(1, this.epochRows),
      contrastive: values[1]! / Math.max(1, this.epochBatches),
      ...(this.validationRows ? { validation: values[2]! } : {}),
    };
    this.reconstructionSum.dispose();
    this.contrastiveSum.dispose();
    this.reconstructionSum = tf.scalar(0);
    this.contrastiveSum = tf.scalar(0);
    this.epochRows = 0;
    this.epochBatches = 0;
    return result;
  }

  /** A network holding copies of the current parameters (the trainer keeps its own). */
  toNetwork(): Network {
    return Network.fromTensors(
      this.config,
      this.parameters.map((tensor) => tf.keep(tensor.clone())),
    );
  }

  dispose(): void {
    for (const tensor of [
      ...this.parameters,
      this.firstMoments,
      this.secondMoments,
      this.reconstructionSum,
      this.contrastiveSum,
    ])
      tensor.dispose();
    for (const tensor of this.offDiagonalBySize.values()) tensor.dispose();
    this.offDiagonalBySize.clear();
    this.validationRows?.dispose();
  }

  private reconstructionError(rows: tf.Tensor2D): tf.Scalar {
    const { parameters, layout } = this;
    const activation = this.config.activation;
    const encoded = blocksForward(parameters, layout.encoderBlocks, rows, activation);
    const latent = tf.tanh(denseForward(parameters, layout.latent, encoded, "linear"));
    const decoded = blocksForward(parameters, layout.decoderBlocks, latent, activation);
    return tf.mean(tf.square(tf.sub(denseForward(parameters, layout.output, decoded, "sigmoid"), rows))) as tf.Scalar;
  }

  private learningRateAt(step: number): number {
    const { learningRate, learningRateSchedule } = this.options;
    if ((learningRateSchedule ?? "cosine") !== "cosine") return learningRate;
    const final = this.options.finalLearningRate ?? learningRate / 100;
    const progress = this.totalSteps <= 1 ? 0 : step / (this.totalSteps - 1);
    return final + (learningRate - final) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }

  private offDiagonal(size: number): tf.Tensor2D {
    let mask = this.offDiagonalBySize.get(size);
    if (!mask) {
      const values = new Float32Array(size * size).fill(1);
      for (let i = 0; i < size; i++) values[i * size + i] = 0;
      mask = tf.tensor2d(values, [size, size], "float32");
      this.offDiagonalBySize.set(size, mask);
    }
    return mask;
  }
}
