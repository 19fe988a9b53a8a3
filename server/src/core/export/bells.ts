/**
 * Targets whose EQ has bells only, their width in octaves (Unreal's Source and Submix EQ, Unity's
 * ParamEQ). A bell of the preset is clamped into the target's ranges; a shelf, pass filter or notch
 * has no such filter there, so the bell of the target's ranges that comes closest to it (smallest
 * largest error, over frequency, width and gain) stands in for it, and its cost is reported like
 * any other change.
 */
import { slotFacts, type EqBand, type NumericRange } from "../eq/index.js";
import { formatDecimal } from "../language/index.js";
import {
  clampInto,
  comparisonGrid,
  exactFilters,
  filtersResponseDb,
  maxDeviation,
  type Realisation,
  type RealisedBand,
  type TargetFilter,
} from "./fidelity.js";
import type { ConcretePreset } from "./types.js";

export interface BellTargetLimits {
  gain: NumericRange;
  frequency: NumericRange;
  /** The width in octaves. */
  bandwidth: NumericRange;
}

/**
 * The RBJ Q of a bell `octaves` wide, by the analogue relation Unreal's Audio::GetQFromBandwidth
 * uses: Q = √(2^N) / (2^N − 1).
 */
export function qFromOctaves(octaves: number): number {
  const ratio = 2 ** octaves;
  return Math.sqrt(ratio) / (ratio - 1);
}

/** The inverse, Unreal's Audio::GetBandwidthFromQ: N = 2 log2((1/Q + √(1/Q² + 4)) / 2). */
export function octavesFromQ(q: number): number {
  return 2 * Math.log2(0.5 * (1 / q + Math.sqrt(1 / (q * q) + 4)));
}

/** A target's width range as a Q range: wide bandwidth is low Q. */
export function qRangeOf(limits: BellTargetLimits): NumericRange {
  return { min: qFromOctaves(limits.bandwidth.max), max: qFromOctaves(limits.bandwidth.min) };
}

interface BellPoint {
  logFrequency: number;
  logQ: number;
  gainDb: number;
}

/**
 * The bell, within the target's ranges, whose response is closest (smallest largest error) to
 * `wanted`: a coarse grid over frequency (two octaves either side, quarter octaves), width and gain
 * (3 dB steps), then a pattern search from the best point with steps halved until they are tiny.
 */
function fitBell(
  wanted: Float64Array,
  grid: Float64Array,
  centre: number,
  sampleRate: number,
  limits: BellTargetLimits,
): TargetFilter {
  const qRange = qRangeOf(limits);
  const gains = { min: Math.max(limits.gain.min, -40), max: Math.min(limits.gain.max, 40) };
  const clampPoint = (point: BellPoint): TargetFilter => ({
    kind: "peaking",
    frequencyHz: Math.min(
      Math.max(2 ** point.logFrequency, limits.frequency.min),
      limits.frequency.max,
      sampleRate * 0.49,
    ),
    q: Math.min(Math.max(2 ** point.logQ, qRange.min), qRange.max),
    gainDb: Math.min(Math.max(point.gainDb, gains.min), gains.max),
  });
  const errorOf = (point: BellPoint) =>
    maxDeviation(wanted, filtersResponseDb([clampPoint(point)], grid, sampleRate), grid).errorDb;
  let best: BellPoint = { logFrequency: Math.log2(centre), logQ: 0, gainDb: 0 };
  let bestError = Infinity;
  const coarse = grid.filter((_, index) => index % 16 === 0);
  const coarseWanted = wanted.filter((_, index) => index % 16 === 0);
  for (let octave = -2; octave <= 2; octave += 0.25)
    for (let logQ = Math.log2(qRange.min); logQ <= Math.log2(qRange.max) + 1e-9; logQ += 0.5)
      for (let gainDb = gains.min; gainDb <= gains.max; gainDb += 3) {
        const point = { logFrequency: Math.log2(centre) + octave, logQ, gainDb };
        const error = maxDeviation(
          coarseWanted,
          filtersResponseDb([clampPoint(point)], coarse, sampleRate),
          coarse,
        ).errorDb;
        if (error < bestError) [best, bestError] = [point, error];
      }
  bestError = errorOf(best);
  const steps = { logFrequency: 0.125, logQ: 0.25, gainDb: 1.5 };
  while (steps.gainDb > 0.005) {
    let improved = false;
    for (const key of ["logFrequency", "logQ", "gainDb"] as const)
      for (const sign of [1, -1]) {
        const candidate = { ...best, [key]: best[key] + sign * steps[key] };
        const error = errorOf(candidate);
        if (error < bestError - 1e-12) [best, bestError, improved] = [candidate, error, true];
      }
    if (!improved) for (const key of ["logFrequency", "logQ", "gainDb"] as const) steps[key] /= 2;
  }
  return clampPoint(best);
}

/** Fits already made, by band, rate and ranges: `eqp export` realises a preset once per file it writes and once for the document. */
const fitted = new Map<string, TargetFilter>();
const MAX_FITS_KEPT = 512;

/** The bell closest to a band the target has no filter for. */
function standInBell(band: EqBand, sampleRate: number, target: string, limits: BellTargetLimits): RealisedBand {
  const key = JSON.stringify([band, sampleRate, limits]);
  let bell = fitted.get(key);
  if (!bell) {
    const grid = comparisonGrid(sampleRate).filter((_, index) => index % 4 === 0);
    const wanted = filtersResponseDb(exactFilters(band), grid, sampleRate);
    bell = fitBell(wanted, grid, band.frequencyHz, sampleRate, limits);
    if (fitted.size >= MAX_FITS_KEPT) fitted.delete(fitted.keys().next().value!);
    fitted.set(key, bell);
  }
  return {
    band,
    filters: [bell],
    changes: [
      `${target} has bells only: the ${slotFacts(band.slot).label.toLowerCase()} runs as a ${formatDecimal(bell.gainDb, 1)} dB bell at ${formatDecimal(bell.frequencyHz, 1)} Hz, ${formatDecimal(octavesFromQ(bell.q), 2)} octaves wide`,
    ],
  };
}

function clampedBell(band: EqBand, target: string, limits: BellTargetLimits): RealisedBand {
  const qRange = qRangeOf(limits);
  const gain = clampInto(band.gainDb, limits.gain, "gain", target, " dB");
  const frequency = clampInto(band.frequencyHz, limits.frequency, "frequency", target, " Hz");
  const q = clampInto(band.q, qRange, "Q", target);
  const changes = [gain.change, frequency.change, q.change].filter((change): change is string => !!change);
  return {
    band,
    filters: [{ kind: "peaking", frequencyHz: frequency.value, gainDb: gain.value, q: q.value }],
    changes,
  };
}

/** Each band as a bell of the target; the output gain as it is (the targets apply it elsewhere). */
export function realiseAsBells(preset: ConcretePreset, target: string, limits: BellTargetLimits): Realisation {
  const bands = preset.bands.map((band) => {
    const [exact] = exactFilters(band);
    if (exact!.kind === "peaking") return clampedBell(band, target, limits);
    return standInBell(band, preset.sampleRate, target, limits);
  });
  return { bands, outputGainDb: preset.outputGainDb, outputChanges: [] };
}
