/**
 * How close two EQ settings are, the way the evaluation measures it: the mean absolute dB
 * difference of their magnitude responses (RBJ cookbook, 200 log-spaced frequencies 20 Hz–20 kHz,
 * fs 44.1 kHz), and per-parameter errors in dB and octaves.
 */
import { logFrequencies, responseDb } from "../eq/index.js";
import { bandsOf, PARAMETERS } from "./parameters.js";

export const EVALUATION_SAMPLE_RATE = 44100;
export const EVALUATION_FREQUENCIES = logFrequencies(200, 20, 20000);

/** The dB response of 13 parameter values on the evaluation grid. */
export function evaluationCurve(values: ArrayLike<number>): Float64Array {
  return responseDb(bandsOf(values), EVALUATION_FREQUENCIES, EVALUATION_SAMPLE_RATE);
}

export function curveError(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

export interface ParameterErrors {
  gainDb: number;
  frequencyOctaves: number;
  qOctaves: number;
}

/** Mean absolute errors over the bands: gains in dB, frequencies and Q in octaves. */
export function parameterErrors(actual: ArrayLike<number>, expected: ArrayLike<number>): ParameterErrors {
  const sums = { gain: 0, gainCount: 0, frequency: 0, frequencyCount: 0, q: 0, qCount: 0 };
  for (const parameter of PARAMETERS) {
    const a = actual[parameter.index]!;
    const e = expected[parameter.index]!;
    if (parameter.kind === "gain") {
      sums.gain += Math.abs(a - e);
      sums.gainCount++;
    } else if (parameter.kind === "frequency") {
      sums.frequency += Math.abs(Math.log2(a / e));
      sums.frequencyCount++;
    } else {
      sums.q += Math.abs(Math.log2(a / e));
      sums.qCount++;
    }
  }
  return {
    gainDb: sums.gain / sums.gainCount,
    frequencyOctaves: sums.frequency / sums.frequencyCount,
    qOctaves: sums.q / sums.qCount,
  };
}

/** Mean silhouette coefficient of labelled points (Euclidean), in [-1, 1]. */
export function silhouette(points: Float32Array, dimension: number, labels: ArrayLike<number>): number {
  const n = labels.length;
  const distance = (i: number, j: number) => {
    let sum = 0;
    for (let k = 0; k < dimension; k++) {
      const d = points[i * dimension + k]! - points[j * dimension + k]!;
      sum += d * d;
    }
    return Math.sqrt(sum);
  };
  const classes = [...new Set(Array.from(labels))];
  if (classes.length < 2) return 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const sums = new Map<number, { sum: number; count: number }>();
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const entry = sums.get(labels[j]!) ?? { sum: 0, count: 0 };
      entry.sum += distance(i, j);
      entry.count++;
      sums.set(labels[j]!, entry);
    }
    const own = sums.get(labels[i]!);
    if (!own || own.count === 0) continue;
    const a = own.sum / own.count;
    let b = Number.POSITIVE_INFINITY;
    for (const [label, entry] of sums) if (label !== labels[i]) b = Math.min(b, entry.sum / entry.count);
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}
