/**
 * The V3 network: an autoencoder over the 13 normalised EQ parameters, with a projection head on
 * the latent for the supervised contrastive loss. Written with plain tfjs ops (no tf.layers): the
 * trainer (trainingLoop.ts) runs a hand-written backward pass over the same parameters, and inference
 * is a handful of fused matmuls.
 *
 * Shapes with the default configuration:
 *   encoder     13 → [64] → [128] → [64] → 32 (tanh)            each [k] is a residual block
 *   decoder     32 → [64] → [128] → [64] → 13 (sigmoid)         a mirror of the encoder
 *   projection  32 → 128 (activation) → 128                     used only by the training loss
 *
 * A residual block maps width `in` to width `k`:
 *   h = act(x·W_in + b_in)          changes the width (no skip across a width change)
 *   y = h + act(h·W_res + b_res)    identity skip over a second layer of the same width
 * The skip needs no projection matrix, so it costs one add forward and one add backward, and the
 * block is two fused matmul+bias+activation kernels. No layer norm: with 3 blocks and inputs in
 * [0, 1] the network trains well without it, and in tfjs a layer norm costs ~15 extra kernels per
 * block per step (test/bench/train-speed.ts measures the variants).
 */
import * as tf from "@tensorflow/tfjs-core";
import { SeededRandom } from "../model/index.js";

export type HiddenActivation = "elu" | "relu";

export interface NetworkConfig {
  /** Number of (normalised) EQ parameters per row. */
  inputSize: number;
  /** Widths of the encoder's residual blocks; the decoder uses them in reverse order. */
  hidden: number[];
  latentSize: number;
  /** Width of the projection head's output (the space of the contrastive loss). */
  projectionSize: number;
  /** Width of the projection head's hidden layer. */
  projectionHidden: number;
  /** Activation inside the residual blocks and the projection head (fused into the matmuls). */
  activation: HiddenActivation;
}

export const DEFAULT_NETWORK_CONFIG: NetworkConfig = Object.freeze({
  inputSize: 13,
  hidden: Object.freeze([64, 128, 64]) as unknown as number[],
  latentSize: 32,
  projectionSize: 128,
  projectionHidden: 128,
  activation: "elu",
});

export interface ParameterSpec {
  /** Stable name, used as the weight's name in model.json. */
  name: string;
  shape: [number] | [number, number];
}

/** Indices into the parameter list of one dense layer's kernel [in, out] and bias [out]. */
export interface DenseLayer {
  kernel: number;
  bias: number;
}

export interface ResidualBlock {
  input: DenseLayer;
  residual: DenseLayer;
}

export interface NetworkLayout {
  parameters: ParameterSpec[];
  encoderBlocks: ResidualBlock[];
  latent: DenseLayer;
  projectionHidden: DenseLayer;
  projectionOutput: DenseLayer;
  decoderBlocks: ResidualBlock[];
  output: DenseLayer;
}

/** Throws a RangeError naming the first invalid field. */
export function validateNetworkConfig(config: NetworkConfig): void {
  const positiveInteger = (value: unknown, field: string): void => {
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
      throw new RangeError(`network config: ${field} must be a positive integer, got ${JSON.stringify(value)}`);
    }
  };
  positiveInteger(config.inputSize, "inputSize");
  positiveInteger(config.latentSize, "latentSize");
  positiveInteger(config.projectionSize, "projectionSize");
  positiveInteger(config.projectionHidden, "projectionHidden");
  if (!Array.isArray(config.hidden) || config.hidden.length === 0) {
    throw new RangeError("network config: hidden must be a non-empty array of widths");
  }
  config.hidden.forEach((width, i) => positiveInteger(width, `hidden[${i}]`));
  if (config.activation !== "elu" && config.activation !== "relu") {
    throw new RangeError(
      `network config: activation must be "elu" or "relu", got ${JSON.stringify(config.activation)}`,
    );
  }
}

/** The parameter list (names, shapes, order) and where each layer's tensors are in it. */
export function networkLayout(config: NetworkConfig): NetworkLayout {
  const parameters: ParameterSpec[] = [];
  const dense = (name: string, inputs: number, outputs: number): DenseLayer => {
    parameters.push({ name: `${name}.kernel`, shape: [inputs, outputs] });
    parameters.push({ name: `${name}.bias`, shape: [outputs] });
    return { kernel: parameters.length - 2, bias: parameters.length - 1 };
  };
  const blocks = (
    prefix: string,
    inputWidth: number,
    widths: readonly number[],
  ): { blocks: ResidualBlock[]; width: number } => {
    let width = inputWidth;
    const result = widths.map((blockWidth, i) => {
      const block = {
        input: dense(`${prefix}.block${i}.input`, width, blockWidth),
        residual: dense(`${prefix}.block${i}.residual`, blockWidth, blockWidth),
      };
      width = blockWidth;
      return block;
    });
    return { blocks: result, width };
  };
  const encoder = blocks("encoder", config.inputSize, config.hidden);
  const latent = dense("encoder.latent", encoder.width, config.latentSize);
  const projectionHidden = dense("projection.hidden", config.latentSize, config.projectionHidden);
  const projectionOutput = dense("projection.output", config.projectionHidden, config.projectionSize);
  const decoder = blocks("decoder", config.latentSize, [...config.hidden].reverse());
  const output = dense("decoder.output", decoder.width, config.inputSize);
  return {
    parameters,
    encoderBlocks: encoder.blocks,
    latent,
    projectionHidden,
    projectionOutput,
    decoderBlocks: decoder.blocks,
    output,
  };
}

/**
 * Initial values, drawn in parameter order from one seeded generator. Uniform draws only, so they
 * are the same in every JavaScript engine. Kernels followed by the hidden activation get He
 * uniform (variance 2/fan_in); the others (tanh latent, sigmoid output, projection output) get
 * Glorot uniform; biases start at zero.
 */
export function initialParameterValues(config: NetworkConfig, seed: number): Float32Array[] {
  validateNetworkConfig(config);
  const layout = networkLayout(config);
  const random = new SeededRandom(seed);
  const glorot = new Set([layout.latent.kernel, layout.output.kernel, layout.projectionOutput.kernel]);
  return layout.parameters.map((spec, index) => {
    const values = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    if (spec.shape.length === 2) {
      const [fanIn, fanOut] = spec.shape;
      const limit = glorot.has(index) ? Math.sqrt(6 / (fanIn + fanOut)) : Math.sqrt(6 / fanIn);
      for (let i = 0; i < values.length; i++) values[i] = random.uniform(-limit, limit);
    }
    return values;
  });
}

/** Forward-pass intermediates of one residual block, kept by the trainer for the backward pass. */
export interface BlockTrace {
  input: tf.Tensor2D;
  hidden: tf.Tensor2D;
  residual: tf.Tensor2D;
  output: tf.Tensor2D;
}

export function denseForward(
  parameters: readonly tf.Tensor[],
  layer: DenseLayer,
  x: tf.Tensor2D,
  activation: "linear" | "sigmoid" | HiddenActivation,
): tf.Tensor2D {
  return tf.fused.matMul({
    a: x,
    b: parameters[layer.kernel] as tf.Tensor2D,
    bias: parameters[layer.bias],
    activation,
  }) as tf.Tensor2D;
}

/** Runs residual blocks; pushes each block's intermediates onto `traces` when given. */
export function blocksForward(
  parameters: readonly tf.Tensor[],
  blocks: readonly ResidualBlock[],
  x: tf.Tensor2D,
  activation: HiddenActivation,
  traces?: BlockTrace[],
): tf.Tensor2D {
  let current = x;
  for (const block of blocks) {
    const hidden = denseForward(parameters, block.input, current, activation);
    const residual = denseForward(parameters, block.residual, hidden, activation);
    const output = tf.add<tf.Tensor2D>(hidden, residual);
    traces?.push({ input: current, hidden, residual, output });
    current = output;
  }
  return current;
}

/**
 * The network's parameters (tensors on the active tfjs backend) and inference. Call
 * `await initBackend()` (backend.ts) once before creating one; dispose() frees the tensors.
 */
export class Network {
  readonly config: NetworkConfig;
  readonly layout: NetworkLayout;
  private readonly parameterTensors: tf.Tensor[];
  private disposed = false;

  private constructor(config: NetworkConfig, parameters: tf.Tensor[]) {
    this.config = config;
    this.layout = networkLayout(config);
    this.parameterTensors = parameters;
  }

  /** A freshly initialised network (see {@link initialParameterValues}). Needs an initialised backend. */
  static create(config: NetworkConfig, seed: number): Network {
    return Network.fromValues(config, initialParameterValues(config, seed));
  }

  /** A network holding copies of `values` (one array per parameter, in layout order). */
  static fromValues(config: NetworkConfig, values: readonly Float32Array[]): Network {
    validateNetworkConfig(config);
    const specs = networkLayout(config).parameters;
    if (values.length !== specs.length)
      throw new RangeError(`expected ${specs.length} parameter arrays, got ${values.length}`);
    const tensors = specs.map((spec, i) => {
      const array = values[i]!;
      const size = spec.shape.reduce((a, b) => a * b, 1);
      if (array.length !== size)
        throw new RangeError(`parameter ${spec.name}: expected ${size} values, got ${array.length}`);
      return tf.keep(tf.tensor(array, spec.shape, "float32"));
    });
    return new Network(cloneConfig(config), tensors);
  }

  /** Takes ownership of `tensors` (layout order, shapes already checked by the caller). */
  static fromTensors(config: NetworkConfig, tensors: tf.Tensor[]): Network {
    validateNetworkConfig(config);
    const specs = networkLayout(config).parameters;
    specs.forEach((spec, i) => {
      const tensor = tensors[i];
      if (!tensor || !tf.util.arraysEqual(tensor.shape, spec.shape)) {
        throw new RangeError(
          `parameter ${spec.name}: expected shape [${spec.shape.join(", ")}], got ${tensor ? `[${tensor.shape.join(", ")}]` : "nothing"}`,
        );
      }
    });
    if (tensors.length !== specs.length)
      throw new RangeError(`expected ${specs.length} parameter tensors, got ${tensors.length}`);
    return new Network(cloneConfig(config), tensors);
  }

  /** The parameter tensors in layout order (owned by the network: do not dispose). */
  get parameters(): readonly tf.Tensor[] {
    this.assertUsable();
    return this.parameterTensors;
  }

  /** [n, inputSize] in [0, 1] → [n, latentSize] in (-1, 1). */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    this.assertUsable();
    return tf.tidy(() => {
      const hidden = blocksForward(this.parameterTensors, this.layout.encoderBlocks, x, this.config.activation);
      return tf.tanh(denseForward(this.parameterTensors, this.layout.latent, hidden, "linear"));
    });
  }

  /** [n, latentSize] → [n, inputSize] in [0, 1]. */
  decode(z: tf.Tensor2D): tf.Tensor2D {
    this.assertUsable();
    return tf.tidy(() => {
      const hidden = blocksForward(this.parameterTensors, this.layout.decoderBlocks, z, this.config.activation);
      return denseForward(this.parameterTensors, this.layout.output, hidden, "sigmoid");
    });
  }

  /** Row-major [n, inputSize] → row-major [n, latentSize]. */
  encodeRows(rows: Float32Array, n: number): Float32Array {
    checkRows(rows, n, this.config.inputSize, "encodeRows");
    return this.runRows((x) => this.encode(x), rows, n, this.config.inputSize);
  }

  /** Row-major [n, latentSize] → row-major [n, inputSize]. */
  decodeRows(latents: Float32Array, n: number): Float32Array {
    checkRows(latents, n, this.config.latentSize, "decodeRows");
    return this.runRows((z) => this.decode(z), latents, n, this.config.latentSize);
  }

  /** Encode then decode: the reconstruction of each row. */
  reconstructRows(rows: Float32Array, n: number): Float32Array {
    checkRows(rows, n, this.config.inputSize, "reconstructRows");
    return this.runRows((x) => this.decode(this.encode(x)), rows, n, this.config.inputSize);
  }

  parameterCount(): number {
    return this.layout.parameters.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** Copies of the parameter values, in layout order. */
  readParameterValues(): Float32Array[] {
    return this.parameters.map((tensor) => Float32Array.from(tensor.dataSync() as Float32Array));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const tensor of this.parameterTensors) tensor.dispose();
  }

  private runRows(
    fn: (input: tf.Tensor2D) => tf.Tensor2D,
    values: Float32Array,
    n: number,
    width: number,
  ): Float32Array {
    this.assertUsable();
    if (n === 0) return new Float32Array(0);
    return tf.tidy(() => {
      const result = fn(tf.tensor2d(values.subarray(0, n * width), [n, width], "float32"));
      // A copy: on the cpu backend dataSync hands out the tensor's own storage.
      return Float32Array.from(result.dataSync() as Float32Array);
    });
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error("this network has been disposed");
  }
}

function checkRows(values: Float32Array, n: number, width: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what}: n must be a non-negative integer, got ${n}`);
  if (values.length !== n * width)
    throw new RangeError(`${what}: expected ${n} × ${width} = ${n * width} values, got ${values.length}`);
}

function cloneConfig(config: NetworkConfig): NetworkConfig {
  return { ...config, hidden: [...config.hidden] };
}
