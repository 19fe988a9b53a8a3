/**
 * Naming a curve with words: non-negative weights over the words' curves (dB relative to flat)
 * that rebuild it. Each weight pays {@link DESCRIBE_RARITY_PENALTY}/√examples (a word known
 * from 4 settings needs more evidence than one known from 500); the weights stay shrunk by it:
 * fitting the chosen words again without it named SAFE-DB's settings worse (warm 67 % against 73 %)
 * and their morphs landed further from them (3.21 dB against 2.80), as the decoder does not add
 * curves linearly. Words are ordered by how much of the curve they make (weight × the RMS dB of
 * their curve): a word whose curve is small takes a large weight for a small part.
 * Measured on the samples and on SAFE-DB's settings in model/README.md ("Describe").
 */
import type { MorphTermValue } from "../language/index.js";

export interface WordCurve {
  word: string;
  examples: number;
  /** What `morph word` adds to flat, dB on a fixed grid. */
  curveDb: Float64Array;
}

/** The price of a weight of 1, in mean squared dB, divided by √examples. */
export const DESCRIBE_RARITY_PENALTY = 8;

/** Words making less than this (RMS dB) of the curve are not named. */
export const DESCRIBE_MIN_CONTRIBUTION_DB = 0.1;

const SWEEPS = 200;

/**
 * Non-negative least squares by coordinate descent, each weight paying `penalty(i)`; the weights.
 * Exact per coordinate; 200 sweeps over ~30 words converge far below the weights' printed 0.1.
 */
function nonNegativeFit(curves: readonly Float64Array[], goal: Float64Array, penalty: (i: number) => number): Float64Array {
  const m = goal.length;
  const weights = new Float64Array(curves.length);
  const residual = Float64Array.from(goal, (value) => -value);
  const norms = curves.map((curve) => curve.reduce((sum, value) => sum + value * value, 0) / m);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let i = 0; i < curves.length; i++) {
      if (norms[i]! < 1e-9) continue;
      const curve = curves[i]!;
      let gradient = 0;
      for (let k = 0; k < m; k++) gradient += curve[k]! * residual[k]!;
      const next = Math.max(0, weights[i]! - (gradient / m + penalty(i)) / norms[i]!);
      const delta = next - weights[i]!;
      if (delta === 0) continue;
      for (let k = 0; k < m; k++) residual[k]! += delta * curve[k]!;
      weights[i] = next;
    }
  }
  return weights;
}

/** The words nearest to `goalDb` (dB relative to flat, on the words' grid), most of the curve first. */
export function describeCurve(goalDb: Float64Array, words: readonly WordCurve[], maxWords = 3): MorphTermValue[] {
  const weights = nonNegativeFit(
    words.map((word) => word.curveDb),
    goalDb,
    (i) => DESCRIBE_RARITY_PENALTY / Math.sqrt(Math.max(1, words[i]!.examples)),
  );
  const rms = (curve: Float64Array) => Math.sqrt(curve.reduce((sum, value) => sum + value * value, 0) / curve.length);
  return words
    .map((word, i) => ({ word: word.word, weight: weights[i]!, contribution: weights[i]! * rms(word.curveDb) }))
    .filter((term) => term.weight >= 0.05 && term.contribution >= DESCRIBE_MIN_CONTRIBUTION_DB)
    .sort((a, b) => b.contribution - a.contribution)
    .slice(0, maxWords)
    .map(({ word, weight }) => ({ word, weight }));
}
