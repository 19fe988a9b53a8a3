/**
 * The compiled training kernels (trainKernels.c, embedded by trainKernels.sh as
 * trainKernelsWasm.ts): their signatures, and one compilation per process.
 */
import { TRAIN_KERNELS_WASM_BASE64 } from "./trainKernelsWasm.js";

/** Activation codes of trainKernels.c. */
export const ACTIVATION = { linear: 0, elu: 1, relu: 2, sigmoid: 3, tanh: 4 } as const;

export interface Kernels {
  memory: WebAssembly.Memory;
  dense_forward(m: number, k: number, n: number, x: number, w: number, b: number, y: number, act: number): void;
  dense_backward(
    m: number,
    k: number,
    n: number,
    x: number,
    w: number,
    d: number,
    dW: number,
    db: number,
    dX: number,
    scratch: number,
  ): void;
  add(n: number, a: number, b: number, out: number): void;
  activation_backward(n: number, dy: number, y: number, out: number, act: number): void;
  mse_backward(n: number, r: number, x: number, d: number): number;
  supcon(
    b: number,
    d: number,
    p: number,
    positives: number,
    anchors: number,
    inverseTemperature: number,
    weight: number,
    dp: number,
    denominators: number,
    scratch: number,
  ): number;
  latent_backward(
    n: number,
    dDecoder: number,
    dProjection: number,
    z: number,
    lambda: number,
    gradient: number,
    out: number,
  ): void;
  adam(
    n: number,
    p: number,
    g: number,
    m: number,
    v: number,
    step: number,
    correction: number,
    b1: number,
    b2: number,
    eps: number,
  ): void;
}

let compiled: WebAssembly.Module | undefined;
let unavailable: string | undefined;

/** Undefined when the kernels run here, else why not (no WebAssembly SIMD). */
export function nativeKernelsUnavailable(): string | undefined {
  if (compiled === undefined && unavailable === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(TRAIN_KERNELS_WASM_BASE64, "base64"));
    } catch (error) {
      unavailable = `the training kernels do not compile here: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return unavailable;
}

/** A fresh instance of the kernels, with its own memory. */
export function instantiateKernels(): Kernels {
  const reason = nativeKernelsUnavailable();
  if (reason !== undefined) throw new Error(reason);
  return new WebAssembly.Instance(compiled!, {}).exports as unknown as Kernels;
}
