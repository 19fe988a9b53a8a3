/**
 * From rows to what the network and the model folder need: the normalised matrix and labels, the
 * coverage rows, the flat setting, and each word's latent centroid and parameter percentiles.
 */
import type { DatasetRow } from "./dataset.js";
import { denormalise, normalise, PARAMETER_COUNT, type ParameterBounds } from "../model/index.js";
import { curveError, evaluationCurve, EVALUATION_FREQUENCIES } from "../model/metrics.js";
import { withPrior, wordPrior } from "../model/wordPriors.js";
import { curveAndEffortError, latentNearestCurve } from "./latentSearch.js";
import { fittedSetting } from "./crowdData.js";
import { SeededRandom } from "../model/index.js";
import { SemanticModel, type WordModel } from "../model/index.js";
import type { TaggedExample } from "./fineTune.js";
import type { Network } from "../network/network.js";

export function toMatrix(rows: readonly DatasetRow[], bounds: ParameterBounds): Float32Array {
  const matrix = new Float32Array(rows.length * PARAMETER_COUNT);
  rows.forEach((row, index) => normalise(row.values, bounds, matrix, index * PARAMETER_COUNT));
  return matrix;
}

/** Tagged presets as rows of their words, each preset its own participant (fine-tuning and `--tagged`). */
export function taggedRows(examples: readonly TaggedExample[]): DatasetRow[] {
  return examples.map((example) => ({
    line: example.line,
    word: example.word,
    participant: `${example.file}:${example.line}`,
    values: example.values,
    source: "team" as const,
  }));
}

export function labelsOf(rows: readonly DatasetRow[], words: readonly string[]): Int32Array {
  return Int32Array.from(rows.map((row) => words.indexOf(row.word)));
}

/**
 * Coverage rows: copies of real settings with a few parameters redrawn uniformly over their whole
 * (normalised) range, unlabelled, so they train the reconstruction and never the contrastive loss.
 * They teach the autoencoder the corners of the range that few people used (a high shelf above
 * 10 kHz, extreme Q). 5-fold participant cross-validation (curve error / high shelves above 10 kHz):
 * none 0.90 dB / 0.24 oct; half the rows again 0.64 / 0.22; three quarters 0.62 / 0.23; as many again 0.59 / 0.18.
 */
export const AUGMENTATION = { fraction: 1, redrawnParameters: 3 } as const;

export function withCoverageRows(
  matrix: Float32Array,
  labels: Int32Array,
  n: number,
  seed: number,
  fraction: number = AUGMENTATION.fraction,
): { rows: Float32Array; labels: Int32Array; n: number } {
  const extra = Math.round(fraction * n);
  if (extra === 0) return { rows: matrix, labels, n };
  const random = new SeededRandom(seed + 7919);
  const rows = new Float32Array((n + extra) * PARAMETER_COUNT);
  rows.set(matrix.subarray(0, n * PARAMETER_COUNT));
  const allLabels = new Int32Array(n + extra).fill(-1);
  allLabels.set(labels.subarray(0, n));
  for (let k = 0; k < extra; k++) {
    const source = random.int(n);
    const offset = (n + k) * PARAMETER_COUNT;
    rows.set(matrix.subarray(source * PARAMETER_COUNT, (source + 1) * PARAMETER_COUNT), offset);
    for (let redraw = 0; redraw < AUGMENTATION.redrawnParameters; redraw++)
      rows[offset + random.int(PARAMETER_COUNT)] = random.next();
  }
  return { rows, labels: allLabels, n: n + extra };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * p;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/** The flat EQ: every gain 0 dB; frequencies and Q at the data's medians, so the latent sits among real settings. */
export function flatParameters(rows: readonly DatasetRow[]): number[] {
  return Array.from({ length: PARAMETER_COUNT }, (_, index) => {
    if ([0, 2, 5, 8, 11].includes(index)) return 0;
    return percentile(
      rows.map((row) => row.values[index]!).sort((a, b) => a - b),
      0.5,
    );
  });
}

/**
 * Each word's latents and the spread of its parameters. `centroid`, the mean of its examples'
 * latents, is where its examples live: `describe` measures against it. What `morph word` decodes
 * has two candidates, the centroid and the encoding of the SAFE setting fitted to the mean of the
 * examples' curves; the one whose decoded curve is closer to the examples (mean curve error) wins,
 * and is kept as `outputLatent` when it is not the centroid.
 * The centroid alone was measured on the two-crowd model: for words of 2–5 disagreeing examples
 * it decoded to curves unlike their examples (pure r = −0.22, excited 0.04, buzz 0.37 against the
 * mean curve of their examples), as the decoder is not linear between a few distant latents.
 */
export function wordModels(
  network: Network,
  rows: readonly DatasetRow[],
  words: readonly { word: string; examples: number }[],
  bounds: ParameterBounds,
): WordModel[] {
  const latents = network.encodeRows(toMatrix(rows, bounds), rows.length);
  const curves = rows.map((row) => evaluationCurve(row.values));
  const size = network.config.latentSize;
  // Only a word with a prior searches from flat: encoded once, when the first one needs it.
  let flatLatent: Float32Array | undefined;
  const flat = () => (flatLatent ??= network.encodeRows(normalise(flatParameters(rows), bounds), 1));
  return words.map(({ word }) => {
    const indices = rows.map((row, index) => (row.word === word ? index : -1)).filter((index) => index >= 0);
    const centroid = new Float32Array(size);
    for (const index of indices)
      for (let k = 0; k < size; k++) centroid[k]! += latents[index * size + k]! / indices.length;
    const crowdMean = new Float64Array(EVALUATION_FREQUENCIES.length);
    for (const index of indices)
      for (let i = 0; i < crowdMean.length; i++) crowdMean[i]! += curves[index]![i]! / indices.length;
    // A word whose few examples contradict physics (wordPriors.ts) is shrunk toward its prior.
    const meanCurve = withPrior(word, crowdMean, indices.length, EVALUATION_FREQUENCIES);
    const output = outputLatent(network, bounds, centroid, meanCurve, {
      examples: indices.map((index) => curves[index]!),
      prior: wordPrior(word) !== undefined,
      flat,
    });
    const column = (parameter: number) => indices.map((index) => rows[index]!.values[parameter]!).sort((a, b) => a - b);
    const spread = (p: number) =>
      Array.from({ length: PARAMETER_COUNT }, (_, parameter) => round(percentile(column(parameter), p), 4));
    const model: WordModel = {
      word,
      examples: indices.length,
      centroid: Array.from(centroid, (value) => round(value, 7)),
      percentiles: { p10: spread(0.1), p50: spread(0.5), p90: spread(0.9) },
    };
    if (output) model.outputLatent = Array.from(output, (value) => round(value, 7));
    return model;
  });
}

/**
 * dB of curve error one dB of band gain costs in a prior word's target (latentSearch.ts). Measured
 * on `distant` (model/README.md): without it the search lands on bells of +9.4 and −11.5 dB.
 */
export const PRIOR_EFFORT = 0.02;

/**
 * What `morph word` decodes when it is not the centroid: the encoding of the setting fitted to the
 * mean curve, when its decoded curve is closer to the examples. A word with a prior is judged
 * against the shrunk mean curve instead (its examples are what the prior corrects), and gets three
 * more candidates, the latents whose decoded curves come nearest to that curve when searched from
 * the centroid, the fitted setting's encoding and flat (latentSearch.ts): the encoding alone
 * decoded `distant` to bells of +7.8 and −11.7 dB that cancel out.
 */
function outputLatent(
  network: Network,
  bounds: ParameterBounds,
  centroid: Float32Array,
  meanCurve: Float64Array,
  judge: { examples: readonly Float64Array[]; prior: boolean; flat: () => Float32Array },
): Float32Array | undefined {
  const setting = normalise(fittedSetting(meanCurve, EVALUATION_FREQUENCIES).values, bounds);
  const fitted = network.encodeRows(setting, 1);
  const candidates = [centroid, fitted];
  if (judge.prior)
    for (const start of [centroid, fitted, judge.flat()])
      candidates.push(latentNearestCurve(network, bounds, meanCurve, start, { effort: PRIOR_EFFORT }));
  const decoded = network.decodeRows(
    Float32Array.from(candidates.flatMap((latent) => Array.from(latent))),
    candidates.length,
  );
  const errors = candidates.map((_, c) => {
    const values = denormalise(decoded, bounds, c * PARAMETER_COUNT);
    if (judge.prior) return curveAndEffortError(values, meanCurve, PRIOR_EFFORT);
    const curve = evaluationCurve(values);
    return judge.examples.reduce((sum, example) => sum + curveError(curve, example), 0) / judge.examples.length;
  });
  const best = errors.indexOf(Math.min(...errors));
  return best === 0 ? undefined : candidates[best];
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function buildSemanticModel(
  network: Network,
  rows: readonly DatasetRow[],
  words: readonly { word: string; examples: number }[],
  bounds: ParameterBounds,
): SemanticModel<Network> {
  const flat = flatParameters(rows);
  const flatLatent = network.encodeRows(normalise(flat, bounds), 1);
  return new SemanticModel(network, bounds, flatLatent, wordModels(network, rows, words, bounds));
}
