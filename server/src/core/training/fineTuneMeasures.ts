/**
 * What a fine-tuning run measures: each team word's decoded curve against its examples before
 * (through the base encoder, as team words resolve untrained) and after, and how far the base
 * model's words and two-word mixes moved. Mean absolute curve errors over 20 Hz–20 kHz.
 */
import type { MorphTermValue } from "../language/index.js";
import { denormalise, type SemanticModel, type WordModel } from "../model/index.js";
import { curveError, evaluationCurve, EVALUATION_FREQUENCIES } from "../model/metrics.js";
import { fittedSetting } from "./crowdData.js";
import { type DatasetRow } from "./dataset.js";
import { round } from "./modelBuilding.js";

/** A team word's decoded curve against its examples' curves (mean absolute dB, 20 Hz–20 kHz). */
export interface TeamWordFit {
  word: string;
  examples: number;
  /** Through the base model's encoder, as team words resolve without training. */
  beforeDb: number;
  afterDb: number;
  /** The examples' own spread: the error of their mean curve, which no single setting beats by much. */
  spreadDb: number;
}

export interface FineTuneMeasures {
  teamWords: TeamWordFit[];
  /** How far the base model's words moved: each word's curve against the base model's. */
  bundledDrift: { medianDb: number; maxDb: number; word: string; mixMedianDb: number; mixMaxDb: number };
}

export function meanCurveError(decoded: ArrayLike<number>, rows: readonly DatasetRow[]): number {
  const curve = evaluationCurve(decoded);
  return rows.reduce((sum, row) => sum + curveError(curve, evaluationCurve(row.values)), 0) / rows.length;
}

/** A team word through the base encoder: the centroid of its examples, decoded (what the editor does untrained). */
function untrainedOutput(base: SemanticModel, rows: readonly DatasetRow[]): Float64Array {
  const latents = rows.map((row) => base.encode(row.values));
  const centroid = new Float32Array(base.latentSize);
  for (const latent of latents) for (let k = 0; k < centroid.length; k++) centroid[k]! += latent[k]! / latents.length;
  return denormalise(base.network.decodeRows(centroid, 1), base.bounds);
}

function meanCurveOf(rows: readonly DatasetRow[]): Float64Array {
  const mean = new Float64Array(EVALUATION_FREQUENCIES.length);
  for (const row of rows) {
    const curve = evaluationCurve(row.values);
    for (let i = 0; i < mean.length; i++) mean[i]! += curve[i]! / rows.length;
  }
  return mean;
}

/** The 13 values closest to the mean curve of the rows (the 5-band fit of it). */
export function bestSetting(rows: readonly DatasetRow[]): number[] {
  return fittedSetting(meanCurveOf(rows), EVALUATION_FREQUENCIES).values;
}

function meanCurveSpread(rows: readonly DatasetRow[]): number {
  const mean = meanCurveOf(rows);
  return rows.reduce((sum, row) => sum + curveError(mean, evaluationCurve(row.values)), 0) / rows.length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export function measure(
  base: SemanticModel,
  tuned: SemanticModel,
  baseWords: readonly WordModel[],
  team: readonly DatasetRow[],
  teamWords: readonly string[],
): FineTuneMeasures {
  const moved = (terms: MorphTermValue[]) =>
    curveError(evaluationCurve(base.generate(terms)), evaluationCurve(tuned.generate(terms)));
  const drift = baseWords.map((word) => ({ word: word.word, db: moved([{ word: word.word, weight: 1 }]) }));
  // Mixes too: a morph is the flat latent plus weighted word directions, all of which were re-anchored.
  const mixes = baseWords.map((word, i) =>
    moved([
      { word: word.word, weight: 0.3 },
      { word: baseWords[(i * 7 + 3) % baseWords.length]!.word, weight: 0.7 },
    ]),
  );
  const worst = drift.reduce((a, b) => (b.db > a.db ? b : a), drift[0] ?? { word: "", db: 0 });
  return {
    teamWords: teamWords.map((word) => {
      const rows = team.filter((row) => row.word === word);
      return {
        word,
        examples: rows.length,
        beforeDb: round(meanCurveError(untrainedOutput(base, rows), rows), 2),
        afterDb: round(meanCurveError(tuned.generate([{ word, weight: 1 }]), rows), 2),
        spreadDb: round(meanCurveSpread(rows), 2),
      };
    }),
    bundledDrift: {
      medianDb: round(median(drift.map((d) => d.db)), 2),
      maxDb: round(worst.db, 2),
      word: worst.word,
      mixMedianDb: round(median(mixes), 2),
      mixMaxDb: round(Math.max(0, ...mixes), 2),
    },
  };
}
