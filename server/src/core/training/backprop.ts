/**
 * Forward and hand-written backward pass of the V3 network for one batch: MSE reconstruction
 * through the sigmoid, SupCon on the projection head, and how λ balances the two at the latent.
 * No autodiff tape: every forward layer is one fused matmul+bias+activation kernel, and on wasm
 * every transposed product is an explicit transpose plus a plain matmul (tfjs-wasm runs transposed
 * matmuls through a slow generic loop, ~10× slower than XNNPACK).
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  blocksForward,
  denseForward,
  type BlockTrace,
  type DenseLayer,
  type HiddenActivation,
  type NetworkLayout,
  type ResidualBlock,
} from "../network/network.js";
import type { ContrastiveBalance } from "./trainOptions.js";

/** SupCon temperatures below this would underflow exp() in float32. */
export const MIN_TEMPERATURE = 0.05;

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
