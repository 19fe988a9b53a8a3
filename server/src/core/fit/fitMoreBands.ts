/**
 * More than SAFE's five bands: the SAFE fit (fitSafeEq.ts), then pass filters and added bells, for
 * a curve the five cannot follow (`eqp match --bands N --filters highpass,lowpass`).
 *
 * Method: greedy, then joint. Each pass filter asked for is tried at the edge of the weighted range
 * (a 12 dB/oct Butterworth, its corner free) and kept only when it lowers the cost by at least
 * `PASS_MIN_GAIN` (a pass filter removes sound: it must earn its place). Then each added bell
 * starts where the weighted residual is largest, with the residual's gain there. After every
 * addition all parameters of all bands move together (Levenberg–Marquardt in the same normalised
 * box coordinates as fitSafeEq, forward-difference Jacobian, one band's response per column). A bell
 * that ends under 0.05 dB (it rounds to 0) is left out. Deterministic: the same input gives the
 * same bands.
 */
import {
  AUDIBLE_RANGE,
  bandSections,
  biquadMagnitudeDb,
  BUTTERWORTH_Q,
  DEFAULT_BELL_Q,
  DEFAULT_PASS_SLOPE,
  GAIN_RANGE,
  hasGain,
  isPassFilter,
  Q_RANGE,
  slotFacts,
  type EqBand,
  type NumericRange,
} from "../eq/index.js";
import { solveSymmetric } from "./cholesky.js";
import { fitSafeEq, type FitResult } from "./fitSafeEq.js";

export type PassKind = "highpass" | "lowpass";

export interface MoreBandsOptions {
  sampleRate?: number;
  weights?: ArrayLike<number>;
  /** Bells added to SAFE's five (default 0). */
  extraBells?: number;
  /** Pass filters the fit may add (each kept only where it earns its place). */
  passes?: readonly PassKind[];
}

/** A pass filter is kept when it lowers the weighted squared error by at least this fraction. */
const PASS_MIN_GAIN = 0.1;
/** Joint steps after each added band. */
const ITERATIONS = 40;
const STEP = 1e-6;

interface Coordinate {
  band: number;
  key: "gainDb" | "frequencyHz" | "q";
  range: NumericRange;
  log: boolean;
}

interface Problem {
  frequencies: ArrayLike<number>;
  target: Float64Array;
  weights: Float64Array;
  sampleRate: number;
}

function toValue(c: Coordinate, t: number): number {
  return c.log ? c.range.min * Math.pow(c.range.max / c.range.min, t) : c.range.min + t * (c.range.max - c.range.min);
}

function toUnit(c: Coordinate, value: number): number {
  const t = c.log
    ? Math.log(value / c.range.min) / Math.log(c.range.max / c.range.min)
    : (value - c.range.min) / (c.range.max - c.range.min);
  return Math.min(1, Math.max(0, t));
}

/** What moves: every band's frequency, its gain if it has one, a bell's Q; a pass filter keeps its Butterworth Q. */
function coordinatesOf(bands: readonly EqBand[], sampleRate: number): Coordinate[] {
  return bands.flatMap((band, index) => {
    const facts = slotFacts(band.slot);
    const top = Math.min(facts.frequency.max, sampleRate * 0.45);
    const list: Coordinate[] = [
      { band: index, key: "frequencyHz", range: { min: facts.frequency.min, max: top }, log: true },
    ];
    if (hasGain(band.slot)) list.push({ band: index, key: "gainDb", range: GAIN_RANGE, log: false });
    if (facts.hasQ && !isPassFilter(band.slot)) list.push({ band: index, key: "q", range: Q_RANGE, log: true });
    return list;
  });
}

function bandDb(band: EqBand, problem: Problem, out: Float64Array): void {
  out.fill(0);
  if (band.gainDb === 0 && hasGain(band.slot)) return;
  for (const filter of bandSections(band, problem.sampleRate))
    for (let i = 0; i < out.length; i++)
      out[i]! += biquadMagnitudeDb(filter, problem.frequencies[i]!, problem.sampleRate);
}

function costOf(problem: Problem, responses: readonly Float64Array[], residual?: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < problem.target.length; i++) {
    let value = -problem.target[i]!;
    for (const response of responses) value += response[i]!;
    if (residual) residual[i] = value;
    sum += problem.weights[i]! * value * value;
  }
  return sum;
}

function withCoordinates(bands: readonly EqBand[], coordinates: readonly Coordinate[], u: Float64Array): EqBand[] {
  const out = bands.map((band) => ({ ...band }));
  coordinates.forEach((c, p) => (out[c.band]![c.key] = toValue(c, u[p]!)));
  return out;
}

/** The normal equations JᵀWJ and −JᵀWr at `u`, by forward differences, one band's response per column. */
function normalEquations(problem: Problem, bands: EqBand[], coordinates: Coordinate[], u: Float64Array) {
  const n = problem.target.length;
  const count = coordinates.length;
  const responses = bands.map((band) => {
    const out = new Float64Array(n);
    bandDb(band, problem, out);
    return out;
  });
  const residual = new Float64Array(n);
  const cost = costOf(problem, responses, residual);
  const jacobian = new Float64Array(count * n);
  const column = new Float64Array(n);
  coordinates.forEach((c, p) => {
    const h = u[p]! + STEP > 1 ? -STEP : STEP;
    bandDb({ ...bands[c.band]!, [c.key]: toValue(c, u[p]! + h) }, problem, column);
    const base = responses[c.band]!;
    for (let i = 0; i < n; i++) jacobian[p * n + i] = (column[i]! - base[i]!) / h;
  });
  const normal = new Float64Array(count * count);
  const gradient = new Float64Array(count);
  for (let p = 0; p < count; p++) {
    for (let i = 0; i < n; i++) gradient[p]! -= problem.weights[i]! * jacobian[p * n + i]! * residual[i]!;
    for (let q = 0; q <= p; q++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += problem.weights[i]! * jacobian[p * n + i]! * jacobian[q * n + i]!;
      normal[p * count + q] = normal[q * count + p] = sum;
    }
  }
  return { cost, normal, gradient };
}

function evaluate(problem: Problem, bands: readonly EqBand[]): number {
  const n = problem.target.length;
  return costOf(
    problem,
    bands.map((band) => {
      const out = new Float64Array(n);
      bandDb(band, problem, out);
      return out;
    }),
  );
}

/** Moves every parameter of every band together; returns the bands and their cost. */
function refine(problem: Problem, start: readonly EqBand[]): { bands: EqBand[]; cost: number } {
  const coordinates = coordinatesOf(start, problem.sampleRate);
  const count = coordinates.length;
  const u = Float64Array.from(coordinates, (c) => toUnit(c, start[c.band]![c.key]));
  let bands = withCoordinates(start, coordinates, u);
  let cost = evaluate(problem, bands);
  let damping = 1e-3;
  const step = new Float64Array(count);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const { normal, gradient } = normalEquations(problem, bands, coordinates, u);
    let improved = false;
    while (!improved && damping < 1e10) {
      const damped = Float64Array.from(normal);
      for (let p = 0; p < count; p++)
        damped[p * count + p] = normal[p * count + p]! * (1 + damping) + 1e-9 * (1 + damping);
      if (solveSymmetric(damped, gradient, count, step)) {
        const candidate = u.map((value, p) => Math.min(1, Math.max(0, value + step[p]!)));
        const candidateBands = withCoordinates(start, coordinates, candidate);
        const candidateCost = evaluate(problem, candidateBands);
        if (candidateCost < cost) {
          improved = (cost - candidateCost) / Math.max(cost, 1e-30) > 1e-7;
          u.set(candidate);
          bands = candidateBands;
          cost = candidateCost;
          damping = Math.max(1e-7, damping / 3);
          if (!improved) return { bands, cost };
          continue;
        }
      }
      damping *= 4;
    }
    if (!improved) break;
  }
  return { bands, cost };
}

/** The band a greedy step adds: a pass filter at the weighted range's edge, or a bell at the largest residual. */
function passAtEdge(problem: Problem, kind: PassKind): EqBand {
  const used: number[] = [];
  for (let i = 0; i < problem.target.length; i++) if (problem.weights[i]! > 0) used.push(problem.frequencies[i]!);
  const edge = kind === "highpass" ? used[0]! : used[used.length - 1]!;
  const frequencyHz = Math.min(Math.max(edge, AUDIBLE_RANGE.min), problem.sampleRate * 0.45);
  return { slot: kind, frequencyHz, gainDb: 0, q: BUTTERWORTH_Q, slopeDbPerOctave: DEFAULT_PASS_SLOPE };
}

function bellAtLargestResidual(problem: Problem, bands: readonly EqBand[]): EqBand {
  const n = problem.target.length;
  const total = new Float64Array(n);
  const one = new Float64Array(n);
  for (const band of bands) {
    bandDb(band, problem, one);
    for (let i = 0; i < n; i++) total[i]! += one[i]!;
  }
  let at = 0;
  let largest = -1;
  for (let i = 0; i < n; i++) {
    const size = problem.weights[i]! * Math.abs(problem.target[i]! - total[i]!);
    if (size > largest) [largest, at] = [size, i];
  }
  const gainDb = Math.min(GAIN_RANGE.max, Math.max(GAIN_RANGE.min, problem.target[at]! - total[at]!)) || 0.1;
  const frequencyHz = Math.min(Math.max(problem.frequencies[at]!, AUDIBLE_RANGE.min), problem.sampleRate * 0.45);
  return { slot: "bell", frequencyHz, gainDb, q: DEFAULT_BELL_Q };
}

/** Like fitSafeEq, with `extraBells` bells and the `passes` that help after SAFE's five bands. */
export function fitMoreBands(
  frequenciesHz: ArrayLike<number>,
  targetDb: ArrayLike<number>,
  options: MoreBandsOptions = {},
): FitResult {
  const sampleRate = options.sampleRate ?? 44100;
  const safe = fitSafeEq(frequenciesHz, targetDb, { sampleRate, weights: options.weights });
  const n = frequenciesHz.length;
  const problem: Problem = {
    frequencies: frequenciesHz,
    target: Float64Array.from(targetDb),
    weights: Float64Array.from({ length: n }, (_, i) => options.weights?.[i] ?? 1),
    sampleRate,
  };
  let best = { bands: safe.bands, cost: evaluate(problem, safe.bands) };
  for (const kind of options.passes ?? []) {
    const tried = refine(problem, [...best.bands, passAtEdge(problem, kind)]);
    if (tried.cost < best.cost * (1 - PASS_MIN_GAIN)) best = tried;
  }
  for (let added = 0; added < (options.extraBells ?? 0); added++) {
    const tried = refine(problem, [...best.bands, bellAtLargestResidual(problem, best.bands)]);
    if (!(tried.cost < best.cost)) break;
    best = tried;
  }
  const bands = best.bands.filter((band) => band.slot !== "bell" || Math.abs(band.gainDb) >= 0.05);
  const fittedDb = new Float64Array(n);
  const one = new Float64Array(n);
  for (const band of bands) {
    bandDb(band, problem, one);
    for (let i = 0; i < n; i++) fittedDb[i]! += one[i]!;
  }
  let squares = 0;
  let weightSum = 0;
  let maxDb = 0;
  for (let i = 0; i < n; i++) {
    const difference = fittedDb[i]! - problem.target[i]!;
    squares += problem.weights[i]! * difference * difference;
    weightSum += problem.weights[i]!;
    if (problem.weights[i]! > 0) maxDb = Math.max(maxDb, Math.abs(difference));
  }
  return { bands, rmsDb: Math.sqrt(squares / weightSum), maxDb, fittedDb };
}
