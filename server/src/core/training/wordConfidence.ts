/**
 * How far a word can be trusted: how many people gave it, in which crowd, and how well their
 * curves agree (split-half reliability), judged against what chance gives for as many people.
 *
 * A "contributor" is one person's curve for the word: a SAFE-DB participant's settings of the
 * word averaged (five settings from one person are one opinion, not five), or one SocialFX
 * contribution calibrated to dB. Split-half reliability: the contributors are split at random into
 * two halves many times (seeded), the two halves' mean curves correlated (Pearson over the grid),
 * the correlations averaged and stepped up to the full count by Spearman–Brown, 2r / (1 + |r|).
 * Curves share a common tilt (most people cut lows or lift highs a little), so even random people
 * agree somewhat, and two random people often agree a lot: the chance level is measured by drawing
 * as many random contributors from the same crowds, and a word's `chance` is the fraction of those
 * draws that agree at least as well as its own contributors (a permutation p-value).
 */
import { SeededRandom } from "../model/random.js";
import { pearson } from "./socialfxScale.js";
import type { WordConfidence, WordSource } from "../model/vocabulary.js";

export interface Contributor {
  source: WordSource;
  /** This person's curve for the word, dB on a common grid. */
  curveDb: Float64Array;
}

/** Seeded random halves this many times for a word's reliability. */
export const RELIABILITY_SPLITS = 40;
/** Random sets of contributors drawn for a word's chance level. */
export const CHANCE_DRAWS = 200;

function meanOf(curves: readonly Float64Array[], indices: ArrayLike<number>, from: number, to: number): Float64Array {
  const out = new Float64Array(curves[0]!.length);
  for (let k = from; k < to; k++) {
    const curve = curves[indices[k]!]!;
    for (let i = 0; i < out.length; i++) out[i]! += curve[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= to - from;
  return out;
}

/** Split-half reliability (Spearman–Brown corrected), or undefined for fewer than 2 curves. */
export function splitHalfReliability(
  curves: readonly Float64Array[],
  seed: number,
  splits = RELIABILITY_SPLITS,
): number | undefined {
  if (curves.length < 2) return undefined;
  const random = new SeededRandom(seed);
  const half = Math.floor(curves.length / 2);
  let sum = 0;
  for (let split = 0; split < splits; split++) {
    const order = random.permutation(curves.length);
    sum += pearson(meanOf(curves, order, 0, half), meanOf(curves, order, half, curves.length));
  }
  const r = sum / splits;
  return (2 * r) / (1 + Math.abs(r));
}

/** Every crowd's contributors (all words), the pool that chance draws from. */
export type ContributorPools = Partial<Record<WordSource, Float64Array[]>>;

/**
 * The fraction of random sets of contributors, drawn from the pools with the word's own count per
 * crowd, whose reliability is at least `agreement` (with the usual +1 so it is never 0).
 */
export function chanceOfAgreement(
  agreement: number,
  counts: Partial<Record<WordSource, number>>,
  pools: ContributorPools,
  seed: number,
  draws = CHANCE_DRAWS,
): number {
  const random = new SeededRandom(seed);
  let atLeast = 0;
  for (let draw = 0; draw < draws; draw++) {
    const curves: Float64Array[] = [];
    for (const [source, count] of Object.entries(counts) as [WordSource, number][]) {
      const pool = pools[source] ?? [];
      for (let k = 0; k < count && pool.length > 0; k++) curves.push(pool[random.int(pool.length)]!);
    }
    const value = splitHalfReliability(curves, seed + draw + 1, 10);
    if (value !== undefined && value >= agreement) atLeast++;
  }
  return (atLeast + 1) / (draws + 1);
}

/**
 * The documented rule (model/README.md, "Confidence"). A word ships when at least 2 people gave
 * it, their curves agree (reliability above 0) and at least as well as half the random sets of as
 * many people do (chance ≤ 0.5). That keeps words whose few people cannot prove agreement; they
 * ship as "low", to be flagged where they are used. "medium": beyond chance at 5 % with 3+ people;
 * "high": beyond chance at 1 % with 8+ people agreeing at 0.8 or more.
 */
export const SHIP_RULE = {
  minContributors: 2,
  minAgreement: 0,
  maxChance: 0.5,
  medium: { maxChance: 0.05, minContributors: 3 },
  high: { maxChance: 0.01, minContributors: 8, minAgreement: 0.8 },
} as const;

export interface MeasuredWord {
  word: string;
  contributors: Contributor[];
  /** Examples per source (settings or contributions, not people). */
  examples: Partial<Record<WordSource, number>>;
}

export interface WordVerdict {
  word: string;
  confidence: WordConfidence;
  contributors: number;
  /** The chance level of its agreement: see {@link chanceOfAgreement}. */
  chance: number;
  ships: boolean;
}

export function judgeWord(measured: MeasuredWord, pools: ContributorPools, seed: number): WordVerdict {
  const curves = measured.contributors.map((contributor) => contributor.curveDb);
  const agreement = splitHalfReliability(curves, seed);
  const counts: Partial<Record<WordSource, number>> = {};
  for (const contributor of measured.contributors) counts[contributor.source] = (counts[contributor.source] ?? 0) + 1;
  const chance = agreement === undefined ? 1 : chanceOfAgreement(agreement, counts, pools, seed);
  const people = curves.length;
  const rule = SHIP_RULE;
  const level: WordConfidence["level"] =
    agreement !== undefined &&
    chance <= rule.high.maxChance &&
    people >= rule.high.minContributors &&
    agreement >= rule.high.minAgreement
      ? "high"
      : chance <= rule.medium.maxChance && people >= rule.medium.minContributors
        ? "medium"
        : "low";
  const confidence: WordConfidence = { sources: { ...measured.examples }, level };
  if (agreement !== undefined) confidence.agreement = Math.round(agreement * 1000) / 1000;
  return {
    word: measured.word,
    confidence,
    contributors: people,
    chance: Math.round(chance * 1000) / 1000,
    ships:
      people >= rule.minContributors &&
      agreement !== undefined &&
      agreement > rule.minAgreement &&
      chance <= rule.maxChance,
  };
}
