/**
 * The training step written with tfjs ops (backprop.ts + fusedAdam.ts): the reference the
 * EqpTrainingStep kernel (trainingStepKernel.ts) is checked against, used when that kernel cannot
 * be registered on the active backend or when EQPRESET_TRAINING_STEP=tfjs asks for it. Parameters and Adam moments are tensors; each step is
 * one tf.tidy, and losses accumulate in tensors that are read once per epoch.
 */
import * as tf from "@tensorflow/tfjs-core";
import { computeBatchGradients, contrastiveTargets, type BatchInputs } from "./backprop.js";
import { adamUpdate } from "../network/fusedAdam.js";
import type { HiddenActivation, NetworkLayout } from "../network/network.js";
import type { TrainingStepInputs } from "./trainOptions.js";

export class TfjsTrainingStep {
  private readonly layout: NetworkLayout;
  private readonly activation: HiddenActivation;
  private readonly inputSize: number;
  private parameters: tf.Tensor[];
  private firstMoments: tf.Tensor1D;
  private secondMoments: tf.Tensor1D;
  private reconstructionSum: tf.Scalar;
  private contrastiveSum: tf.Scalar;
  private readonly offDiagonalBySize = new Map<number, tf.Tensor2D>();

  constructor(
    layout: NetworkLayout,
    activation: HiddenActivation,
    inputSize: number,
    initial: readonly Float32Array[],
  ) {
    this.layout = layout;
    this.activation = activation;
    this.inputSize = inputSize;
    this.parameters = initial.map((values, i) => tf.tensor(values, layout.parameters[i]!.shape, "float32"));
    const parameterCount = initial.reduce((sum, values) => sum + values.length, 0);
    this.firstMoments = tf.zeros([parameterCount]);
    this.secondMoments = tf.zeros([parameterCount]);
    this.reconstructionSum = tf.scalar(0);
    this.contrastiveSum = tf.scalar(0);
  }

  /** One Adam step (t = `step`, 1-based); its losses are added to the tensor accumulators. */
  step(inputs: TrainingStepInputs): void {
    const size = inputs.labels.length;
    const targets = contrastiveTargets(inputs.labels);
    const offDiagonal = this.offDiagonal(size);
    const previous = [
      ...this.parameters,
      this.firstMoments,
      this.secondMoments,
      this.reconstructionSum,
      this.contrastiveSum,
    ];
    const next = tf.tidy(() => {
      const batch: BatchInputs = {
        x: tf.tensor2d(inputs.rows, [size, this.inputSize], "float32"),
        positiveWeights: tf.tensor2d(targets.positiveWeights, [size, size], "float32"),
        anchorWeights: tf.tensor2d(targets.anchorWeights, [size, 1], "float32"),
        anchorWeightSum: targets.anchorCount > 0 ? 1 : 0,
        offDiagonal,
      };
      const result = computeBatchGradients(
        this.parameters,
        this.layout,
        this.activation,
        batch,
        inputs.contrastiveWeight,
        inputs.temperature,
        inputs.balance,
      );
      const updated = adamUpdate(
        this.parameters,
        result.gradients,
        this.firstMoments,
        this.secondMoments,
        inputs.learningRate,
        inputs.step,
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
  }

  /** Σ (batch MSE × batch size) and Σ batch SupCon since the last call (one read from the backend). */
  async takeLossSums(): Promise<{ reconstruction: number; contrastive: number }> {
    const packed = tf.stack([this.reconstructionSum, this.contrastiveSum]);
    const values = await packed.data();
    packed.dispose();
    this.reconstructionSum.dispose();
    this.contrastiveSum.dispose();
    this.reconstructionSum = tf.scalar(0);
    this.contrastiveSum = tf.scalar(0);
    return { reconstruction: values[0]!, contrastive: values[1]! };
  }

  /** The current parameter tensors (owned by this object: do not dispose). */
  get parameterTensors(): readonly tf.Tensor[] {
    return this.parameters;
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
