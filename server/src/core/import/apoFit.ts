/**
 * How far an imported preset is from the file it came from, over the whole audible range, and the
 * alternative to keeping the file's largest filters: the SAFE EQ fitted to the file's whole
 * response (core/fit). The import keeps whichever is closer and reports both.
 */
import { SLOTS, type EqBand } from "../eq/index.js";
import { filtersResponseDb, exactFilters, writtenFrequency, writtenGain, writtenQ } from "../export/index.js";
import { fitSafeEq } from "../fit/index.js";

export interface TotalCost {
  /** Largest |preset − file| over the grid, dB. */
  maxDb: number;
  atFrequencyHz: number;
  /** Root mean square over the grid (log-spaced: every octave counts the same), dB. */
  rmsDb: number;
}

export function totalCost(reference: Float64Array, imported: Float64Array, grid: Float64Array): TotalCost {
  let maxDb = 0;
  let at = 0;
  let squares = 0;
  for (let i = 0; i < grid.length; i++) {
    const difference = Math.abs(imported[i]! - reference[i]!);
    squares += difference * difference;
    if (difference > maxDb) {
      maxDb = difference;
      at = i;
    }
  }
  return { maxDb, atFrequencyHz: grid[at]!, rmsDb: Math.sqrt(squares / grid.length) };
}

export function bandsResponseDb(
  bands: readonly EqBand[],
  grid: Float64Array,
  sampleRate: number,
  gainDb: number,
): Float64Array {
  return filtersResponseDb(bands.flatMap(exactFilters), grid, sampleRate, gainDb);
}

/** Points the fit works on: an eighth of the comparison grid (128 points) follows the filters' shapes, at an eighth of the cost. */
const FIT_STRIDE = 8;
/** Reweighting rounds that move the least-squares fit toward the smallest largest error (Lawson's method). */
const MINIMAX_ROUNDS = 4;

function roundedBands(bands: readonly EqBand[]): EqBand[] {
  return bands
    .map((band) => {
      const slot = SLOTS.find((candidate) => candidate.id === band.slot)!;
      return {
        slot: band.slot,
        // Four significant digits: a fitted 2072.16 Hz says no more than 2072 Hz, and reads better.
        frequencyHz: writtenFrequency(Number(band.frequencyHz.toPrecision(4))),
        gainDb: writtenGain(band.gainDb),
        q: slot.hasQ ? writtenQ(band.q) : band.q,
      };
    })
    .filter((band) => band.gainDb !== 0);
}

/**
 * The five SAFE bands fitted to the file's response without its preamp (the preset's gain carries
 * that), at the precision the import writes, so the cost measured is the cost of the written text.
 * The import reports the largest error, which least squares does not minimise: a few rounds weigh
 * the frequencies where the last fit was worst more, and the round with the smallest largest error
 * (on the full grid) wins. Bands the fit leaves at 0 dB are dropped: they do nothing.
 */
export function fittedBands(reference: Float64Array, grid: Float64Array, sampleRate: number, gainDb: number): EqBand[] {
  const points = Math.ceil(grid.length / FIT_STRIDE);
  const frequencies = Float64Array.from({ length: points }, (_, i) => grid[Math.min(grid.length - 1, i * FIT_STRIDE)]!);
  const target = frequencies.map((_, i) => reference[Math.min(grid.length - 1, i * FIT_STRIDE)]! - gainDb);
  const weights = new Float64Array(points).fill(1);
  let best: { bands: EqBand[]; maxDb: number } | undefined;
  for (let round = 0; round < MINIMAX_ROUNDS; round++) {
    const fit = fitSafeEq(frequencies, target, { sampleRate, weights });
    const bands = roundedBands(fit.bands);
    const { maxDb } = totalCost(reference, bandsResponseDb(bands, grid, sampleRate, gainDb), grid);
    if (!best || maxDb < best.maxDb) best = { bands, maxDb };
    for (let i = 0; i < points; i++)
      weights[i]! *= 1 + Math.abs(fit.fittedDb[i]! - target[i]!) / Math.max(fit.rmsDb, 1e-3);
  }
  return best!.bands;
}

/** The highest point of a response, dB (> 0: the preset boosts a full-scale signal past 0 dBFS). */
export function peakDb(response: Float64Array): number {
  let peak = -Infinity;
  for (const value of response) peak = Math.max(peak, value);
  return peak;
}
