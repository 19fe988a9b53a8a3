/**
 * The work of the EqpTrainingStep tfjs kernel (trainingStepKernel.ts): the forward pass, the
 * hand-written backward pass and Adam of backprop.ts and fusedAdam.ts, run as ~60 calls into one
 * WebAssembly SIMD module (trainKernels.c), instead of ~150 tfjs kernels that each allocate their
 * output and, for a matmul, repack an XNNPACK operator.
 *
 * Between steps the parameters and Adam moments are tfjs tensors; the kernel copies them into
 * this module's memory ({@link NativeTrainer.load}), runs {@link NativeTrainer.step}, and copies
 * the results out into the kernel's output tensors ({@link NativeTrainer.store}). Only the work
 * buffers (activations, gradients, scratch) live here for the whole run: one instance, with its
 * own WebAssembly memory, per Trainer.
 *
 * Same mathematics as computeBatchGradients + adamUpdate (test/unit/native-trainer.test.ts
 * checks the gradients against them); float32 throughout, one thread, a fixed summation order:
 * one seed gives bit-identical weights.
 */
import { contrastiveTargets } from "./backprop.js";
import type { DenseLayer, HiddenActivation, NetworkConfig, NetworkLayout, ResidualBlock } from "../network/network.js";
import type { TrainingStepInputs } from "./trainOptions.js";
import { ACTIVATION, instantiateKernels, type Kernels } from "./trainKernels.js";

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

/** Forward buffers of one residual block (byte offsets into the module's memory). */
interface BlockBuffers {
  input: number;
  hidden: number;
  residual: number;
  output: number;
}

export interface NativeStepLosses {
  /** Mean squared error per value over the batch. */
  reconstruction: number;
  contrastive: number;
}

/** One training run's parameters, Adam moments and work buffers inside one kernel instance. */
export class NativeTrainer {
  private readonly kernels: Kernels;
  private readonly f32: Float32Array;
  private readonly layout: NetworkLayout;
  private readonly config: NetworkConfig;
  private readonly activation: number;
  private readonly parameterOffsets: number[];
  private readonly parameterCount: number;
  /** Length of the flat buffers (the moments): every parameter padded to a multiple of 4 floats. */
  readonly flatLength: number;
  private readonly params: number;
  private readonly grads: number;
  private readonly firstMoments: number;
  private readonly secondMoments: number;
  private readonly maxBatch: number;
  private readonly x: number;
  private readonly encoder: BlockBuffers[];
  private readonly decoder: BlockBuffers[];
  private readonly latent: number;
  private readonly projectionHidden: number;
  private readonly projection: number;
  private readonly reconstruction: number;
  private readonly dOutput: number;
  private readonly dCurrent: number;
  private readonly t1: number;
  private readonly t2: number;
  private readonly dLatentDecoder: number;
  private readonly dLatentProjection: number;
  private readonly dLatentPre: number;
  private readonly dProjection: number;
  private readonly positives: number;
  private readonly anchors: number;
  private readonly denominators: number;
  private readonly scratch: number;

  constructor(config: NetworkConfig, layout: NetworkLayout, maxBatch: number) {
    this.kernels = instantiateKernels();
    this.config = config;
    this.layout = layout;
    this.activation = ACTIVATION[config.activation satisfies HiddenActivation];
    this.maxBatch = maxBatch;

    // A bump allocator above the module's own data and stack; 16-byte aligned for the SIMD loads.
    let next = this.kernels.memory.buffer.byteLength;
    const alloc = (floats: number): number => {
      const offset = next;
      next += Math.ceil(floats / 4) * 16;
      return offset;
    };
    const sizes = layout.parameters.map((spec) => spec.shape.reduce((a, b) => a * b, 1));
    this.parameterCount = sizes.reduce((a, b) => a + b, 0);
    // Each parameter starts on a 16-byte boundary inside the flat buffers.
    const padded = sizes.map((size) => Math.ceil(size / 4) * 4);
    const flat = padded.reduce((a, b) => a + b, 0);
    this.parameterOffsets = padded.map((_, i) => padded.slice(0, i).reduce((a, b) => a + b, 0) * 4);
    this.flatLength = flat;
    this.params = alloc(flat);
    this.grads = alloc(flat);
    this.firstMoments = alloc(flat);
    this.secondMoments = alloc(flat);

    const b = maxBatch;
    const widths = [
      config.inputSize,
      config.latentSize,
      config.projectionHidden,
      config.projectionSize,
      ...config.hidden,
    ];
    const widest = Math.max(...widths);
    this.x = alloc(b * config.inputSize);
    const blockBuffers = (input: number, blockWidths: readonly number[]): BlockBuffers[] => {
      const result: BlockBuffers[] = [];
      let current = input;
      for (const width of blockWidths) {
        const block = {
          input: current,
          hidden: alloc(b * width),
          residual: alloc(b * width),
          output: alloc(b * width),
        };
        result.push(block);
        current = block.output;
      }
      return result;
    };
    this.encoder = blockBuffers(this.x, config.hidden);
    this.latent = alloc(b * config.latentSize);
    this.projectionHidden = alloc(b * config.projectionHidden);
    this.projection = alloc(b * config.projectionSize);
    this.decoder = blockBuffers(this.latent, [...config.hidden].reverse());
    this.reconstruction = alloc(b * config.inputSize);
    this.dOutput = alloc(b * config.inputSize);
    this.dCurrent = alloc(b * widest);
    this.t1 = alloc(b * widest);
    this.t2 = alloc(b * widest);
    this.dLatentDecoder = alloc(b * config.latentSize);
    this.dLatentProjection = alloc(b * config.latentSize);
    this.dLatentPre = alloc(b * config.latentSize);
    this.dProjection = alloc(b * config.projectionSize);
    this.positives = alloc(b * b);
    this.anchors = alloc(b);
    this.denominators = alloc(b);
    const transposeScratch = Math.max(
      ...layout.parameters.map((spec) => (spec.shape.length === 2 ? spec.shape[0] * spec.shape[1] : 0)),
    );
    this.scratch = alloc(Math.max(transposeScratch, 3 * b * config.projectionSize + 2 * b * b + b));

    const memory = this.kernels.memory;
    const pages = Math.ceil((next - memory.buffer.byteLength) / 65536);
    if (pages > 0) memory.grow(pages);
    // The memory never grows again, so this view stays attached.
    this.f32 = new Float32Array(memory.buffer);
  }

  /**
   * Copies a step's state in: the parameters (layout order, unpadded) and the two Adam moments
   * (flat, {@link flatLength} floats: the padded layout of this module, one set each).
   */
  load(parameters: readonly Float32Array[], firstMoments: Float32Array, secondMoments: Float32Array): void {
    parameters.forEach((values, i) => this.f32.set(values, (this.params + this.parameterOffsets[i]!) / 4));
    this.f32.set(firstMoments, this.firstMoments / 4);
    this.f32.set(secondMoments, this.secondMoments / 4);
  }

  /** Copies the state out after a step, into arrays shaped as {@link load}'s. */
  store(parameters: readonly Float32Array[], firstMoments: Float32Array, secondMoments: Float32Array): void {
    parameters.forEach((out, i) => {
      const start = (this.params + this.parameterOffsets[i]!) / 4;
      out.set(this.f32.subarray(start, start + out.length));
    });
    firstMoments.set(this.f32.subarray(this.firstMoments / 4, this.firstMoments / 4 + this.flatLength));
    secondMoments.set(this.f32.subarray(this.secondMoments / 4, this.secondMoments / 4 + this.flatLength));
  }

  /** One Adam step (t = `step`, 1-based) on one batch, on the state last {@link load}ed; returns its losses. */
  step(inputs: TrainingStepInputs): NativeStepLosses {
    const size = inputs.labels.length;
    if (size > this.maxBatch) throw new RangeError(`batch of ${size} rows, at most ${this.maxBatch}`);
    const { kernels: k, config, layout } = this;
    const targets = contrastiveTargets(inputs.labels);
    this.f32.set(inputs.rows.subarray(0, size * config.inputSize), this.x / 4);
    this.f32.set(targets.positiveWeights, this.positives / 4);
    this.f32.set(targets.anchorWeights, this.anchors / 4);

    // Forward.
    this.blocksForward(layout.encoderBlocks, this.encoder, size, config.inputSize);
    const encoded = this.encoder[this.encoder.length - 1]!.output;
    const encodedWidth = config.hidden[config.hidden.length - 1]!;
    this.dense(layout.latent, size, encodedWidth, config.latentSize, encoded, this.latent, ACTIVATION.tanh);
    this.dense(
      layout.projectionHidden,
      size,
      config.latentSize,
      config.projectionHidden,
      this.latent,
      this.projectionHidden,
      this.activation,
    );
    this.dense(
      layout.projectionOutput,
      size,
      config.projectionHidden,
      config.projectionSize,
      this.projectionHidden,
      this.projection,
      ACTIVATION.linear,
    );
    this.blocksForward(layout.decoderBlocks, this.decoder, size, config.latentSize);
    const decoded = this.decoder[this.decoder.length - 1]!.output;
    const decodedWidth = config.hidden[0]!;
    this.dense(layout.output, size, decodedWidth, config.inputSize, decoded, this.reconstruction, ACTIVATION.sigmoid);

    // Reconstruction, back to the latent.
    const values = size * config.inputSize;
    const squaredError = k.mse_backward(values, this.reconstruction, this.x, this.dOutput);
    this.denseBackward(layout.output, size, decodedWidth, config.inputSize, decoded, this.dOutput, this.dCurrent);
    this.blocksBackward(layout.decoderBlocks, this.decoder, size, config.latentSize, this.dLatentDecoder);

    // SupCon, back to the latent.
    const inverseTemperature = 1 / inputs.temperature;
    const gradientBalance = inputs.balance === "gradient";
    const partialLoss = k.supcon(
      size,
      config.projectionSize,
      this.projection,
      this.positives,
      this.anchors,
      inverseTemperature,
      gradientBalance ? 1 : inputs.contrastiveWeight,
      this.dProjection,
      this.denominators,
      this.scratch,
    );
    let contrastive = partialLoss;
    for (let i = 0; i < size; i++) {
      const anchor = targets.anchorWeights[i]!;
      if (anchor !== 0) contrastive += anchor * Math.log(this.f32[this.denominators / 4 + i]!);
    }
    this.denseBackward(
      layout.projectionOutput,
      size,
      config.projectionHidden,
      config.projectionSize,
      this.projectionHidden,
      this.dProjection,
      this.t2,
    );
    k.activation_backward(size * config.projectionHidden, this.t2, this.projectionHidden, this.t1, this.activation);
    this.denseBackward(
      layout.projectionHidden,
      size,
      config.latentSize,
      config.projectionHidden,
      this.latent,
      this.t1,
      this.dLatentProjection,
    );

    // The latent (λ balances the two gradients there), then the encoder.
    const latentValues = size * config.latentSize;
    k.latent_backward(
      latentValues,
      this.dLatentDecoder,
      this.dLatentProjection,
      this.latent,
      inputs.contrastiveWeight,
      gradientBalance ? 1 : 0,
      this.dLatentPre,
    );
    this.denseBackward(layout.latent, size, encodedWidth, config.latentSize, encoded, this.dLatentPre, this.dCurrent);
    this.blocksBackward(layout.encoderBlocks, this.encoder, size, config.inputSize, 0);

    k.adam(
      this.flatLength,
      this.params,
      this.grads,
      this.firstMoments,
      this.secondMoments,
      inputs.learningRate / (1 - ADAM_BETA1 ** inputs.step),
      1 / Math.sqrt(1 - ADAM_BETA2 ** inputs.step),
      ADAM_BETA1,
      ADAM_BETA2,
      ADAM_EPSILON,
    );
    return { reconstruction: squaredError / values, contrastive };
  }

  /** Copies of the last step's gradients, in layout order (for tests). */
  gradientValues(): Float32Array[] {
    return this.layout.parameters.map((spec, i) => {
      const start = (this.grads + this.parameterOffsets[i]!) / 4;
      return this.f32.slice(start, start + spec.shape.reduce((a, b) => a * b, 1));
    });
  }

  /** How many parameters the network has. */
  get size(): number {
    return this.parameterCount;
  }

  private weight(layer: DenseLayer): { kernel: number; bias: number; dKernel: number; dBias: number } {
    return {
      kernel: this.params + this.parameterOffsets[layer.kernel]!,
      bias: this.params + this.parameterOffsets[layer.bias]!,
      dKernel: this.grads + this.parameterOffsets[layer.kernel]!,
      dBias: this.grads + this.parameterOffsets[layer.bias]!,
    };
  }

  private dense(
    layer: DenseLayer,
    m: number,
    inputs: number,
    outputs: number,
    x: number,
    y: number,
    activation: number,
  ): void {
    const { kernel, bias } = this.weight(layer);
    this.kernels.dense_forward(m, inputs, outputs, x, kernel, bias, y, activation);
  }

  /** Gradients of one layer from d(pre-activation) `d`; d(input) into `dX` unless it is 0. */
  private denseBackward(
    layer: DenseLayer,
    m: number,
    inputs: number,
    outputs: number,
    x: number,
    d: number,
    dX: number,
  ): void {
    const { kernel, dKernel, dBias } = this.weight(layer);
    this.kernels.dense_backward(m, inputs, outputs, x, kernel, d, dKernel, dBias, dX, this.scratch);
  }

  private blocksForward(
    blocks: readonly ResidualBlock[],
    buffers: readonly BlockBuffers[],
    m: number,
    inputWidth: number,
  ): void {
    let width = inputWidth;
    blocks.forEach((block, i) => {
      const buffer = buffers[i]!;
      const blockWidth = this.layout.parameters[block.input.bias]!.shape[0];
      this.dense(block.input, m, width, blockWidth, buffer.input, buffer.hidden, this.activation);
      this.dense(block.residual, m, blockWidth, blockWidth, buffer.hidden, buffer.residual, this.activation);
      this.kernels.add(m * blockWidth, buffer.hidden, buffer.residual, buffer.output);
      width = blockWidth;
    });
  }

  /**
   * Backward through residual blocks from d(output of the last block) in dCurrent; d(input of
   * the first block) goes to `dInput` (0: not needed).
   */
  private blocksBackward(
    blocks: readonly ResidualBlock[],
    buffers: readonly BlockBuffers[],
    m: number,
    inputWidth: number,
    dInput: number,
  ): void {
    const k = this.kernels;
    for (let i = blocks.length - 1; i >= 0; i--) {
      const block = blocks[i]!;
      const buffer = buffers[i]!;
      const width = this.layout.parameters[block.input.bias]!.shape[0];
      const blockInputWidth = i === 0 ? inputWidth : this.layout.parameters[blocks[i - 1]!.input.bias]!.shape[0];
      k.activation_backward(m * width, this.dCurrent, buffer.residual, this.t1, this.activation);
      this.denseBackward(block.residual, m, width, width, buffer.hidden, this.t1, this.t2);
      k.add(m * width, this.dCurrent, this.t2, this.t2);
      k.activation_backward(m * width, this.t2, buffer.hidden, this.t1, this.activation);
      this.denseBackward(
        block.input,
        m,
        blockInputWidth,
        width,
        buffer.input,
        this.t1,
        i === 0 ? dInput : this.dCurrent,
      );
    }
  }
}
