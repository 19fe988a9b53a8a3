/**
 * Finding the latents a network decodes to given settings: gradient descent on the latent through
 * the decoder, from a starting latent (the encoding). After fine-tuning, every word of the base
 * model is anchored to what it decoded to before, so `morph warm` keeps its sound: re-encoding
 * alone lands a fraction of a dB off (the autoencoder's reconstruction error), which a lockfile
 * would rightly report for every morph.
 */
import * as tf from "@tensorflow/tfjs-core";
// The gradients of the ops below (tfjs-core alone registers none; the training loop needs none).
import "@tensorflow/tfjs-core/dist/register_all_gradients.js";
import type { Network } from "../network/network.js";

export interface AnchorOptions {
  steps?: number;
  learningRate?: number;
}

/**
 * The decoder as differentiable tfjs ops. The network's own forward pass uses fused matmul kernels,
 * which have no gradient for its activations (elu, sigmoid); this one is slower and used only here.
 */
function decodeDifferentiable(network: Network, z: tf.Tensor2D): tf.Tensor2D {
  const parameters = network.parameters;
  const activate = (x: tf.Tensor2D, activation: string): tf.Tensor2D =>
    activation === "elu"
      ? tf.elu(x)
      : activation === "relu"
        ? tf.relu(x)
        : activation === "sigmoid"
          ? tf.sigmoid(x)
          : x;
  const dense = (x: tf.Tensor2D, layer: { kernel: number; bias: number }, activation: string) =>
    activate(tf.add(tf.matMul(x, parameters[layer.kernel] as tf.Tensor2D), parameters[layer.bias]!), activation);
  let current = z;
  for (const block of network.layout.decoderBlocks) {
    const hidden = dense(current, block.input, network.config.activation);
    current = tf.add(hidden, dense(hidden, block.residual, network.config.activation));
  }
  return dense(current, network.layout.output, "sigmoid");
}

/**
 * Latents (row-major [n, latentSize]) whose decoding is closest to `targets` (normalised, row-major
 * [n, inputSize]), starting from `start`. Kept inside the tanh range of the encoder's latents.
 */
export function anchorLatents(
  network: Network,
  targets: Float32Array,
  start: Float32Array,
  n: number,
  options: AnchorOptions = {},
): Float32Array {
  if (n === 0) return new Float32Array(0);
  const steps = options.steps ?? 120;
  const learningRate = options.learningRate ?? 0.02;
  const size = network.config.latentSize;
  const target = tf.tensor2d(targets, [n, network.config.inputSize], "float32");
  const latent = tf.variable(tf.tensor2d(start, [n, size], "float32"));
  const optimizer = tf.train.adam(learningRate);
  try {
    for (let step = 0; step < steps; step++) {
      tf.tidy(() => {
        optimizer.minimize(() => tf.mean(tf.square(tf.sub(decodeDifferentiable(network, latent), target))), false, [
          latent,
        ]);
        latent.assign(tf.clipByValue(latent, -0.999, 0.999));
      });
    }
    return Float32Array.from(latent.dataSync() as Float32Array);
  } finally {
    optimizer.dispose();
    latent.dispose();
    target.dispose();
  }
}
