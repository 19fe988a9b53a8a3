/**
 * The evaluation reported by `eqp train`/`eqp eval` and in model/README.md: reconstruction of the
 * held-out participants' settings (curve, gain, frequency and Q errors) next to baselines, the
 * latent's silhouette, how representative each word's output is, and the settings with a high
 * shelf above 10 kHz (the predecessor could not produce anything above 7.9 kHz).
 */
import type { DatasetRow } from "./dataset.js";
import { curveError, evaluationCurve, parameterErrors, silhouette } from "../model/metrics.js";
import { denormalise, normalise, PARAMETER_COUNT, PARAMETERS } from "../model/parameters.js";
import type { SemanticModel } from "../model/semanticModel.js";
import { mulberry32 } from "../model/random.js";

export interface Evaluation {
  /** How the held-out numbers were made: one participant split, or k folds of participants. */
  method?: string;
  /** The held-out settings' scores averaged, and how many there were. */
  heldOut: { rows: number } & Omit<HeldOutResult, "highShelf">;
  /** Models over two crowds: the held-out scores of each source's rows (SAFE-DB's also for its 5+ setting words). */
  heldOutBySource?: Record<string, { rows: number } & Omit<HeldOutResult, "highShelf">>;
  silhouette: { warmBright: number; allWords: number };
  words: {
    word: string;
    examples: number;
    outputCurveErrorDb: number;
    meanParametersCurveErrorDb: number;
    meanCurveErrorDb: number;
  }[];
  highShelfAbove10k: {
    set: string;
    rows: number;
    meanErrorOctaves: number;
    maxErrorOctaves: number;
    withinQuarterOctave: number;
  }[];
  outputRange: { decodedSamples: number; valuesOutsidePluginRange: number; highestHighShelfHz: number };
}

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

function round(value: number, decimals = 3): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Encodes and decodes rows: the model's reconstruction of each setting. */
export function reconstruct(model: SemanticModel, rows: readonly DatasetRow[]): Float64Array[] {
  if (rows.length === 0) return [];
  const matrix = new Float32Array(rows.length * PARAMETER_COUNT);
  rows.forEach((row, index) => normalise(row.values, model.bounds, matrix, index * PARAMETER_COUNT));
  const decoded = model.network.decodeRows(model.network.encodeRows(matrix, rows.length), rows.length);
  return rows.map((_, index) => denormalise(decoded, model.bounds, index * PARAMETER_COUNT));
}

/** Each word's mean setting, averaged in the normalised space (log frequencies). */
function meanParameters(model: SemanticModel, rows: readonly DatasetRow[]): Map<string, Float64Array> {
  const sums = new Map<string, { sum: Float64Array; count: number }>();
  for (const row of rows) {
    const entry = sums.get(row.word) ?? { sum: new Float64Array(PARAMETER_COUNT), count: 0 };
    const normalised = normalise(row.values, model.bounds);
    for (let i = 0; i < PARAMETER_COUNT; i++) entry.sum[i]! += normalised[i]!;
    entry.count++;
    sums.set(row.word, entry);
  }
  return new Map(
    [...sums].map(([word, { sum, count }]) => [
      word,
      denormalise(
        sum.map((value) => value / count),
        model.bounds,
      ),
    ]),
  );
}

/** What one held-out setting scores: its reconstruction next to the baselines. */
export interface HeldOutResult {
  curveErrorDb: number;
  gainErrorDb: number;
  frequencyErrorOctaves: number;
  qErrorOctaves: number;
  perWordMeanCurveErrorDb: number;
  flatCurveErrorDb: number;
  highShelf: { expected: number; reconstructed: number };
}

const FLAT_CURVE = new Float64Array(200);

/** Reconstructs each held-out setting with a model that never saw its participant. */
export function heldOutResults(
  model: SemanticModel,
  trainRows: readonly DatasetRow[],
  heldOutRows: readonly DatasetRow[],
): HeldOutResult[] {
  const reconstructed = reconstruct(model, heldOutRows);
  const means = meanParameters(model, trainRows);
  return heldOutRows.map((row, index) => {
    const curve = evaluationCurve(row.values);
    const errors = parameterErrors(reconstructed[index]!, row.values);
    const mean = means.get(row.word);
    return {
      curveErrorDb: curveError(evaluationCurve(reconstructed[index]!), curve),
      gainErrorDb: errors.gainDb,
      frequencyErrorOctaves: errors.frequencyOctaves,
      qErrorOctaves: errors.qOctaves,
      perWordMeanCurveErrorDb: mean ? curveError(evaluationCurve(mean), curve) : curveError(FLAT_CURVE, curve),
      flatCurveErrorDb: curveError(FLAT_CURVE, curve),
      highShelf: { expected: row.values[12]!, reconstructed: reconstructed[index]![12]! },
    };
  });
}

export function summariseHeldOut(results: readonly HeldOutResult[]): Evaluation["heldOut"] {
  const average = (key: Exclude<keyof HeldOutResult, "highShelf">) => round(mean(results.map((result) => result[key])));
  return {
    rows: results.length,
    curveErrorDb: average("curveErrorDb"),
    gainErrorDb: average("gainErrorDb"),
    frequencyErrorOctaves: average("frequencyErrorOctaves"),
    qErrorOctaves: average("qErrorOctaves"),
    perWordMeanCurveErrorDb: average("perWordMeanCurveErrorDb"),
    flatCurveErrorDb: average("flatCurveErrorDb"),
  };
}

/** How settings with a high shelf above 10 kHz come back (octaves). */
export function highShelfCheck(
  set: string,
  pairs: readonly { expected: number; reconstructed: number }[],
): Evaluation["highShelfAbove10k"][number] {
  const errors = pairs
    .filter((pair) => pair.expected > 10000)
    .map((pair) => Math.abs(Math.log2(pair.reconstructed / pair.expected)));
  return {
    set,
    rows: errors.length,
    meanErrorOctaves: round(mean(errors)),
    maxErrorOctaves: round(errors.length ? errors.reduce((max, error) => Math.max(max, error), -Infinity) : Number.NaN),
    withinQuarterOctave: round(
      errors.length ? errors.filter((error) => error <= 0.25).length / errors.length : Number.NaN,
    ),
  };
}

/** Checks of a model against the rows it was built from: latent silhouette, word outputs, output range. */
export function modelChecks(
  model: SemanticModel,
  rows: readonly DatasetRow[],
): Pick<Evaluation, "silhouette" | "words" | "outputRange"> {
  const latents = model.network.encodeRows(
    (() => {
      const matrix = new Float32Array(rows.length * PARAMETER_COUNT);
      rows.forEach((row, index) => normalise(row.values, model.bounds, matrix, index * PARAMETER_COUNT));
      return matrix;
    })(),
    rows.length,
  );
  const wordIds = new Map(model.vocabulary.words().map((entry, index) => [entry.word, index]));
  const labels = rows.map((row) => wordIds.get(row.word) ?? -1);
  const size = model.latentSize;
  const pick = (keep: (row: DatasetRow) => boolean) => {
    const indices = labels
      .map((label, index) => (label >= 0 && keep(rows[index]!) ? index : -1))
      .filter((index) => index >= 0);
    const points = new Float32Array(indices.length * size);
    indices.forEach((index, row) => points.set(latents.subarray(index * size, (index + 1) * size), row * size));
    return { points, labels: indices.map((index) => labels[index]!) };
  };
  const warmBright = pick((row) => row.word === "warm" || row.word === "bright");
  const every = pick(() => true);

  // A word without examples in these rows (a SocialFX word scored on SAFE-DB data) has nothing to compare.
  const scored = model.vocabulary.words().filter(({ word }) => rows.some((row) => row.word === word));
  const words = scored.map(({ word }) => {
    const examples = rows.filter((row) => row.word === word);
    const exampleCurves = examples.map((row) => evaluationCurve(row.values));
    const output = evaluationCurve(model.generate([{ word, weight: 1 }]));
    const meanSetting = evaluationCurve(meanParameters(model, examples).get(word)!);
    const meanCurve = new Float64Array(output.length);
    for (const curve of exampleCurves)
      for (let i = 0; i < curve.length; i++) meanCurve[i]! += curve[i]! / exampleCurves.length;
    return {
      word,
      examples: examples.length,
      outputCurveErrorDb: round(mean(exampleCurves.map((curve) => curveError(output, curve)))),
      meanParametersCurveErrorDb: round(mean(exampleCurves.map((curve) => curveError(meanSetting, curve)))),
      meanCurveErrorDb: round(mean(exampleCurves.map((curve) => curveError(meanCurve, curve)))),
    };
  });

  // Decode random latents across the latent box: every value must land in the plug-in's ranges.
  const random = mulberry32(7);
  const samples = 2000;
  const randomLatents = Float32Array.from({ length: samples * size }, () => random() * 2 - 1);
  const decoded = model.network.decodeRows(randomLatents, samples);
  let outside = 0;
  let highestHighShelf = 0;
  for (let index = 0; index < samples; index++) {
    const values = denormaliseUnclamped(decoded, model, index * PARAMETER_COUNT);
    for (const parameter of PARAMETERS) {
      const value = values[parameter.index]!;
      if (value < parameter.pluginRange.min - 1e-6 || value > parameter.pluginRange.max + 1e-6) outside++;
    }
    highestHighShelf = Math.max(highestHighShelf, values[12]!);
  }
  return {
    silhouette: {
      warmBright: round(silhouette(warmBright.points, size, warmBright.labels)),
      allWords: round(silhouette(every.points, size, every.labels)),
    },
    words,
    outputRange: {
      decodedSamples: samples,
      valuesOutsidePluginRange: outside,
      highestHighShelfHz: Math.round(highestHighShelf),
    },
  };
}

/** The whole evaluation of one model on one participant split. */
export function evaluateModel(
  model: SemanticModel,
  trainRows: readonly DatasetRow[],
  heldOutRows: readonly DatasetRow[],
): Evaluation {
  const results = heldOutResults(model, trainRows, heldOutRows);
  const training = reconstruct(model, trainRows).map((values, index) => ({
    expected: trainRows[index]!.values[12]!,
    reconstructed: values[12]!,
  }));
  return {
    heldOut: summariseHeldOut(results),
    ...modelChecks(model, [...trainRows, ...heldOutRows]),
    highShelfAbove10k: [
      highShelfCheck(
        "held-out",
        results.map((result) => result.highShelf),
      ),
      highShelfCheck("training", training),
    ],
  };
}

/** The bounds' mapping without the final clamp, to check that the network itself stays in range. */
function denormaliseUnclamped(normalised: Float32Array, model: SemanticModel, offset: number): number[] {
  return model.bounds.ranges.map((range, i) => {
    const t = normalised[offset + i]!;
    return range.log ? range.min * Math.pow(range.max / range.min, t) : range.min + t * (range.max - range.min);
  });
}
