/**
 * The options of one training run (epochs, batch, learning-rate schedule, contrastive weight and
 * balance), their defaults and their checks, shared by the training loop and the training job.
 */
import { MIN_TEMPERATURE } from "./backprop.js";

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
  /** Start from these parameter values (layout order) instead of the seed's: fine-tuning. */
  initialParameters?: readonly Float32Array[];
}

/** What one training step needs besides the parameters (both step implementations take it). */
export interface TrainingStepInputs {
  /** Row-major [batch, inputSize]. */
  rows: Float32Array;
  /** One per row; < 0: unlabelled (a coverage row), never a SupCon anchor or positive. */
  labels: Int32Array;
  /** λ of this epoch. */
  contrastiveWeight: number;
  temperature: number;
  balance: ContrastiveBalance;
  learningRate: number;
  /** Adam's t, 1-based. */
  step: number;
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

export function validateTrainingData(
  rows: Float32Array,
  n: number,
  labels: Int32Array,
  width: number,
  what: string,
): void {
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
