/**
 * The whole training step (forward, hand-written backward, Adam) as ONE custom tfjs kernel,
 * "EqpTrainingStep", registered on the wasm and cpu backends: the trainer calls
 * tf.engine().runKernel once per step, the parameters and Adam moments are tfjs tensors owned by
 * tfjs between steps, and the kernel returns the updated ones and the two losses as new tensors.
 *
 * Inside, the kernel copies its input tensors' data into the WebAssembly SIMD module of
 * nativeTrainer.ts (trainKernels.c: its own memory, separate from the tfjs-wasm heap), runs the
 * step there, and copies the results into its output tensors: one typed-array set per tensor in
 * each direction. The module's work buffers (activations, gradients) stay allocated for the run,
 * one instance per Trainer; attrs.handle names the instance (see {@link NativeTrainingStep}).
 *
 * Registered explicitly, once per backend, by {@link registerTrainingStepKernel}; importing this
 * file registers nothing (as fusedAdam.ts).
 */
import * as tf from "@tensorflow/tfjs-core";
import { NativeTrainer, type NativeStepLosses } from "./nativeTrainer.js";
import type { NetworkConfig, NetworkLayout } from "../network/network.js";
import { nativeKernelsUnavailable } from "./trainKernels.js";
import type { TrainingStepInputs } from "./trainOptions.js";

export const TRAINING_STEP_KERNEL = "EqpTrainingStep";

/** Attributes of one call; numbers only, so tfjs can record them like any kernel's. */
interface TrainingStepAttrs {
  /** Which {@link NativeTrainer} (one per run) does the work. */
  handle: number;
  parameterCount: number;
  contrastiveWeight: number;
  temperature: number;
  /** 1: λ weighs gradients at the latent; 0: it weighs the losses (ContrastiveBalance). */
  gradientBalance: number;
  learningRate: number;
  step: number;
}

/** Structural views of the two backends' public storage methods the kernel uses (as fusedAdam.ts). */
interface WasmBackendStorage {
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array;
}
interface CpuBackendStorage {
  makeTensorInfo(shape: number[], dtype: "float32", values: Float32Array): tf.TensorInfo;
  readSync(dataId: tf.DataId): unknown;
}

/**
 * A run's module instance, and the dataIds of the state tensors its memory holds: the outputs of
 * its last step. tfjs tensors are immutable, so when a step's inputs are those tensors (the usual
 * case: the trainer feeds each step's outputs to the next) the copy in is skipped and only the
 * copy out is paid.
 */
interface Run {
  trainer: NativeTrainer;
  held: tf.DataId[] | undefined;
}
const runs = new Map<number, Run>();
let nextHandle = 1;

/** Inputs, in order: the parameters, m, v (flat, padded), the batch rows [b, inputSize], labels [b]. */
function splitInputs<T>(inputs: T[], count: number): { parameters: T[]; m: T; v: T; rows: T; labels: T } {
  return {
    parameters: inputs.slice(0, count),
    m: inputs[count]!,
    v: inputs[count + 1]!,
    rows: inputs[count + 2]!,
    labels: inputs[count + 3]!,
  };
}

/** Output shapes, in order: the parameters, m, v, then the two losses as scalars. */
function outputShapes(infos: ReturnType<typeof splitInputs<tf.TensorInfo>>): number[][] {
  return [...infos.parameters, infos.m, infos.v].map((info) => [...info.shape]).concat([[], []]);
}

/** The dataIds of the state (parameters, m, v) among a call's inputs and outputs. */
function stateIds(
  infos: ReturnType<typeof splitInputs<tf.TensorInfo>>,
  outputs: tf.TensorInfo[],
): { inputIds: tf.DataId[]; outputIds: tf.DataId[] } {
  return {
    inputIds: [...infos.parameters, infos.m, infos.v].map((info) => info.dataId),
    outputIds: outputs.map((info) => info.dataId),
  };
}

/** The step on one set of views: state in, the module's step, state and losses out. */
function runStep(
  attrs: TrainingStepAttrs,
  state: { inputIds: tf.DataId[]; outputIds: tf.DataId[] },
  inputs: { parameters: Float32Array[]; m: Float32Array; v: Float32Array; rows: Float32Array; labels: Int32Array },
  outputs: Float32Array[],
): void {
  const run = runs.get(attrs.handle);
  if (!run) throw new Error(`${TRAINING_STEP_KERNEL}: no training run with handle ${attrs.handle}`);
  const { trainer } = run;
  const held = run.held;
  if (!held || held.length !== state.inputIds.length || held.some((id, i) => id !== state.inputIds[i]))
    trainer.load(inputs.parameters, inputs.m, inputs.v);
  // Should the step throw, the memory no longer matches any tensor.
  run.held = undefined;
  const losses = trainer.step({
    rows: inputs.rows,
    labels: inputs.labels,
    contrastiveWeight: attrs.contrastiveWeight,
    temperature: attrs.temperature,
    balance: attrs.gradientBalance === 1 ? "gradient" : "loss",
    learningRate: attrs.learningRate,
    step: attrs.step,
  });
  const count = attrs.parameterCount;
  trainer.store(outputs.slice(0, count), outputs[count]!, outputs[count + 1]!);
  run.held = state.outputIds.slice(0, count + 2);
  outputs[count + 2]![0] = losses.reconstruction;
  outputs[count + 3]![0] = losses.contrastive;
}

const wasmTrainingStep: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const storage = backend as unknown as WasmBackendStorage;
  const stepAttrs = attrs as unknown as TrainingStepAttrs;
  const infos = splitInputs(Object.values(inputs) as tf.TensorInfo[], stepAttrs.parameterCount);
  // Allocate every output before taking views: an allocation may grow the tfjs-wasm memory,
  // which detaches views taken earlier.
  const outputs = outputShapes(infos).map((shape) => storage.makeOutput(shape, "float32"));
  const view = (info: tf.TensorInfo): Float32Array => storage.typedArrayFromHeap(info) as Float32Array;
  runStep(
    stepAttrs,
    stateIds(infos, outputs),
    {
      parameters: infos.parameters.map(view),
      m: view(infos.m),
      v: view(infos.v),
      rows: view(infos.rows),
      labels: storage.typedArrayFromHeap(infos.labels) as Int32Array,
    },
    outputs.map(view),
  );
  return outputs;
};

const cpuTrainingStep: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const storage = backend as unknown as CpuBackendStorage;
  const stepAttrs = attrs as unknown as TrainingStepAttrs;
  const infos = splitInputs(Object.values(inputs) as tf.TensorInfo[], stepAttrs.parameterCount);
  const read = (info: tf.TensorInfo): Float32Array => storage.readSync(info.dataId) as Float32Array;
  const shapes = outputShapes(infos);
  const values = shapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
  // The cpu backend takes the values when the tensor is made: make them first, fill them after.
  const outputs = values.map((array, i) => storage.makeTensorInfo(shapes[i]!, "float32", array));
  runStep(
    stepAttrs,
    stateIds(infos, outputs),
    {
      parameters: infos.parameters.map(read),
      m: read(infos.m),
      v: read(infos.v),
      rows: read(infos.rows),
      labels: storage.readSync(infos.labels.dataId) as Int32Array,
    },
    values,
  );
  return outputs;
};

const KERNEL_BY_BACKEND: Readonly<Record<string, tf.KernelFunc>> = { wasm: wasmTrainingStep, cpu: cpuTrainingStep };

/**
 * Registers the training-step kernel for one backend ("wasm" or "cpu"); true when the backend has
 * it afterwards. False too when the WebAssembly module does not compile here (no SIMD).
 * Idempotent.
 */
export function registerTrainingStepKernel(backendName: string): boolean {
  if (tf.getKernel(TRAINING_STEP_KERNEL, backendName)) return true;
  const kernelFunc = KERNEL_BY_BACKEND[backendName];
  if (!kernelFunc || nativeKernelsUnavailable() !== undefined) return false;
  tf.registerKernel({ kernelName: TRAINING_STEP_KERNEL, backendName, kernelFunc });
  return true;
}

/**
 * One training run through the kernel: the parameter and moment tensors between steps, and the
 * module instance (by handle) that the kernel runs on. Mirrors TfjsTrainingStep.
 */
export class NativeTrainingStep {
  private readonly trainer: NativeTrainer;
  private readonly handle: number;
  private readonly inputSize: number;
  private parameters: tf.Tensor[];
  private firstMoments: tf.Tensor1D;
  private secondMoments: tf.Tensor1D;

  constructor(config: NetworkConfig, layout: NetworkLayout, initial: readonly Float32Array[], maxBatch: number) {
    const backend = tf.getBackend();
    if (!registerTrainingStepKernel(backend))
      throw new Error(
        `${TRAINING_STEP_KERNEL} does not run on the ${backend} backend${nativeKernelsUnavailable() ? `: ${nativeKernelsUnavailable()}` : ""}`,
      );
    this.trainer = new NativeTrainer(config, layout, maxBatch);
    this.handle = nextHandle++;
    runs.set(this.handle, { trainer: this.trainer, held: undefined });
    this.inputSize = config.inputSize;
    this.parameters = initial.map((values, i) => tf.tensor(values, layout.parameters[i]!.shape, "float32"));
    this.firstMoments = tf.zeros([this.trainer.flatLength]);
    this.secondMoments = tf.zeros([this.trainer.flatLength]);
  }

  /** One Adam step (t = `step`, 1-based): one runKernel; returns the batch's losses. */
  step(inputs: TrainingStepInputs): NativeStepLosses {
    const size = inputs.labels.length;
    const rows = tf.tensor2d(inputs.rows.subarray(0, size * this.inputSize), [size, this.inputSize], "float32");
    const labels = tf.tensor1d(inputs.labels, "int32");
    const attrs: TrainingStepAttrs = {
      handle: this.handle,
      parameterCount: this.parameters.length,
      contrastiveWeight: inputs.contrastiveWeight,
      temperature: inputs.temperature,
      gradientBalance: inputs.balance === "gradient" ? 1 : 0,
      learningRate: inputs.learningRate,
      step: inputs.step,
    };
    const outputs = tf
      .engine()
      .runKernel(
        TRAINING_STEP_KERNEL,
        [...this.parameters, this.firstMoments, this.secondMoments, rows, labels] as unknown as tf.NamedTensorMap,
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
    for (const tensor of [...this.parameters, this.firstMoments, this.secondMoments, rows, labels]) tensor.dispose();
    const count = this.parameters.length;
    this.parameters = outputs.slice(0, count);
    this.firstMoments = outputs[count] as tf.Tensor1D;
    this.secondMoments = outputs[count + 1] as tf.Tensor1D;
    // Reading a scalar on wasm or cpu is a synchronous copy of 4 bytes, no pipeline stall.
    const losses = outputs.slice(count + 2).map((tensor) => {
      const value = tensor.dataSync()[0]!;
      tensor.dispose();
      return value;
    });
    return { reconstruction: losses[0]!, contrastive: losses[1]! };
  }

  /** The current parameter tensors (owned by this object: do not dispose). */
  get parameterTensors(): readonly tf.Tensor[] {
    return this.parameters;
  }

  /** Copies of the last step's gradients, in layout order (for tests). */
  gradientValues(): Float32Array[] {
    return this.trainer.gradientValues();
  }

  dispose(): void {
    for (const tensor of [...this.parameters, this.firstMoments, this.secondMoments]) tensor.dispose();
    runs.delete(this.handle);
  }
}
