/**
 * The whole training job behind `eqp train`: load and check the data, train on the participant
 * split and evaluate on the held-out participants, then train on all usable data and write the
 * model folder atomically with its metadata (vocabulary, bounds, centroids, provenance, evaluation).
 */
import * as path from "node:path";
import { initBackend } from "./backend.js";
import {
  describeReport,
  loadDataset,
  participantFolds,
  splitByParticipant,
  type Dataset,
  type DatasetRow,
} from "../model/index.js";
import {
  evaluateModel,
  heldOutResults,
  highShelfCheck,
  modelChecks,
  summariseHeldOut,
  type Evaluation,
  type HeldOutResult,
} from "../model/index.js";
import { checkModelFolderTarget, newMetadataBase, saveModelFolder } from "./modelFolder.js";
import { DEFAULT_NETWORK_CONFIG, type Network, type NetworkConfig } from "./network.js";
import { fixedBounds, normalise, PARAMETER_COUNT, type BoundsScheme, type ParameterBounds } from "../model/index.js";
import { SeededRandom } from "../model/index.js";
import { SemanticModel, type WordModel } from "../model/index.js";
import { trainNetwork } from "./trainingLoop.js";
import { DEFAULT_TRAIN_OPTIONS, type EpochProgress, type TrainOptions } from "./trainOptions.js";

export const ATTRIBUTION =
  "Stables, R., Enderby, S., De Man, B., Fazekas, G., Reiss, J. D. (2014). SAFE: A System for the Extraction and Retrieval of Semantic Audio Descriptors. ISMIR 2014.";

export interface TrainJobOptions {
  dataFile: string;
  outDir: string;
  epochs?: number;
  seed?: number;
  minExamples?: number;
  bounds?: BoundsScheme;
  /** Train and evaluate on the participant split before the final model (default true). */
  evaluate?: boolean;
  /** Cross-validate over this many folds of participants instead of one split (default 1). */
  folds?: number;
  /** Ship the model trained on the training split only (for `eqp eval` on truly held-out data). */
  holdout?: boolean;
  backend?: "wasm" | "cpu";
  onProgress?: (phase: string, progress: EpochProgress) => void;
  onMessage?: (message: string) => void;
  shouldStop?: () => boolean;
}

export class TrainingStopped extends Error {
  override name = "TrainingStopped";
}

export function toMatrix(rows: readonly DatasetRow[], bounds: ParameterBounds): Float32Array {
  const matrix = new Float32Array(rows.length * PARAMETER_COUNT);
  rows.forEach((row, index) => normalise(row.values, bounds, matrix, index * PARAMETER_COUNT));
  return matrix;
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

/** Centroids of each word's examples in the latent space, with the spread of its parameters. */
export function wordModels(
  network: Network,
  rows: readonly DatasetRow[],
  words: readonly { word: string; examples: number }[],
  bounds: ParameterBounds,
): WordModel[] {
  const latents = network.encodeRows(toMatrix(rows, bounds), rows.length);
  const size = network.config.latentSize;
  return words.map(({ word }) => {
    const indices = rows.map((row, index) => (row.word === word ? index : -1)).filter((index) => index >= 0);
    const centroid = new Array<number>(size).fill(0);
    for (const index of indices)
      for (let k = 0; k < size; k++) centroid[k]! += latents[index * size + k]! / indices.length;
    const column = (parameter: number) => indices.map((index) => rows[index]!.values[parameter]!).sort((a, b) => a - b);
    const spread = (p: number) =>
      Array.from({ length: PARAMETER_COUNT }, (_, parameter) => round(percentile(column(parameter), p), 4));
    return {
      word,
      examples: indices.length,
      centroid: centroid.map((value) => round(value, 7)),
      percentiles: { p10: spread(0.1), p50: spread(0.5), p90: spread(0.9) },
    };
  });
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function buildSemanticModel(
  network: Network,
  rows: readonly DatasetRow[],
  words: readonly { word: string; examples: number }[],
  bounds: ParameterBounds,
): SemanticModel {
  const flat = flatParameters(rows);
  const flatLatent = network.encodeRows(normalise(flat, bounds), 1);
  return new SemanticModel(network, bounds, flatLatent, wordModels(network, rows, words, bounds));
}

async function fit(
  rows: readonly DatasetRow[],
  words: readonly string[],
  bounds: ParameterBounds,
  config: NetworkConfig,
  options: TrainOptions,
): Promise<{ network: Network; history: EpochProgress[] }> {
  const training = withCoverageRows(toMatrix(rows, bounds), labelsOf(rows, words), rows.length, options.seed);
  const result = await trainNetwork(training.rows, training.n, training.labels, config, options);
  if (options.shouldStop?.()) {
    result.network.dispose();
    throw new TrainingStopped("training stopped before the end: nothing was written");
  }
  return result;
}

export interface TrainJobResult {
  dataset: Dataset;
  evaluation?: Evaluation;
  seconds: number;
  outDir: string;
}

export async function runTrainingJob(options: TrainJobOptions): Promise<TrainJobResult> {
  const started = Date.now();
  const say = options.onMessage ?? (() => undefined);
  // A model that cannot be written should fail now, not after every epoch has run.
  checkModelFolderTarget(options.outDir);
  const dataset = loadDataset(options.dataFile, { minExamples: options.minExamples ?? 5 });
  say(`data: ${describeReport(dataset.report)}`);
  for (const skipped of dataset.report.skipped) say(`${options.dataFile}:${skipped.line}: skipped: ${skipped.reason}`);
  const backend = await initBackend(options.backend);
  const seed = options.seed ?? 1;
  const bounds = fixedBounds(options.bounds ?? "plugin");
  const words = dataset.words.map((entry) => entry.word);
  const config = DEFAULT_NETWORK_CONFIG;
  const trainOptions = (phase: string): TrainOptions => ({
    ...DEFAULT_TRAIN_OPTIONS,
    epochs: options.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs,
    seed,
    onEpoch: (progress) => options.onProgress?.(phase, progress),
    shouldStop: options.shouldStop,
  });

  let evaluation: Evaluation | undefined;
  const split = splitByParticipant(dataset.rows, seed);
  const folds = options.folds ?? 1;
  let crossValidated: HeldOutResult[] | undefined;
  if (options.holdout || (options.evaluate !== false && folds <= 1)) {
    say(
      `held-out split: ${split.train.length} training rows, ${split.validation.length} validation rows from participants ${split.validationParticipants.join(", ")}`,
    );
    const { network } = await fit(split.train, words, bounds, config, trainOptions("held-out"));
    const model = buildSemanticModel(
      network,
      split.train,
      dataset.words.filter((entry) => split.train.some((row) => row.word === entry.word)),
      bounds,
    );
    evaluation = {
      method: `one split by participant (seed ${seed}): ${split.validation.length} held-out settings`,
      ...evaluateModel(model, split.train, split.validation),
    };
    if (options.holdout) {
      save(
        options,
        model,
        dataset,
        bounds,
        config,
        seed,
        backend,
        evaluation,
        split.validationParticipants,
        "training split",
        started,
      );
      return { dataset, evaluation, seconds: (Date.now() - started) / 1000, outDir: options.outDir };
    }
    model.dispose();
  } else if (options.evaluate !== false) {
    crossValidated = [];
    const foldSplits = participantFolds(dataset.rows, folds, seed);
    for (const [index, fold] of foldSplits.entries()) {
      say(
        `fold ${index + 1}/${folds}: ${fold.train.length} training rows, ${fold.validation.length} held-out rows from ${fold.validationParticipants.length} participants`,
      );
      const { network } = await fit(fold.train, words, bounds, config, trainOptions(`fold ${index + 1}/${folds}`));
      const model = buildSemanticModel(
        network,
        fold.train,
        dataset.words.filter((entry) => fold.train.some((row) => row.word === entry.word)),
        bounds,
      );
      crossValidated.push(...heldOutResults(model, fold.train, fold.validation));
      model.dispose();
    }
  }
  const { network } = await fit(dataset.rows, words, bounds, config, trainOptions("all data"));
  const model = buildSemanticModel(network, dataset.rows, dataset.words, bounds);
  if (crossValidated) {
    evaluation = {
      method: `${folds}-fold cross-validation by participant (seed ${seed}): every setting held out once`,
      heldOut: summariseHeldOut(crossValidated),
      ...modelChecks(model, dataset.rows),
      highShelfAbove10k: [
        highShelfCheck(
          "held-out",
          crossValidated.map((result) => result.highShelf),
        ),
      ],
    };
  }
  save(
    options,
    model,
    dataset,
    bounds,
    config,
    seed,
    backend,
    evaluation,
    split.validationParticipants,
    "all usable data",
    started,
  );
  model.dispose();
  return { dataset, evaluation, seconds: (Date.now() - started) / 1000, outDir: options.outDir };
}

function save(
  options: TrainJobOptions,
  model: SemanticModel,
  dataset: Dataset,
  bounds: ParameterBounds,
  config: NetworkConfig,
  seed: number,
  backend: string,
  evaluation: Evaluation | undefined,
  validationParticipants: string[],
  trainedOn: string,
  started: number,
): void {
  const words = [...model.vocabulary.words()];
  saveModelFolder(options.outDir, model.network, {
    ...newMetadataBase(),
    description: `The V3 semantic EQ model: ${words.length} words from SAFE-DB, trained on ${trainedOn}.`,
    attribution: ATTRIBUTION,
    vocabulary: words,
    model: {
      bounds,
      latentSize: model.latentSize,
      flatParameters: flatParameters(dataset.rows),
      flatLatent: Array.from(model.flatLatent, (value) => round(value, 7)),
      words: words.map((entry) => model.word(entry.word)!),
      data: {
        file: path.basename(options.dataFile),
        sha256: dataset.checksum,
        rowsRead: dataset.report.rowsRead,
        rowsUsed: dataset.report.rowsUsed,
        malformedRows: dataset.report.skipped.length,
        junkLabels: dataset.report.junkLabels,
        minExamples: options.minExamples ?? 5,
        trainedOn,
        validationParticipants,
      },
      training: {
        ...DEFAULT_TRAIN_OPTIONS,
        epochs: options.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs,
        seed,
        coverageRows: AUGMENTATION,
        network: config,
        backend,
        seconds: round((Date.now() - started) / 1000, 1),
      },
      evaluation: evaluation as unknown as Record<string, unknown> | undefined,
      createdAt: new Date().toISOString(),
    },
  });
}
