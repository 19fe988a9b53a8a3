/**
 * "Less of" a word: what a negative weight means. `morph harsh -1` is the opposite *change* of
 * `morph harsh`: the curve harsh adds to flat, taken away. Extrapolating in the latent
 * (z_flat − w (c − z_flat)) left the region the decoder was trained on: `harsh -0.5` came out
 * nearly flat and `sharp -1` added a +5.7 dB boost (issue 21).
 *
 * A morph with negative weights is therefore built in dB: the positive terms are mixed in the
 * latent and decoded as always; each negative term's curve relative to flat (its `word 1` decode
 * minus the flat decode) is scaled by its weight and added; the SAFE 5-band fit of that sum is
 * the result. The fit starts from the positive terms' setting (so at a negative weight of 0 it
 * returns exactly that setting: the morph is continuous in the weights) and from each negated
 * word's mirror image, besides the fitter's own starts. Deterministic, as the fitter is.
 */
import { fitSafeEq } from "../fit/index.js";
import type { EqBand } from "../eq/index.js";
import { EVALUATION_FREQUENCIES, EVALUATION_SAMPLE_RATE, evaluationCurve } from "./metrics.js";
import { parameterValuesOf } from "./describePreset.js";
import { bandsOf } from "./parameters.js";
import type { MorphTermValue } from "../language/index.js";

/** Decodes a morph whose weights are all non-negative: 13 parameters in plug-in units. */
export type PositiveDecoder = (terms: readonly MorphTermValue[]) => Float64Array;

export function hasLessOf(terms: readonly MorphTermValue[]): boolean {
  return terms.some((term) => term.weight < 0);
}

/** The 13 parameters of a morph with at least one negative weight (see the module's comment). */
export function lessOfSetting(terms: readonly MorphTermValue[], decode: PositiveDecoder): Float64Array {
  const more = terms.filter((term) => term.weight >= 0);
  const less = terms.filter((term) => term.weight < 0);
  const base = decode(more);
  const flatCurve = evaluationCurve(decode([]));
  const target = evaluationCurve(base);
  const mirrors: EqBand[][] = [];
  for (const term of less) {
    const word = decode([{ word: term.word, weight: 1 }]);
    const wordCurve = evaluationCurve(word);
    for (let i = 0; i < target.length; i++) target[i]! += term.weight * (wordCurve[i]! - flatCurve[i]!);
    mirrors.push(scaledGains(word, term.weight));
  }
  // A weight far outside what validation accepts (a fuzzer's -1e308) must still give a curve the
  // fitter can take: the target is held to what no EQ exceeds, and the morph keeps its warning.
  for (let i = 0; i < target.length; i++) target[i] = finiteWithin(target[i]!, TARGET_LIMIT_DB);
  const { bands } = fitSafeEq(EVALUATION_FREQUENCIES, target, {
    sampleRate: EVALUATION_SAMPLE_RATE,
    starts: [bandsOf(base), ...mirrors],
  });
  return Float64Array.from(parameterValuesOf(bands));
}

const TARGET_LIMIT_DB = 120;

function finiteWithin(value: number, limit: number): number {
  return Number.isNaN(value) ? 0 : Math.max(-limit, Math.min(limit, value));
}

/** A setting's bands with every gain multiplied by `factor`: its mirror image for a factor of −1. */
function scaledGains(values: Float64Array, factor: number): EqBand[] {
  return bandsOf(values).map((band) => ({ ...band, gainDb: band.gainDb * factor }));
}
