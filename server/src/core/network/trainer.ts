/**
 * A fast, deterministic trainer for the V3 network (network.ts).
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
import {
  Network,
  blocksForward,
  denseForward,
  initialParameterValues,
  networkLayout,
  validateNetworkConfig,
  type BlockTrace,
  type DenseLayer,
  type HiddenActivation,
  type NetworkConfig,
  type NetworkLayout,
  type ResidualBlock,
} from "./network.js";
import { SeededRandom } from "../model/index.js";

export type LearningRateSchedule = "constant" | "cosine";

/**
 * How the contrastive weight λ is applied.
 * - "loss": the textbook total loss MSE + λ·SupCon. SupCon's gradient is ~100–1000× the MSE's,
 *   so the encoder follows SupCon alone and reconstruction suffers (held-out MSE ~10× worse on
 *   synthetic data, see test/bench/train-speed.ts).
 * - "gradient": at the latent, SupCon's gradient is rescaled to λ times the norm of the
 *   reconstruction gradient (per batch), so λ = 0.5 means "SupCon pulls half as hard as the
 *   reconstruction". The decoder and the projection head are unaffected (each sees one loss,
 *   and Adam is invariant to a loss's scale).
 */
export type ContrastiveBalance = "loss" | "gradient";

export interface TrainOptions {
  epochs: number;
  /** Largest batch size; an epoch uses ceil(n / batchSize) batches of equal size (±1 row). */
  batchSize: number;
  learningRate: number;
  seed: number;
  /** SupCon temperature (≥ 0.05: smaller values would underflow exp() in float32). */
  temperature: number;
  contrastiveWeightStart: number;
  contrastiveWeightEnd: number;
  /**
   * "cosine" (default): from learningRate down to finalLearningRate over all steps, as a function
   * of the step, never of a loss. "constant": learningRate throughout. (There is deliberately no
   * reduce-on-plateau: the total loss rises by design while λ anneals.)
   */
  learningRateSchedule?: LearningRateSchedule;
  /** Last learning rate of the cosine schedule (default learningRate / 100). */
  finalLearningRate?: number;
  /** How λ weighs SupCon against the reconstruction (default "gradient"); see {@link ContrastiveBalance}. */
  contrastiveBalance?: ContrastiveBalance;
  onEpoch?: (progress: EpochProgress) => void;
  /** Rows to report a held-out reconstruction loss on, after every epoch. */
  validation?: { rows: Float32Array; n: number; labels: Int32Array };
  /** Checked after every epoch; true ends training early and returns the network so far. */
  shouldStop?: () => boolean;
}

export interface EpochProgress {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Mean squared error per parameter, over the epoch's rows. */
  reconstructionLoss: number;
  /** Mean SupCon loss over the epoch's batches (without the weight λ). */
  contrastiveLoss: number;
  contrastiveWeight: number;
  learningRate: number;
  validationReconstructionLoss?: number;
  elapsedSeconds: number;
  etaSeconds: number;
}

export const DEFAULT_TRAIN_OPTIONS: Readonly<Omit<TrainOptions, "onEpoch" | "validation" | "shouldStop">> =
  Object.freeze({
    epochs: 150,
    batchSize: 64,
    learningRate: 1e-3,
    seed: 1,
    temperature: 0.1,
    contrastiveWeightStart: 0.1,
    contrastiveWeightEnd: 0.5,
    learningRateSchedule: "cosine",
    contrastiveBalance: "gradient",
  });

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;
const MIN_TEMPERATURE = 0.05;

/** Trains a fresh network (initialised from options.seed) and returns it with the per-epoch history. */
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

/**
 * SupCon targets for one batch. Anchor i counts when another row of the batch shares its label
 * (labels < 0 never do); with A such anchors, anchorWeights[i] = 1/A and
 * positiveWeights[i, j] = 1/(A · |P(i)|) for every positive j of i. The loss is then
 * Σ_i anchorWeights[i] · logsumexp_{k≠i}(s_ik) − Σ_ij positiveWeights[i, j] · s_ij.
 */
export function contrastiveTargets(batchLabels: ArrayLike<number>): {
  positiveWeights: Float32Array;
  anchorWeights: Float32Array;
  anchorCount: number;
} {
  const size = batchLabels.length;
  const positiveCounts = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const label = batchLabels[i]!;
    if (label < 0) continue;
    for (let j = 0; j < size; j++) if (j !== i && batchLabels[j] === label) positiveCounts[i]!++;
  }
  let anchorCount = 0;
  for (let i = 0; i < size; i++) if (positiveCounts[i]! > 0) anchorCount++;
  const positiveWeights = new Float32Array(size * size);
  const anchorWeights = new Float32Array(size);
  if (anchorCount === 0) return { positiveWeights, anchorWeights, anchorCount };
  for (let i = 0; i < size; i++) {
    const count = positiveCounts[i]!;
    if (count === 0) continue;
    anchorWeights[i] = 1 / anchorCount;
    const weight = 1 / (anchorCount * count);
    for (let j = 0; j < size; j++)
      if (j !== i && batchLabels[j] === batchLabels[i]) positiveWeights[i * size + j] = weight;
  }
  return { positiveWeights, anchorWeights, anchorCount };
}

/** The tensors describing one batch. */
export interface BatchInputs {
  /** [b, inputSize] */
  x: tf.Tensor2D;
  /** [b, b], see {@link contrastiveTargets} */
  positiveWeights: tf.Tensor2D;
  /** [b, 1] */
  anchorWeights: tf.Tensor2D;
  /** Σ anchorWeights: 1 when the batch has an anchor, else 0. */
  anchorWeightSum: number;
  /** [b, b]: 0 on the diagonal, 1 elsewhere (a row is not its own negative). */
  offDiagonal: tf.Tensor2D;
}

export interface BatchGradients {
  reconstructionLoss: tf.Scalar;
  contrastiveLoss: tf.Scalar;
  /**
   * Per parameter, in layout order. Balance "loss": d(MSE + λ·SupCon)/dθ. Balance "gradient":
   * the decoder's are d(MSE)/dθ, the projection head's d(SupCon)/dθ, and the encoder's come from
   * the sum at the latent described in {@link ContrastiveBalance}.
   */
  gradients: tf.Tensor[];
}

/**
 * Forward and hand-written backward pass for one batch. Call inside tf.tidy. On wasm each
 * transposed operand gets an explicit tf.transpose, computed once (see the file comment).
 */
export function computeBatchGradients(
  parameters: readonly tf.Tensor[],
  layout: NetworkLayout,
  activation: HiddenActivation,
  batch: BatchInputs,
  contrastiveWeight: number,
  temperature: number,
  balance: ContrastiveBalance = "gradient",
): BatchGradients {
  const gradients: (tf.Tensor | undefined)[] = new Array(parameters.length);
  // wasm: transposed products are ~10× faster as transpose + plain matmul; cpu: the reverse.
  const explicitTransposes = tf.getBackend() === "wasm";
  const transposes = new Map<tf.Tensor, tf.Tensor2D>();
  const transposed = (tensor: tf.Tensor2D): tf.Tensor2D => {
    let result = transposes.get(tensor);
    if (!result) {
      result = tf.transpose(tensor);
      transposes.set(tensor, result);
    }
    return result;
  };
  /** aᵀ·b */
  const matMulTransposeA = (a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D =>
    explicitTransposes ? tf.matMul(transposed(a), b) : tf.matMul(a, b, true, false);
  /** a·bᵀ */
  const matMulTransposeB = (a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D =>
    explicitTransposes ? tf.matMul(a, transposed(b)) : tf.matMul(a, b, false, true);
  const param = (index: number): tf.Tensor2D => parameters[index] as tf.Tensor2D;

  /** Gradients of a dense layer from the gradient at its pre-activation; returns d(input). */
  const denseBackward = (layer: DenseLayer, input: tf.Tensor2D, dPreActivation: tf.Tensor2D): tf.Tensor2D => {
    denseBackwardNoInput(layer, input, dPreActivation);
    return matMulTransposeB(dPreActivation, param(layer.kernel));
  };
  const denseBackwardNoInput = (layer: DenseLayer, input: tf.Tensor2D, dPreActivation: tf.Tensor2D): void => {
    gradients[layer.kernel] = matMulTransposeA(input, dPreActivation);
    gradients[layer.bias] = tf.sum(dPreActivation, 0);
  };
  /** d(pre-activation) from d(output) and the output itself. */
  const activationBackward = (dOutput: tf.Tensor2D, output: tf.Tensor2D): tf.Tensor2D =>
    activation === "elu"
      ? (tf.engine().runKernel("EluGrad", { dy: dOutput, y: output }) as tf.Tensor2D)
      : tf.mul(dOutput, tf.step(output));
  const blocksBackward = (
    blocks: readonly ResidualBlock[],
    traces: readonly BlockTrace[],
    dOutput: tf.Tensor2D,
    needInputGradient: boolean,
  ): tf.Tensor2D | undefined => {
    let dCurrent = dOutput;
    for (let i = blocks.length - 1; i >= 0; i--) {
      const block = blocks[i]!;
      const trace = traces[i]!;
      const dResidualPre = activationBackward(dCurrent, trace.residual);
      const dHidden = tf.add<tf.Tensor2D>(dCurrent, denseBackward(block.residual, trace.hidden, dResidualPre));
      const dHiddenPre = activationBackward(dHidden, trace.hidden);
      if (i === 0 && !needInputGradient) {
        denseBackwardNoInput(block.input, trace.input, dHiddenPre);
        return undefined;
      }
      dCurrent = denseBackward(block.input, trace.input, dHiddenPre);
    }
    return dCurrent;
  };

  // Forward.
  const x = batch.x;
  const encoderTraces: BlockTrace[] = [];
  const encoded = blocksForward(parameters, layout.encoderBlocks, x, activation, encoderTraces);
  const latent = tf.tanh(denseForward(parameters, layout.latent, encoded, "linear"));
  const projectionHidden = denseForward(parameters, layout.projectionHidden, latent, activation);
  const projection = denseForward(parameters, layout.projectionOutput, projectionHidden, "linear");
  const decoderTraces: BlockTrace[] = [];
  const decoded = blocksForward(parameters, layout.decoderBlocks, latent, activation, decoderTraces);
  const reconstruction = denseForward(parameters, layout.output, decoded, "sigmoid");

  // Reconstruction: MSE through the sigmoid, d/dlogits = 2/(b·d) · (r − x) · r · (1 − r).
  const error = tf.sub(reconstruction, x);
  const reconstructionLoss = tf.mean(tf.square(error)) as tf.Scalar;
  const sigmoidSlope = tf.mul(reconstruction, tf.sub(1, reconstruction));
  const dOutputPre = tf.mul<tf.Tensor2D>(tf.mul(error, sigmoidSlope), 2 / x.size);
  const dDecoded = denseBackward(layout.output, decoded, dOutputPre);
  const dLatentFromDecoder = blocksBackward(layout.decoderBlocks, decoderTraces, dDecoded, true)!;

  // Contrastive.
  const contrastive = supervisedContrastive(
    projection,
    batch,
    temperature,
    balance === "gradient" ? 1 : contrastiveWeight,
    matMulTransposeB,
  );
  const dProjectionHidden = denseBackward(layout.projectionOutput, projectionHidden, contrastive.dProjection);
  const dLatentFromProjection = denseBackward(
    layout.projectionHidden,
    latent,
    activationBackward(dProjectionHidden, projectionHidden),
  );

  // Latent: tanh' = 1 − z².
  let contrastiveAtLatent = dLatentFromProjection;
  if (balance === "gradient") {
    // λ as a ratio of gradient norms at the latent (see ContrastiveBalance).
    const norm = (t: tf.Tensor): tf.Tensor => tf.sqrt(tf.sum(tf.square(t)));
    contrastiveAtLatent = tf.mul(
      dLatentFromProjection,
      tf.div(tf.mul(norm(dLatentFromDecoder), contrastiveWeight), tf.add(norm(dLatentFromProjection), 1e-12)),
    );
  }
  const dLatent = tf.add(dLatentFromDecoder, contrastiveAtLatent);
  const dLatentPre = tf.mul<tf.Tensor2D>(dLatent, tf.sub(1, tf.square(latent)));
  const dEncoded = denseBackward(layout.latent, encoded, dLatentPre);
  blocksBackward(layout.encoderBlocks, encoderTraces, dEncoded, false);

  const complete = gradients.map((gradient, i) => {
    if (!gradient) throw new Error(`internal error: no gradient for ${layout.parameters[i]?.name}`);
    return gradient;
  });
  return { reconstructionLoss, contrastiveLoss: contrastive.loss, gradients: complete };
}

/**
 * SupCon (Khosla et al. 2020, "L_out") on the L2-normalised projections, with its gradient
 * scaled by `weight`. Every logit is at most 1/τ (a cosine is ≤ 1), so exp(logit − 1/τ) cannot
 * overflow and needs no max pass; it cannot underflow to an all-zero row for τ ≥ 0.05.
 */
function supervisedContrastive(
  projection: tf.Tensor2D,
  batch: BatchInputs,
  temperature: number,
  weight: number,
  matMulTransposeB: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D,
): { loss: tf.Scalar; dProjection: tf.Tensor2D } {
  const inverseTemperature = 1 / temperature;
  const inverseNorm = tf.rsqrt(tf.add(tf.sum(tf.square(projection), 1, true), 1e-12));
  const q = tf.mul<tf.Tensor2D>(projection, inverseNorm);
  const logits = tf.mul<tf.Tensor2D>(matMulTransposeB(q, q), inverseTemperature);
  const shiftedExp = tf.mul(tf.exp(tf.sub(logits, inverseTemperature)), batch.offDiagonal);
  const denominators = tf.sum(shiftedExp, 1, true);
  const softmax = tf.div(shiftedExp, denominators);
  // Σ_i a_i (log Σ_k exp(l_ik − 1/τ) + 1/τ) − Σ_ij P_ij l_ij
  const loss = tf.add(
    tf.sub(tf.sum(tf.mul(tf.log(denominators), batch.anchorWeights)), tf.sum(tf.mul(batch.positiveWeights, logits))),
    batch.anchorWeightSum * inverseTemperature,
  ) as tf.Scalar;
  // dL/dlogits = a_i · softmax_ik − P_ik; logits = q·qᵀ/τ, so dL/dq = (G + Gᵀ)·q/τ.
  const dLogits = tf.sub(tf.mul(softmax, batch.anchorWeights), batch.positiveWeights);
  const dQ = tf.mul(tf.matMul(tf.add(dLogits, tf.transpose(dLogits)), q), weight * inverseTemperature);
  // Through q = p/‖p‖: dp = (dq − q·(q·dq)) / ‖p‖.
  const dProjection = tf.mul<tf.Tensor2D>(tf.sub(dQ, tf.mul(q, tf.sum(tf.mul(dQ, q), 1, true))), inverseNorm);
  return { loss, dProjection };
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
    this.parameters = initialParameterValues(config, options.seed).map((values, i) =>
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

// ---------------------------------------------------------------------------------------------
// Adam as one kernel

const FUSED_ADAM_KERNEL = "EqpresetFusedAdam";

interface FusedAdamAttrs {
  parameterCount: number;
  /** lr / (1 − β1^t) */
  stepSize: number;
  /** 1 / sqrt(1 − β2^t) */
  secondMomentCorrection: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Structural views of the two backends' public storage methods the kernel uses. */
interface WasmBackendStorage {
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}
interface CpuBackendStorage {
  makeTensorInfo(shape: number[], dtype: "float32", values: Float32Array): tf.TensorInfo;
  readSync(dataId: tf.DataId): unknown;
}

/**
 * PyTorch's Adam on every parameter in one pass:
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε)
 * Parameters and gradients are separate tensors; the moments are one flat buffer each.
 */
function fusedAdamLoop(
  parameters: Float32Array[],
  gradients: Float32Array[],
  m: Float32Array,
  v: Float32Array,
  outParameters: Float32Array[],
  outM: Float32Array,
  outV: Float32Array,
  attrs: FusedAdamAttrs,
): void {
  const { stepSize, secondMomentCorrection, beta1, beta2, epsilon } = attrs;
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  let offset = 0;
  for (let k = 0; k < parameters.length; k++) {
    const p = parameters[k]!;
    const g = gradients[k]!;
    const out = outParameters[k]!;
    for (let i = 0; i < p.length; i++) {
      const gradient = g[i]!;
      const j = offset + i;
      const first = beta1 * m[j]! + keep1 * gradient;
      const second = beta2 * v[j]! + keep2 * gradient * gradient;
      outM[j] = first;
      outV[j] = second;
      out[i] = p[i]! - (stepSize * first) / (Math.sqrt(second) * secondMomentCorrection + epsilon);
    }
    offset += p.length;
  }
}

function splitAdamInputs<T>(inputs: T[], count: number): { parameters: T[]; gradients: T[]; m: T; v: T } {
  return {
    parameters: inputs.slice(0, count),
    gradients: inputs.slice(count, 2 * count),
    m: inputs[2 * count]!,
    v: inputs[2 * count + 1]!,
  };
}

function registerFusedAdamKernels(): void {
  if (!tf.getKernel(FUSED_ADAM_KERNEL, "wasm")) {
    tf.registerKernel({
      kernelName: FUSED_ADAM_KERNEL,
      backendName: "wasm",
      kernelFunc: ({ inputs, backend, attrs }) => {
        const storage = backend as unknown as WasmBackendStorage;
        const adamAttrs = attrs as unknown as FusedAdamAttrs;
        const infos = splitAdamInputs(Object.values(inputs) as tf.TensorInfo[], adamAttrs.parameterCount);
        // Allocate every output before taking views: an allocation may grow the wasm memory,
        // which detaches views taken earlier.
        const outputs = [...infos.parameters, infos.m, infos.v].map((info) =>
          storage.makeOutput([...info.shape], "float32"),
        );
        const view = (info: tf.TensorInfo): Float32Array => storage.typedArrayFromHeap(info);
        const outParameters = outputs.slice(0, adamAttrs.parameterCount).map(view);
        fusedAdamLoop(
          infos.parameters.map(view),
          infos.gradients.map(view),
          view(infos.m),
          view(infos.v),
          outParameters,
          view(outputs[adamAttrs.parameterCount]!),
          view(outputs[adamAttrs.parameterCount + 1]!),
          adamAttrs,
        );
        return outputs;
      },
    });
  }
  if (!tf.getKernel(FUSED_ADAM_KERNEL, "cpu")) {
    tf.registerKernel({
      kernelName: FUSED_ADAM_KERNEL,
      backendName: "cpu",
      kernelFunc: ({ inputs, backend, attrs }) => {
        const storage = backend as unknown as CpuBackendStorage;
        const adamAttrs = attrs as unknown as FusedAdamAttrs;
        const infos = splitAdamInputs(Object.values(inputs) as tf.TensorInfo[], adamAttrs.parameterCount);
        const read = (info: tf.TensorInfo): Float32Array => storage.readSync(info.dataId) as Float32Array;
        const outParameters = infos.parameters.map((info) => new Float32Array(info.shape.reduce((a, b) => a * b, 1)));
        const outM = new Float32Array(read(infos.m).length);
        const outV = new Float32Array(outM.length);
        fusedAdamLoop(
          infos.parameters.map(read),
          infos.gradients.map(read),
          read(infos.m),
          read(infos.v),
          outParameters,
          outM,
          outV,
          adamAttrs,
        );
        return [
          ...outParameters.map((values, i) =>
            storage.makeTensorInfo([...infos.parameters[i]!.shape], "float32", values),
          ),
          storage.makeTensorInfo([outM.length], "float32", outM),
          storage.makeTensorInfo([outV.length], "float32", outV),
        ];
      },
    });
  }
}

registerFusedAdamKernels();

/**
 * One Adam step (t = `step`, 1-based). Uses the fused kernel on wasm and cpu; any other backend
 * gets the same update written with tfjs ops.
 */
export function adamUpdate(
  parameters: readonly tf.Tensor[],
  gradients: readonly tf.Tensor[],
  firstMoments: tf.Tensor1D,
  secondMoments: tf.Tensor1D,
  learningRate: number,
  step: number,
): { parameters: tf.Tensor[]; firstMoments: tf.Tensor1D; secondMoments: tf.Tensor1D } {
  const attrs: FusedAdamAttrs = {
    parameterCount: parameters.length,
    stepSize: learningRate / (1 - ADAM_BETA1 ** step),
    secondMomentCorrection: 1 / Math.sqrt(1 - ADAM_BETA2 ** step),
    beta1: ADAM_BETA1,
    beta2: ADAM_BETA2,
    epsilon: ADAM_EPSILON,
  };
  if (tf.getKernel(FUSED_ADAM_KERNEL, tf.getBackend())) {
    const outputs = tf
      .engine()
      .runKernel(
        FUSED_ADAM_KERNEL,
        [...parameters, ...gradients, firstMoments, secondMoments] as unknown as tf.NamedTensorMap,
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
    return {
      parameters: outputs.slice(0, parameters.length),
      firstMoments: outputs[parameters.length] as tf.Tensor1D,
      secondMoments: outputs[parameters.length + 1] as tf.Tensor1D,
    };
  }
  return tf.tidy(() => {
    const flatGradients = tf.concat(gradients.map((gradient) => tf.reshape(gradient, [-1])));
    const m = tf.add(tf.mul(firstMoments, ADAM_BETA1), tf.mul(flatGradients, 1 - ADAM_BETA1)) as tf.Tensor1D;
    const v = tf.add(
      tf.mul(secondMoments, ADAM_BETA2),
      tf.mul(tf.square(flatGradients), 1 - ADAM_BETA2),
    ) as tf.Tensor1D;
    const updates = tf.div(
      tf.mul(m, attrs.stepSize),
      tf.add(tf.mul(tf.sqrt(v), attrs.secondMomentCorrection), ADAM_EPSILON),
    );
    const pieces = tf.split(
      updates,
      parameters.map((p) => p.size),
    );
    return {
      parameters: parameters.map((p, i) => tf.sub(p, tf.reshape(pieces[i]!, p.shape))),
      firstMoments: m,
      secondMoments: v,
    };
  });
}

export function validateTrainOptions(options: TrainOptions): void {
  const check = (ok: boolean, message: string): void => {
    if (!ok) throw new RangeError(`train options: ${message}`);
  };
  check(
    Number.isInteger(options.epochs) && options.epochs > 0,
    `epochs must be a positive integer, got ${options.epochs}`,
  );
  check(
    Number.isInteger(options.batchSize) && options.batchSize >= 2,
    `batchSize must be an integer ≥ 2, got ${options.batchSize}`,
  );
  check(
    options.learningRate > 0 && Number.isFinite(options.learningRate),
    `learningRate must be positive, got ${options.learningRate}`,
  );
  check(Number.isFinite(options.seed), `seed must be a finite number, got ${options.seed}`);
  check(
    options.temperature >= MIN_TEMPERATURE && Number.isFinite(options.temperature),
    `temperature must be ≥ ${MIN_TEMPERATURE}, got ${options.temperature}`,
  );
  check(options.contrastiveWeightStart >= 0 && options.contrastiveWeightEnd >= 0, "contrastive weights must be ≥ 0");
  check(
    options.learningRateSchedule === undefined ||
      options.learningRateSchedule === "constant" ||
      options.learningRateSchedule === "cosine",
    `learningRateSchedule must be "constant" or "cosine", got ${JSON.stringify(options.learningRateSchedule)}`,
  );
  check(options.finalLearningRate === undefined || options.finalLearningRate >= 0, "finalLearningRate must be ≥ 0");
  check(
    options.contrastiveBalance === undefined ||
      options.contrastiveBalance === "loss" ||
      options.contrastiveBalance === "gradient",
    `contrastiveBalance must be "loss" or "gradient", got ${JSON.stringify(options.contrastiveBalance)}`,
  );
}

function validateTrainingData(rows: Float32Array, n: number, labels: Int32Array, width: number, what: string): void {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`${what}: need at least 2 rows, got ${n}`);
  if (rows.length !== n * width)
    throw new RangeError(`${what}: expected ${n} × ${width} = ${n * width} values, got ${rows.length}`);
  if (labels.length !== n) throw new RangeError(`${what}: expected ${n} labels, got ${labels.length}`);
  for (let i = 0; i < rows.length; i++) {
    const value = rows[i]!;
    if (!(value >= 0 && value <= 1))
      throw new RangeError(
        `${what}: value ${value} at row ${Math.floor(i / width)}, column ${i % width} is outside [0, 1]`,
      );
  }
}
