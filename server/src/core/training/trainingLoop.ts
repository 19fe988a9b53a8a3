/**
 * The training loop of the V3 network (network.ts): epochs, batches, one Adam step per batch.
 *
 * Objective: MSE(reconstruction, input) and SupCon(projection head, labels) weighted by λ, annealed
 * linearly from contrastiveWeightStart (first epoch) to contrastiveWeightEnd (last epoch); Adam;
 * a cosine learning-rate decay by step. By default λ weighs gradients at the latent rather than
 * losses (see ContrastiveBalance): with the plain weighted sum, SupCon's much larger gradient
 * dictates the encoder and the held-out reconstruction error is ~10× worse.
 *
 * Two implementations of one step, the same mathematics (see test/bench/train-speed.ts and
 * model/README.md for the measurements):
 * - where the custom tfjs kernel "EqpTrainingStep" is registered (wasm and cpu backends;
 *   trainingStepKernel.ts): one tf.engine().runKernel per step. The parameters and Adam moments
 *   are tfjs tensors between steps; inside, the kernel copies them into the WebAssembly SIMD
 *   module of nativeTrainer.ts (trainKernels.c), runs forward, hand-written backward and Adam
 *   there as ~60 calls over work buffers allocated once per run, and returns the new parameters,
 *   moments and the two losses as new tensors. It takes ~4× less CPU time than the same step
 *   as ~150 tfjs-wasm kernels, each of which allocates its output and, for a matmul, repacks an
 *   XNNPACK operator.
 * - elsewhere (no WebAssembly SIMD, another backend), tfjsTrainingStep.ts: backprop.ts and
 *   fusedAdam.ts as tfjs ops.
 * EQPRESET_TRAINING_STEP=tfjs forces the tfjs-op step (for measuring the two).
 *
 * Determinism: initial weights and batch order come from the seed (random.ts); both steps are
 * single-threaded with a fixed summation order, so one seed gives bit-identical weights on one
 * backend. The two differ in the last bits (different summation orders, exp implementations).
 */
import * as tf from "@tensorflow/tfjs-core";
import { backendStatus, initBackend } from "../network/backend.js";
import { registerFusedAdamKernel } from "../network/fusedAdam.js";
import {
  Network,
  initialParameterValues,
  networkLayout,
  validateNetworkConfig,
  type NetworkConfig,
  type NetworkLayout,
} from "../network/network.js";
import { TfjsTrainingStep } from "./tfjsTrainingStep.js";
import { NativeTrainingStep, registerTrainingStepKernel } from "./trainingStepKernel.js";
import {
  validateTrainingData,
  validateTrainOptions,
  type EpochProgress,
  type TrainingStepInputs,
  type TrainOptions,
} from "./trainOptions.js";
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
  registerTrainingStepKernel(tf.getBackend());

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

/** Which implementation of the step a trainer uses (see the file comment). */
export type TrainingStepKind = "native" | "tfjs";
export const TRAINING_STEP_ENV = "EQPRESET_TRAINING_STEP";

/**
 * The step for a tfjs backend: the EqpTrainingStep kernel where it can be registered (wasm, cpu;
 * registering it here is idempotent), else tfjs ops.
 */
export function trainingStepFor(backend: string = tf.getBackend()): TrainingStepKind {
  if (process.env[TRAINING_STEP_ENV] === "tfjs") return "tfjs";
  return registerTrainingStepKernel(backend) ? "native" : "tfjs";
}

/** One training run's state: the step implementation, the schedule, per-epoch loss sums. */
export class Trainer {
  readonly config: NetworkConfig;
  readonly layout: NetworkLayout;
  readonly stepKind: TrainingStepKind;
  private readonly options: TrainOptions;
  private readonly rows: Float32Array;
  private readonly n: number;
  private readonly labels: Int32Array;
  private readonly shuffler: SeededRandom;
  private readonly native: NativeTrainingStep | undefined;
  private readonly tfjsStep: TfjsTrainingStep | undefined;
  private step = 0;
  private readonly totalSteps: number;
  private reconstructionSum = 0;
  private contrastiveSum = 0;
  private epochRows = 0;
  private epochBatches = 0;

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
    const initial = options.initialParameters ?? initialParameterValues(config, options.seed);
    this.stepKind = trainingStepFor();
    if (this.stepKind === "native") {
      this.native = new NativeTrainingStep(config, this.layout, initial, Math.max(options.batchSize, 2));
    } else {
      this.tfjsStep = new TfjsTrainingStep(this.layout, config.activation, config.inputSize, initial);
    }
    this.totalSteps = options.epochs * batchSizes(n, options.batchSize).length;
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
    this.step++;
    const learningRate = this.learningRateAt(this.step - 1);
    const inputs: TrainingStepInputs = {
      rows: batchRows,
      labels: batchLabels,
      contrastiveWeight,
      temperature: this.options.temperature,
      balance: this.options.contrastiveBalance ?? "gradient",
      learningRate,
      step: this.step,
    };
    if (this.native) {
      const losses = this.native.step(inputs);
      this.reconstructionSum += losses.reconstruction * size;
      this.contrastiveSum += losses.contrastive;
    } else {
      this.tfjsStep!.step(inputs);
    }
    this.epochRows += size;
    this.epochBatches++;
    return learningRate;
  }

  /** Mean losses since the last call, and the validation loss. */
  async readEpochLosses(): Promise<{ reconstruction: number; contrastive: number; validation?: number }> {
    if (this.tfjsStep) {
      const sums = await this.tfjsStep.takeLossSums();
      this.reconstructionSum = sums.reconstruction;
      this.contrastiveSum = sums.contrastive;
    }
    const result = {
      reconstruction: this.reconstructionSum / Math.max(1, this.epochRows),
      contrastive: this.contrastiveSum / Math.max(1, this.epochBatches),
      ...(this.options.validation ? { validation: this.validationLoss(this.options.validation) } : {}),
    };
    this.reconstructionSum = 0;
    this.contrastiveSum = 0;
    this.epochRows = 0;
    this.epochBatches = 0;
    return result;
  }

  /** A network holding copies of the current parameters (the trainer keeps its own). */
  toNetwork(): Network {
    const step = this.native ?? this.tfjsStep!;
    return Network.fromTensors(
      this.config,
      step.parameterTensors.map((tensor) => tf.keep(tensor.clone())),
    );
  }

  dispose(): void {
    this.native?.dispose();
    this.tfjsStep?.dispose();
  }

  /** Mean squared reconstruction error per value on held-out rows. */
  private validationLoss(validation: { rows: Float32Array; n: number }): number {
    const network = this.toNetwork();
    try {
      const reconstruction = network.reconstructRows(validation.rows, validation.n);
      let sum = 0;
      for (let i = 0; i < reconstruction.length; i++) sum += (reconstruction[i]! - validation.rows[i]!) ** 2;
      return sum / reconstruction.length;
    } finally {
      network.dispose();
    }
  }

  private learningRateAt(step: number): number {
    const { learningRate, learningRateSchedule } = this.options;
    if ((learningRateSchedule ?? "cosine") !== "cosine") return learningRate;
    const final = this.options.finalLearningRate ?? learningRate / 100;
    const progress = this.totalSteps <= 1 ? 0 : step / (this.totalSteps - 1);
    return final + (learningRate - final) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
