/**
 * The latent whose decoded curve is closest to a target curve, by descent on finite differences
 * through the decoder (no gradients: tfjs's gradient registration does not load outside the
 * bundle, and one latent of 32 numbers needs only 33 decodes a step, in one batch). Kept inside
 * the tanh range of the encoder's latents. Deterministic.
 */
import { denormalise, PARAMETER_COUNT, type ParameterBounds } from "../model/parameters.js";
import { curveError, evaluationCurve } from "../model/metrics.js";
import type { LatentDecoder } from "../model/semanticModel.js";

export interface LatentSearchOptions {
  steps?: number;
  /** The first step's length in latent units; it halves whenever a step does not improve. */
  stepSize?: number;
  /**
   * dB of curve error a dB of band gain costs (summed over the five bands): among settings with
   * nearly the same curve, the one without large bells that cancel each other out.
   */
  effort?: number;
}

const GAIN_INDICES = [0, 2, 5, 8, 11];

/** The curve error of 13 parameters against a target curve, plus `effort` per dB of band gain. */
export function curveAndEffortError(values: ArrayLike<number>, targetDb: Float64Array, effort: number): number {
  const gain = GAIN_INDICES.reduce((sum, index) => sum + Math.abs(values[index]!), 0);
  return curveError(evaluationCurve(values), targetDb) + effort * gain;
}

export function latentNearestCurve(
  network: LatentDecoder,
  bounds: ParameterBounds,
  targetDb: Float64Array,
  start: Float32Array,
  options: LatentSearchOptions = {},
): Float32Array {
  const size = start.length;
  const probe = 1e-3;
  const effort = options.effort ?? 0;
  const errorsOf = (latents: Float32Array, n: number) => {
    const decoded = network.decodeRows(latents, n);
    return Array.from({ length: n }, (_, row) =>
      curveAndEffortError(denormalise(decoded, bounds, row * PARAMETER_COUNT), targetDb, effort),
    );
  };
  let current = Float32Array.from(start);
  let [currentError] = errorsOf(current, 1) as [number];
  let stepSize = options.stepSize ?? 0.2;
  for (let step = 0; step < (options.steps ?? 150) && stepSize > 1e-4; step++) {
    const batch = new Float32Array((size + 1) * size);
    for (let k = 0; k <= size; k++) {
      batch.set(current, k * size);
      if (k < size) batch[k * size + k]! += probe;
    }
    const errors = errorsOf(batch, size + 1);
    const gradient = Array.from({ length: size }, (_, k) => (errors[k]! - errors[size]!) / probe);
    const norm = Math.hypot(...gradient) || 1;
    const next = current.map((value, k) => Math.max(-1, Math.min(1, value - (stepSize * gradient[k]!) / norm)));
    const [nextError] = errorsOf(next, 1) as [number];
    if (nextError < currentError) [current, currentError] = [next, nextError];
    else stepSize /= 2;
  }
  return current;
}
