/**
 * A dB scale for SocialFX's unitless curves, calibrated on the words both crowds share.
 *
 * A SocialFX contribution is 40 band values z-scored per contribution: a shape with no level and
 * no size. Its curve in dB is taken as `dbPerUnit · shape(f) + offsetDb`, the shape interpolated
 * linearly on a log-frequency axis between the band centres. The two numbers are fitted by least
 * squares so that, over the shared words (each word weighing the same), the mean SocialFX curve
 * of a word matches the mean SAFE-DB curve of that word. Rendering the shape as Audealize does (40
 * peaking filters, Q 4.31, summed) was measured too: leave-one-word-out error 4.47 dB against 4.43
 * for the interpolation, so the simpler, linear one is used (closed-form least squares).
 */
import { logFrequencies } from "../eq/index.js";

/** The grid on which SocialFX curves are compared, calibrated and fitted: 48 points, 20 Hz–20 kHz. */
export const CURVE_FREQUENCIES = logFrequencies(48, 20, 20000);

export interface SocialFxScale {
  dbPerUnit: number;
  offsetDb: number;
}

/** The shape's value at `frequency`, interpolated on a log axis (held flat past the end bands). */
export function shapeAt(shape: ArrayLike<number>, bandFrequencies: ArrayLike<number>, frequency: number): number {
  const last = bandFrequencies.length - 1;
  if (frequency <= bandFrequencies[0]!) return shape[0]!;
  if (frequency >= bandFrequencies[last]!) return shape[last]!;
  let i = 1;
  while (bandFrequencies[i]! < frequency) i++;
  const low = Math.log(bandFrequencies[i - 1]!);
  const t = (Math.log(frequency) - low) / (Math.log(bandFrequencies[i]!) - low);
  return shape[i - 1]! + t * (shape[i]! - shape[i - 1]!);
}

/** A contribution's curve in dB on `grid` (default {@link CURVE_FREQUENCIES}). */
export function socialFxCurveDb(
  shape: ArrayLike<number>,
  bandFrequencies: ArrayLike<number>,
  scale: SocialFxScale,
  grid: ArrayLike<number> = CURVE_FREQUENCIES,
): Float64Array {
  return Float64Array.from({ length: grid.length }, (_, i) => {
    return scale.dbPerUnit * shapeAt(shape, bandFrequencies, grid[i]!) + scale.offsetDb;
  });
}

/** One shared word: the mean curve of each crowd on the grid, and how many examples made it. */
export interface SharedWord {
  word: string;
  safeExamples: number;
  socialfxExamples: number;
  /** Mean of the word's SAFE-DB curves, dB. */
  safeMeanDb: Float64Array;
  /** Mean of the word's SocialFX shapes, interpolated onto the grid (unitless). */
  socialfxMeanShape: Float64Array;
}

export interface CalibrationWord {
  word: string;
  safeExamples: number;
  socialfxExamples: number;
  /** RMS over the grid of (calibrated SocialFX mean − SAFE mean), dB, with this word left out of the fit. */
  leaveOneOutRmsDb: number;
  /** The same for a flat curve at the calibrated offset: what the SocialFX shape adds. */
  offsetOnlyRmsDb: number;
  /** Pearson correlation of the two crowds' mean curves: do they agree on the shape? */
  crowdCorrelation: number;
}

export interface Calibration {
  scale: SocialFxScale;
  /** RMS of the fit over every shared word and grid point, dB. */
  rmsDb: number;
  /** Mean over the words of their leave-one-out RMS, dB: the honest error of the scale. */
  leaveOneOutRmsDb: number;
  /** The same with the shape ignored (dbPerUnit 0), for comparison. */
  offsetOnlyRmsDb: number;
  words: CalibrationWord[];
}

/** Least squares for (dbPerUnit, offsetDb) over the words, each word weighing the same. */
export function fitScale(words: readonly SharedWord[]): SocialFxScale {
  let sxx = 0;
  let sx = 0;
  let sy = 0;
  let sxy = 0;
  let count = 0;
  for (const word of words) {
    const points = word.safeMeanDb.length;
    for (let i = 0; i < points; i++) {
      const x = word.socialfxMeanShape[i]!;
      const y = word.safeMeanDb[i]!;
      sxx += x * x;
      sx += x;
      sy += y;
      sxy += x * y;
      count++;
    }
  }
  const determinant = count * sxx - sx * sx;
  if (count === 0 || !(Math.abs(determinant) > 1e-12)) return { dbPerUnit: 0, offsetDb: count ? sy / count : 0 };
  return { dbPerUnit: (count * sxy - sx * sy) / determinant, offsetDb: (sxx * sy - sx * sxy) / determinant };
}

/** The mean of the words' SAFE curves: the best flat curve, each word weighing the same. */
function meanLevel(words: readonly SharedWord[]): number {
  let sum = 0;
  let count = 0;
  for (const word of words)
    for (const value of word.safeMeanDb) {
      sum += value;
      count++;
    }
  return count ? sum / count : 0;
}

function rms(word: SharedWord, scale: SocialFxScale): number {
  let sum = 0;
  for (let i = 0; i < word.safeMeanDb.length; i++) {
    const difference = scale.dbPerUnit * word.socialfxMeanShape[i]! + scale.offsetDb - word.safeMeanDb[i]!;
    sum += difference * difference;
  }
  return Math.sqrt(sum / word.safeMeanDb.length);
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** Fits the scale on the shared words and measures it word by word, each left out once. */
export function calibrateSocialFxScale(words: readonly SharedWord[]): Calibration {
  if (words.length < 2) throw new RangeError(`calibration needs at least 2 shared words, got ${words.length}`);
  const scale = fitScale(words);
  const perWord: CalibrationWord[] = words.map((word) => {
    const others = words.filter((other) => other !== word);
    const left = fitScale(others);
    return {
      word: word.word,
      safeExamples: word.safeExamples,
      socialfxExamples: word.socialfxExamples,
      leaveOneOutRmsDb: rms(word, left),
      offsetOnlyRmsDb: rms(word, { dbPerUnit: 0, offsetDb: meanLevel(others) }),
      crowdCorrelation: pearson(word.safeMeanDb, word.socialfxMeanShape),
    };
  });
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const all = words.flatMap((word) => {
    const value = rms(word, scale);
    return Array.from(word.safeMeanDb, () => value * value);
  });
  return {
    scale,
    rmsDb: Math.sqrt(mean(all)),
    leaveOneOutRmsDb: mean(perWord.map((word) => word.leaveOneOutRmsDb)),
    offsetOnlyRmsDb: mean(perWord.map((word) => word.offsetOnlyRmsDb)),
    words: perWord,
  };
}
