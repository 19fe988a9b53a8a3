/**
 * Match EQ: the SAFE 5-band EQ that gives CURRENT the tonal balance of REFERENCE, from their
 * long-term spectra (spectrum.ts). The difference REFERENCE − CURRENT (dB, smoothed) is limited to
 * what an EQ should do: only `lowHz`–`highHz` counts (below, room rumble and DC; above, codecs'
 * cut-offs), points where either file sits more than `floorDb` under its own loudest band are
 * ignored (no energy: the difference is noise), and what is left, less its mean, is clamped to
 * ±`maxGainDb`. The mean is the level difference: it becomes the preset's gain. The core fitter
 * (fit/fitSafeEq.ts) fits the bands to the rest: SAFE's five by default, a morph's bands that a
 * designer can read and `describe` can name; with `extraBells` or `passes`, fit/fitMoreBands.ts
 * adds bells and pass filters for a difference the five cannot follow (measured in the README).
 */
import { clamp, logFrequencies, OUTPUT_GAIN_RANGE, responseDb, topFrequency, type EqBand } from "../eq/index.js";
import { displayFrequency } from "../language/index.js";
import { fitMoreBands, fitSafeEq, type PassKind } from "../fit/index.js";
import { roundBand } from "../presets/index.js";
import { smoothedLevelsDb } from "./spectrum.js";

export interface MatchSettings {
  /** 1/N-octave smoothing: N. */
  fraction: number;
  maxGainDb: number;
  lowHz: number;
  highHz: number;
  floorDb: number;
  /** Bells added to SAFE's five (`--bands N`: N − 5). */
  extraBells: number;
  /** Pass filters the fit may add (`--filters`), each kept only where it lowers the error. */
  passes: readonly PassKind[];
}

export const MATCH_DEFAULTS: MatchSettings = {
  fraction: 3,
  maxGainDb: 12,
  lowHz: 40,
  highHz: 16000,
  floorDb: 60,
  extraBells: 0,
  passes: [],
};

/** Points of the log grid the difference is measured and fitted on (about 1/24 octave). */
const MATCH_POINTS = 240;

export class MatchError extends Error {}

export interface MatchResult {
  frequencies: Float64Array;
  /** The limited difference the EQ aims at (level included), dB; meaningful where `weights` is 1. */
  targetDb: Float64Array;
  weights: Float64Array;
  /** The preset as written: bands rounded as a person writes them, and its gain. */
  bands: EqBand[];
  outputGainDb: number;
  /** Its response on the grid, dB. */
  responseDb: Float64Array;
  /** Mean and largest |response − target| where the weight is 1, dB. */
  meanErrorDb: number;
  maxErrorDb: number;
}

function usable(levels: Float64Array, inRange: (i: number) => boolean, floorDb: number): (i: number) => boolean {
  let loudest = -Infinity;
  for (let i = 0; i < levels.length; i++) if (inRange(i)) loudest = Math.max(loudest, levels[i]!);
  return (i) => Number.isFinite(levels[i]!) && levels[i]! >= loudest - floorDb;
}

/** The grid, the limited difference and its weights: what the fit aims at. */
export function matchTarget(
  reference: Float64Array,
  current: Float64Array,
  sampleRate: number,
  settings: MatchSettings = MATCH_DEFAULTS,
): { frequencies: Float64Array; differenceDb: Float64Array; weights: Float64Array; levelDb: number } {
  const frequencies = logFrequencies(MATCH_POINTS, 20, topFrequency(sampleRate));
  const referenceDb = smoothedLevelsDb(reference, sampleRate, frequencies, settings.fraction);
  const currentDb = smoothedLevelsDb(current, sampleRate, frequencies, settings.fraction);
  const inRange = (i: number) => frequencies[i]! >= settings.lowHz && frequencies[i]! <= settings.highHz;
  const referenceHas = usable(referenceDb, inRange, settings.floorDb);
  const currentHas = usable(currentDb, inRange, settings.floorDb);
  const weights = frequencies.map((_, i) => (inRange(i) && referenceHas(i) && currentHas(i) ? 1 : 0));
  const used = weights.reduce((sum, weight) => sum + weight, 0);
  if (used < 2)
    throw new MatchError(
      `no part of ${displayFrequency(settings.lowHz)}–${displayFrequency(settings.highHz)} has energy in both files: there is nothing to match`,
    );
  const raw = frequencies.map((_, i) => (weights[i] ? referenceDb[i]! - currentDb[i]! : 0));
  const levelDb = raw.reduce((sum, value) => sum + value, 0) / used;
  const differenceDb = raw.map((value, i) =>
    weights[i] ? clamp(value - levelDb, { min: -settings.maxGainDb, max: settings.maxGainDb }) : 0,
  );
  return { frequencies, differenceDb, weights, levelDb };
}

export function matchSpectra(
  reference: Float64Array,
  current: Float64Array,
  sampleRate: number,
  settings: MatchSettings = MATCH_DEFAULTS,
): MatchResult {
  const { frequencies, differenceDb, weights, levelDb } = matchTarget(reference, current, sampleRate, settings);
  const more = settings.extraBells > 0 || settings.passes.length > 0;
  const fit = more
    ? fitMoreBands(frequencies, differenceDb, {
        sampleRate,
        weights,
        extraBells: settings.extraBells,
        passes: settings.passes,
      })
    : fitSafeEq(frequencies, differenceDb, { sampleRate, weights });
  const bands = fit.bands.map(roundBand);
  const outputGainDb = Math.round(clamp(levelDb, OUTPUT_GAIN_RANGE) * 10) / 10 || 0;
  const response = responseDb(bands, frequencies, sampleRate, outputGainDb);
  const targetDb = differenceDb.map((value) => value + levelDb);
  let sum = 0;
  let count = 0;
  let maxErrorDb = 0;
  for (let i = 0; i < frequencies.length; i++) {
    if (!weights[i]) continue;
    const error = Math.abs(response[i]! - targetDb[i]!);
    sum += error;
    count++;
    maxErrorDb = Math.max(maxErrorDb, error);
  }
  return {
    frequencies,
    targetDb,
    weights,
    bands,
    outputGainDb,
    responseDb: response,
    meanErrorDb: sum / count,
    maxErrorDb,
  };
}
