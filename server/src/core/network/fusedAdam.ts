/**
 * Adam as one custom tfjs kernel over all parameters (moments in one flat buffer): a single pass
 * in JavaScript over the backend's memory, instead of ~12 element-wise tfjs kernels per update,
 * which cost ~7 ms per step on wasm for 110k parameters. The parameters stay separate tensors: on
 * wasm every tf.slice of a flat buffer copies the whole buffer first.
 *
 * The kernel is registered explicitly, once per backend, by {@link registerFusedAdamKernel}
 * (initBackend calls it for the backend it activates); importing this file registers nothing.
 * On a backend without it, {@link adamUpdate} runs the same update with plain tfjs ops.
 */
import * as tf from "@tensorflow/tfjs-core";

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

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

const wasmFusedAdam: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const storage = backend as unknown as WasmBackendStorage;
  const adamAttrs = attrs as unknown as FusedAdamAttrs;
  const infos = splitAdamInputs(Object.values(inputs) as tf.TensorInfo[], adamAttrs.parameterCount);
  // Allocate every output before taking views: an allocation may grow the wasm memory,
  // which detaches views taken earlier.
  const outputs = [...infos.parameters, infos.m, infos.v].map((info) => storage.makeOutput([...info.shape], "float32"));
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
};

const cpuFusedAdam: tf.KernelFunc = ({ inputs, backend, attrs }) => {
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
    ...outParameters.map((values, i) => storage.makeTensorInfo([...infos.parameters[i]!.shape], "float32", values)),
    storage.makeTensorInfo([outM.length], "float32", outM),
    storage.makeTensorInfo([outV.length], "float32", outV),
  ];
};

const KERNEL_BY_BACKEND: Readonly<Record<string, tf.KernelFunc>> = { wasm: wasmFusedAdam, cpu: cpuFusedAdam };

/**
 * Registers the fused Adam kernel for one backend ("wasm" or "cpu"); true when the backend has it
 * afterwards. Idempotent: a second call for the same backend registers nothing.
 */
export function registerFusedAdamKernel(backendName: string): boolean {
  if (tf.getKernel(FUSED_ADAM_KERNEL, backendName)) return true;
  const kernelFunc = KERNEL_BY_BACKEND[backendName];
  if (!kernelFunc) return false;
  tf.registerKernel({ kernelName: FUSED_ADAM_KERNEL, backendName, kernelFunc });
  return true;
}

/** Whether the active backend runs Adam as the fused kernel (else as plain tfjs ops). */
export function hasFusedAdamKernel(backendName: string = tf.getBackend()): boolean {
  return tf.getKernel(FUSED_ADAM_KERNEL, backendName) !== undefined;
}

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
