/**
 * The training data of one model over two crowds: SAFE-DB's settings as they are, and SocialFX's
 * contributions turned into SAFE settings (calibrated to dB, then fitted with the 5-band EQ). Each
 * row keeps its source; a word known from both crowds uses both. Which words ship is decided here,
 * by measurement (wordConfidence.ts), as is what a comparative ("brighter") becomes.
 */
import { responseDb } from "../eq/index.js";
import { fitSafeEq } from "../fit/index.js";
import type { Dataset, DatasetRow } from "./dataset.js";
import { bandsOf, PARAMETERS, sortBells } from "../model/parameters.js";
import type { SocialFxDataset } from "./socialfx.js";
import {
  calibrateSocialFxScale,
  CURVE_FREQUENCIES,
  pearson,
  shapeAt,
  socialFxCurveDb,
  type Calibration,
  type SharedWord,
} from "./socialfxScale.js";
import type { WordSource } from "../model/vocabulary.js";
import { judgeWord, type Contributor, type ContributorPools, type WordVerdict } from "./wordConfidence.js";

/** Shared words calibrate the scale when SAFE-DB has this many settings from 2+ people and SocialFX 2+ curves. */
export const CALIBRATION_MIN_SAFE_EXAMPLES = 3;
/** A comparative is merged into its base word when their mean curves correlate at least this much. */
export const COMPARATIVE_MERGE_CORRELATION = 0.5;
/**
 * Words that name what was equalised (an instrument, a voice), not how it should sound: SAFE-DB's
 * users often typed the track's name. They never ship, whatever their agreement.
 */
export const SOURCE_WORDS: readonly string[] = [
  "vocals",
  "vocal",
  "voice",
  "guitar",
  "guitarriche",
  "guitars",
  "piano",
  "drum",
  "drums",
  "kick",
  "snare",
  "trumpet",
];
/** Two SAFE participants' curves closer than this (RMS dB) are one preset loaded twice, one opinion. */
const DUPLICATE_CURVE_DB = 0.1;

export interface ComparativeMeasure {
  word: string;
  base: string;
  examples: number;
  /** Pearson correlation of the two words' mean curves (dB, all crowds). */
  correlation: number;
  /** The weight of the base word that best rebuilds the comparative's mean curve (least squares). */
  intensity: number;
  merged: boolean;
}

export interface FitSummary {
  contributions: number;
  meanRmsDb: number;
  maxRmsDb: number;
  seconds: number;
}

export interface CrowdData {
  /** SAFE rows and fitted SocialFX rows of the shipped words. */
  rows: DatasetRow[];
  /** The shipped words, most examples first. */
  words: { word: string; examples: number }[];
  verdicts: Map<string, WordVerdict>;
  /** Every word with 2+ contributors, shipped or not, for the README's tables. */
  judged: WordVerdict[];
  calibration?: Calibration;
  comparatives: ComparativeMeasure[];
  fit?: FitSummary;
}

function meanCurve(curves: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(curves[0]!.length);
  for (const curve of curves) for (let i = 0; i < out.length; i++) out[i]! += curve[i]! / curves.length;
  return out;
}

function rmsDifference(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum / a.length);
}

/** A SAFE setting's curve on the common grid. */
export function settingCurve(values: ArrayLike<number>): Float64Array {
  return responseDb(bandsOf(values), CURVE_FREQUENCIES, 44100);
}

/** "brighter" → "bright", "bigger" → "big", "louder" → "loud": the base words it could compare. */
export function comparativeBases(word: string): string[] {
  if (!word.endsWith("er") || word.length < 5) return [];
  const stem = word.slice(0, -2);
  const bases = [stem, `${stem}e`];
  if (stem.length >= 3 && stem.at(-1) === stem.at(-2)) bases.push(stem.slice(0, -1));
  return bases;
}

/** The 13 values of the SAFE setting nearest to a curve, bells sorted and clamped as SAFE rows are. */
export function fittedSetting(
  targetDb: Float64Array,
  frequencies: ArrayLike<number> = CURVE_FREQUENCIES,
): { values: number[]; rmsDb: number } {
  const fit = fitSafeEq(frequencies, targetDb);
  const [low, b1, b2, b3, high] = fit.bands;
  const values = [
    low!.gainDb,
    low!.frequencyHz,
    ...[b1!, b2!, b3!].flatMap((bell) => [bell.gainDb, bell.frequencyHz, bell.q]),
    high!.gainDb,
    high!.frequencyHz,
  ];
  sortBells(values);
  for (const parameter of PARAMETERS)
    values[parameter.index] = Math.min(
      parameter.pluginRange.max,
      Math.max(parameter.pluginRange.min, values[parameter.index]!),
    );
  return { values, rmsDb: fit.rmsDb };
}

export interface CrowdOptions {
  seed: number;
}

/**
 * Builds the training data. `safe` should be loaded with minExamples 1: which words are usable is
 * decided here, over both crowds, not per file.
 */
export function prepareCrowdData(
  safe: Dataset,
  socialfx: SocialFxDataset | undefined,
  options: CrowdOptions,
): CrowdData {
  const safeCurves = new Map<DatasetRow, Float64Array>(safe.rows.map((row) => [row, settingCurve(row.values)]));
  const socialRows = socialfx?.rows ?? [];
  // Each word's examples per crowd, by word (after comparatives are merged below).
  let labelOf = (word: string): string => word;
  const collect = () => {
    const safeBy = new Map<string, DatasetRow[]>();
    for (const row of safe.rows) {
      const word = labelOf(row.word);
      safeBy.set(word, [...(safeBy.get(word) ?? []), row]);
    }
    const socialBy = new Map<string, number[][]>();
    for (const row of socialRows) {
      const word = labelOf(row.word);
      socialBy.set(word, [...(socialBy.get(word) ?? []), row.shape]);
    }
    return { safeBy, socialBy };
  };
  let { safeBy, socialBy } = collect();

  // The dB scale of SocialFX, from the words both crowds share.
  let calibration: Calibration | undefined;
  const interpolated = (shape: number[]) =>
    Float64Array.from(CURVE_FREQUENCIES, (f) => shapeAt(shape, socialfx!.frequencies, f));
  if (socialfx) {
    const shared: SharedWord[] = [...safeBy.entries()]
      .filter(([word, rows]) => {
        const people = new Set(rows.map((row) => row.participant)).size;
        return rows.length >= CALIBRATION_MIN_SAFE_EXAMPLES && people >= 2 && (socialBy.get(word)?.length ?? 0) >= 2;
      })
      .map(([word, rows]) => ({
        word,
        safeExamples: rows.length,
        socialfxExamples: socialBy.get(word)!.length,
        safeMeanDb: meanCurve(rows.map((row) => safeCurves.get(row)!)),
        socialfxMeanShape: meanCurve(socialBy.get(word)!.map(interpolated)),
      }))
      .sort((a, b) => a.word.localeCompare(b.word));
    calibration = calibrateSocialFxScale(shared);
  }
  const socialCurve = (shape: number[]) => socialFxCurveDb(shape, socialfx!.frequencies, calibration!.scale);

  // Comparatives: merged into their base word when their curves agree, measured either way.
  const allCurves = (word: string): Float64Array[] => [
    ...(safeBy.get(word) ?? []).map((row) => safeCurves.get(row)!),
    ...(socialBy.get(word) ?? []).map(socialCurve),
  ];
  const { comparatives, merges } = measureComparatives(
    [...new Set([...safeBy.keys(), ...socialBy.keys()])],
    (word) => safeBy.has(word) || socialBy.has(word),
    allCurves,
  );
  labelOf = (word) => merges.get(word) ?? word;
  ({ safeBy, socialBy } = collect());

  const judged = judgeWords({ safeBy, socialBy }, safeCurves, socialCurve, options.seed);
  for (const verdict of judged) if (SOURCE_WORDS.includes(verdict.word)) verdict.ships = false;
  const verdicts = new Map(judged.filter((verdict) => verdict.ships).map((verdict) => [verdict.word, verdict]));

  // The rows: SAFE as read, SocialFX fitted; only shipped words.
  const rows: DatasetRow[] = safe.rows
    .filter((row) => verdicts.has(labelOf(row.word)))
    .map((row) => ({ ...row, word: labelOf(row.word), source: "safe" as WordSource }));
  let fit: FitSummary | undefined;
  if (socialfx) {
    const started = performance.now();
    const residuals: number[] = [];
    for (const row of socialfx.rows) {
      const word = labelOf(row.word);
      if (!verdicts.has(word)) continue;
      const { values, rmsDb } = fittedSetting(socialCurve(row.shape));
      residuals.push(rmsDb);
      rows.push({ line: row.line, word, participant: `socialfx:${row.line}`, values, source: "socialfx" });
    }
    fit = {
      contributions: residuals.length,
      meanRmsDb: round(residuals.reduce((a, b) => a + b, 0) / Math.max(1, residuals.length)),
      maxRmsDb: round(Math.max(0, ...residuals)),
      seconds: round((performance.now() - started) / 1000, 1),
    };
  }
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.word, (counts.get(row.word) ?? 0) + 1);
  const shipped = [...counts.entries()]
    .map(([word, examples]) => ({ word, examples }))
    .sort((a, b) => b.examples - a.examples || a.word.localeCompare(b.word));
  return { rows, words: shipped, verdicts, judged, calibration, comparatives, fit };
}

/** Comparatives ("warmer"): measured against their base word, merged into it when their curves agree. */
function measureComparatives(
  words: readonly string[],
  known: (word: string) => boolean,
  allCurves: (word: string) => Float64Array[],
): { comparatives: ComparativeMeasure[]; merges: Map<string, string> } {
  const comparatives: ComparativeMeasure[] = [];
  const merges = new Map<string, string>();
  for (const word of [...words].sort()) {
    const base = comparativeBases(word).find(known);
    if (!base) continue;
    const mine = meanCurve(allCurves(word));
    const theirs = meanCurve(allCurves(base));
    const correlation = pearson(mine, theirs);
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < mine.length; i++) {
      dot += mine[i]! * theirs[i]!;
      norm += theirs[i]! * theirs[i]!;
    }
    const merged = correlation >= COMPARATIVE_MERGE_CORRELATION;
    if (merged) merges.set(word, base);
    comparatives.push({
      word,
      base,
      examples: allCurves(word).length,
      correlation: round(correlation),
      intensity: round(norm > 0 ? dot / norm : 0),
      merged,
    });
  }
  return { comparatives, merges };
}

/** Each word's examples per crowd. */
interface CrowdRows {
  safeBy: Map<string, DatasetRow[]>;
  socialBy: Map<string, number[][]>;
}

/** Every word with two contributors or more, judged on how far its contributors agree (wordConfidence.ts). */
function judgeWords(
  { safeBy, socialBy }: CrowdRows,
  safeCurves: Map<DatasetRow, Float64Array>,
  socialCurve: (shape: number[]) => Float64Array,
  seed: number,
): WordVerdict[] {
  // Contributors: one curve per SAFE participant (near-identical ones once), one per SocialFX contribution.
  const contributorsOf = (word: string): Contributor[] => {
    const byPerson = new Map<string, Float64Array[]>();
    for (const row of safeBy.get(word) ?? [])
      byPerson.set(row.participant, [...(byPerson.get(row.participant) ?? []), safeCurves.get(row)!]);
    const people: Float64Array[] = [];
    for (const curves of byPerson.values()) {
      const curve = meanCurve(curves);
      if (!people.some((other) => rmsDifference(other, curve) < DUPLICATE_CURVE_DB)) people.push(curve);
    }
    return [
      ...people.map((curveDb) => ({ source: "safe" as WordSource, curveDb })),
      ...(socialBy.get(word) ?? []).map((shape) => ({ source: "socialfx" as WordSource, curveDb: socialCurve(shape) })),
    ];
  };
  const words = [...new Set([...safeBy.keys(), ...socialBy.keys()])].sort();
  const contributors = new Map(words.map((word) => [word, contributorsOf(word)]));
  // Centred on each crowd's average curve: what every curve shares (a slight tilt) is not agreement.
  const centres = new Map<WordSource, Float64Array>();
  for (const source of ["safe", "socialfx"] as const) {
    const curves = [...contributors.values()].flat().filter((c) => c.source === source);
    if (curves.length > 0) centres.set(source, meanCurve(curves.map((c) => c.curveDb)));
  }
  const centred = (c: Contributor): Contributor => ({
    source: c.source,
    curveDb: c.curveDb.map((value, i) => value - centres.get(c.source)![i]!),
  });
  const pools: ContributorPools = {};
  for (const list of contributors.values())
    for (const contributor of list) (pools[contributor.source] ??= []).push(centred(contributor).curveDb);
  const judged: WordVerdict[] = [];
  for (const [index, word] of words.entries()) {
    const list = contributors.get(word)!;
    if (list.length < 2) continue;
    const examples: Partial<Record<WordSource, number>> = {};
    if (safeBy.has(word)) examples.safe = safeBy.get(word)!.length;
    if (socialBy.has(word)) examples.socialfx = socialBy.get(word)!.length;
    judged.push(judgeWord({ word, contributors: list.map(centred), examples }, pools, seed * 100003 + index));
  }
  return judged;
}

function round(value: number, decimals = 3): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
