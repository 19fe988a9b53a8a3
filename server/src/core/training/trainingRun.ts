/**
 * The whole training job behind `eqp train`: load and check the data (SAFE-DB, and SocialFX when
 * given), train on participant folds and evaluate on the held-out participants, then train on all
 * usable data and write the model folder atomically with its metadata (vocabulary with each word's
 * confidence and summary, bounds, centroids, provenance, evaluation per source).
 */
import * as path from "node:path";
import { initBackend } from "../network/backend.js";
import {
  curveRegionsSummary,
  fixedBounds,
  type BoundsScheme,
  type ParameterBounds,
  SemanticModel,
  type WordModel,
} from "../model/index.js";
import {
  describeReport,
  loadDataset,
  participantFolds,
  splitByParticipant,
  type Dataset,
  type DatasetRow,
} from "./dataset.js";
import { describeSocialFxReport, loadSocialFx, type SocialFxDataset } from "./socialfx.js";
import {
  evaluateModel,
  heldOutResults,
  highShelfCheck,
  modelChecks,
  summariseHeldOut,
  type Evaluation,
  type HeldOutResult,
} from "./evaluation.js";
import { evaluationCurve, EVALUATION_FREQUENCIES } from "../model/metrics.js";
import { prepareCrowdData, type CrowdData } from "./crowdData.js";
import { checkModelFolderTarget, saveSemanticModel } from "../network/modelFolder.js";
import {
  buildSemanticModel,
  flatParameters,
  labelsOf,
  round,
  taggedRows,
  toMatrix,
  withCoverageRows,
  AUGMENTATION,
} from "./modelBuilding.js";
import { DEFAULT_NETWORK_CONFIG, type Network, type NetworkConfig } from "../network/network.js";
import type { TaggedExample, TaggedWord } from "./fineTune.js";
import { trainNetwork } from "./trainingLoop.js";
import { DEFAULT_TRAIN_OPTIONS, type EpochProgress, type TrainOptions } from "./trainOptions.js";

export const ATTRIBUTION =
  "Stables, R., Enderby, S., De Man, B., Fazekas, G., Reiss, J. D. (2014). SAFE: A System for the Extraction and Retrieval of Semantic Audio Descriptors. ISMIR 2014.";
export const SOCIALFX_ATTRIBUTION =
  "Zheng, T., Seetharaman, P., Pardo, B. (2016). SocialFX: Studying a Crowdsourced Folksonomy of Audio Effects Terms. ACM Multimedia 2016; Seetharaman, P., Pardo, B. (2016). Audealize.";

export interface TrainJobOptions {
  dataFile: string;
  /** SocialFX_eq_contributions.csv: train on both crowds (words then ship by measured confidence). */
  socialFxFile?: string;
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
  /** The workspace's tagged presets, learnt as examples of the team's words next to the CSVs. */
  tagged?: { examples: readonly TaggedExample[]; words: readonly TaggedWord[] };
}

export class TrainingStopped extends Error {
  override name = "TrainingStopped";
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

/** What one run trains on: SAFE-DB alone (words by example count), or both crowds (words by confidence). */
interface TrainingData {
  dataset: Dataset;
  socialfx?: SocialFxDataset;
  crowd?: CrowdData;
  rows: DatasetRow[];
  words: { word: string; examples: number }[];
  /** Team words learnt from tagged presets, with the workspace's confidence and summary. */
  team?: Map<string, TaggedWord>;
}

/** Adds the tagged presets as rows (each preset its own participant) of team words the data lacks. */
function withTaggedPresets(data: TrainingData, options: TrainJobOptions, say: (message: string) => void): TrainingData {
  const tagged = options.tagged;
  if (!tagged || tagged.examples.length === 0) return data;
  const known = new Set(data.words.map((entry) => entry.word));
  const clashing = [...new Set(tagged.examples.map((e) => e.word).filter((word) => known.has(word)))];
  if (clashing.length > 0)
    say(`tagged presets of ${clashing.join(", ")} not used: the data has these words (rename the tags to train them)`);
  const examples = tagged.examples.filter((example) => !known.has(example.word));
  if (examples.length === 0) return data;
  const rows = taggedRows(examples);
  const team = new Map(tagged.words.filter((word) => !known.has(word.word)).map((word) => [word.word, word]));
  const words = [...team.keys()].map((word) => ({ word, examples: rows.filter((row) => row.word === word).length }));
  say(`tagged presets: ${rows.length} examples of ${words.map((entry) => entry.word).join(", ")}`);
  return { ...data, rows: [...data.rows, ...rows], words: [...data.words, ...words], team };
}

function loadTrainingData(options: TrainJobOptions, say: (message: string) => void): TrainingData {
  if (!options.socialFxFile) {
    const dataset = loadDataset(options.dataFile, { minExamples: options.minExamples ?? 5 });
    say(`data: ${describeReport(dataset.report)}`);
    for (const skipped of dataset.report.skipped)
      say(`${options.dataFile}:${skipped.line}: skipped: ${skipped.reason}`);
    return { dataset, rows: dataset.rows, words: dataset.words };
  }
  // Which words are usable is decided over both crowds, so SAFE-DB's rare words are read too.
  const dataset = loadDataset(options.dataFile, { minExamples: 1 });
  say(`SAFE-DB: ${describeReport(dataset.report)}`);
  for (const skipped of dataset.report.skipped) say(`${options.dataFile}:${skipped.line}: skipped: ${skipped.reason}`);
  const socialfx = loadSocialFx(options.socialFxFile);
  say(`SocialFX: ${describeSocialFxReport(socialfx.report)}`);
  for (const skipped of socialfx.report.skipped)
    say(`${options.socialFxFile}:${skipped.line}: skipped: ${skipped.reason}`);
  const crowd = prepareCrowdData(dataset, socialfx, { seed: options.seed ?? 1 });
  const scale = crowd.calibration!.scale;
  say(
    `SocialFX dB scale: ${scale.dbPerUnit.toFixed(2)} dB per unit, offset ${scale.offsetDb.toFixed(2)} dB (leave-one-word-out error ${crowd.calibration!.leaveOneOutRmsDb.toFixed(2)} dB over ${crowd.calibration!.words.length} shared words)`,
  );
  say(
    `fitted ${crowd.fit!.contributions} SocialFX curves in ${crowd.fit!.seconds} s: residual mean ${crowd.fit!.meanRmsDb} dB RMS, max ${crowd.fit!.maxRmsDb}`,
  );
  say(`${crowd.words.length} words ship of ${crowd.judged.length} with 2+ people; ${crowd.rows.length} rows`);
  return { dataset, socialfx, crowd, rows: crowd.rows, words: crowd.words };
}

/** Held-out scores per source, and SAFE-DB's words with 5+ settings alone (the single-crowd model's set). */
function heldOutBySource(rows: readonly DatasetRow[], results: readonly HeldOutResult[], data: TrainingData) {
  const pick = (keep: (row: DatasetRow) => boolean) => results.filter((_, index) => keep(rows[index]!));
  const safeCounts = new Map<string, number>();
  for (const row of data.dataset.rows) safeCounts.set(row.word, (safeCounts.get(row.word) ?? 0) + 1);
  const bySource: Record<string, Evaluation["heldOut"]> = {};
  const safe = pick((row) => (row.source ?? "safe") === "safe");
  const socialfx = pick((row) => row.source === "socialfx");
  if (safe.length) bySource.safe = summariseHeldOut(safe);
  if (socialfx.length) bySource.socialfx = summariseHeldOut(socialfx);
  const core = pick((row) => (row.source ?? "safe") === "safe" && (safeCounts.get(row.word) ?? 0) >= 5);
  if (core.length && data.crowd) bySource.safeWordsWithFiveSettings = summariseHeldOut(core);
  return bySource;
}

export async function runTrainingJob(options: TrainJobOptions): Promise<TrainJobResult> {
  const started = Date.now();
  const say = options.onMessage ?? (() => undefined);
  // A model that cannot be written should fail now, not after every epoch has run.
  checkModelFolderTarget(options.outDir);
  const data = withTaggedPresets(loadTrainingData(options, say), options, say);
  const { dataset, rows } = data;
  const backend = await initBackend(options.backend);
  const seed = options.seed ?? 1;
  const bounds = fixedBounds(options.bounds ?? "plugin");
  const words = data.words.map((entry) => entry.word);
  const config = DEFAULT_NETWORK_CONFIG;
  const trainOptions = (phase: string): TrainOptions => ({
    ...DEFAULT_TRAIN_OPTIONS,
    epochs: options.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs,
    seed,
    onEpoch: (progress) => options.onProgress?.(phase, progress),
    shouldStop: options.shouldStop,
  });
  const modelOf = (network: Network, trainRows: readonly DatasetRow[]) =>
    buildSemanticModel(
      network,
      trainRows,
      data.words.filter((entry) => trainRows.some((row) => row.word === entry.word)),
      bounds,
    );

  let evaluation: Evaluation | undefined;
  const split = splitByParticipant(rows, seed);
  const folds = options.folds ?? 1;
  let crossValidated: { rows: DatasetRow[]; results: HeldOutResult[] } | undefined;
  if (options.holdout || (options.evaluate !== false && folds <= 1)) {
    say(
      `held-out split: ${split.train.length} training rows, ${split.validation.length} validation rows from ${split.validationParticipants.length} participants`,
    );
    const { network } = await fit(split.train, words, bounds, config, trainOptions("held-out"));
    const model = modelOf(network, split.train);
    evaluation = {
      method: `one split by participant (seed ${seed}): ${split.validation.length} held-out settings`,
      ...evaluateModel(model, split.train, split.validation),
    };
    if (data.crowd)
      evaluation.heldOutBySource = heldOutBySource(
        split.validation,
        heldOutResults(model, split.train, split.validation),
        data,
      );
    if (options.holdout) {
      save(options, model, data, { config, seed, backend, evaluation, started }, split, "training split");
      return { dataset, evaluation, seconds: (Date.now() - started) / 1000, outDir: options.outDir };
    }
    model.dispose();
  } else if (options.evaluate !== false) {
    crossValidated = { rows: [], results: [] };
    // SocialFX contributions are their own participants: they are held out by contribution.
    for (const [index, fold] of participantFolds(rows, folds, seed).entries()) {
      say(
        `fold ${index + 1}/${folds}: ${fold.train.length} training rows, ${fold.validation.length} held-out rows from ${fold.validationParticipants.length} participants`,
      );
      const { network } = await fit(fold.train, words, bounds, config, trainOptions(`fold ${index + 1}/${folds}`));
      const model = modelOf(network, fold.train);
      // Row by row: a spread of a large fold would overflow the stack.
      for (const row of fold.validation) crossValidated.rows.push(row);
      for (const result of heldOutResults(model, fold.train, fold.validation)) crossValidated.results.push(result);
      model.dispose();
    }
  }
  const { network } = await fit(rows, words, bounds, config, trainOptions("all data"));
  const model = buildSemanticModel(network, rows, data.words, bounds);
  if (crossValidated) {
    const safeOnly = crossValidated.results.filter((_, i) => (crossValidated.rows[i]!.source ?? "safe") === "safe");
    evaluation = {
      method: `${folds}-fold cross-validation by participant (seed ${seed}): every setting held out once`,
      heldOut: summariseHeldOut(safeOnly),
      ...modelChecks(model, rows),
      highShelfAbove10k: [
        highShelfCheck(
          "held-out",
          safeOnly.map((result) => result.highShelf),
        ),
      ],
    };
    if (data.crowd) evaluation.heldOutBySource = heldOutBySource(crossValidated.rows, crossValidated.results, data);
  }
  save(options, model, data, { config, seed, backend, evaluation, started }, split, "all usable data");
  model.dispose();
  return { dataset, evaluation, seconds: (Date.now() - started) / 1000, outDir: options.outDir };
}

interface RunFacts {
  config: NetworkConfig;
  seed: number;
  backend: string;
  evaluation: Evaluation | undefined;
  started: number;
}

/** The words as saved (vocabulary order): each with its confidence (both crowds) and what its curve does. */
function savedWords(model: SemanticModel<Network>, data: TrainingData): WordModel[] {
  return model.vocabulary.words().map((info) => {
    const summary = curveRegionsSummary(
      EVALUATION_FREQUENCIES,
      evaluationCurve(model.generate([{ word: info.word, weight: 1 }])),
    );
    const confidence = data.crowd?.verdicts.get(info.word)?.confidence ?? data.team?.get(info.word)?.confidence;
    return { ...model.word(info.word)!, summary, ...(confidence ? { confidence } : {}) };
  });
}

/** What the metadata keeps of the two crowds: derived statistics only, never rows. */
function crowdFacts(data: TrainingData): Record<string, unknown> | undefined {
  const crowd = data.crowd;
  if (!crowd || !data.socialfx || !socialFxFileName(data)) return undefined;
  return {
    socialfx: {
      file: socialFxFileName(data),
      sha256: data.socialfx.checksum,
      rowsRead: data.socialfx.report.rowsRead,
      rowsUsed: data.socialfx.report.rowsUsed,
      malformedRows: data.socialfx.report.skipped.length,
      otherLanguages: data.socialfx.report.otherLanguages,
    },
    calibration: crowd.calibration,
    fit: crowd.fit,
    comparatives: crowd.comparatives,
    words: crowd.judged.map((verdict) => ({
      word: verdict.word,
      contributors: verdict.contributors,
      chance: verdict.chance,
      ships: verdict.ships,
      ...verdict.confidence,
    })),
  };
}

function socialFxFileName(data: TrainingData): string | undefined {
  return data.socialfx ? path.basename(data.socialfx.report.source) : undefined;
}

function save(
  options: TrainJobOptions,
  model: SemanticModel<Network>,
  data: TrainingData,
  facts: RunFacts,
  split: { validationParticipants: string[] },
  trainedOn: string,
): void {
  const { dataset } = data;
  const crowds = crowdFacts(data);
  // The words as saved carry their summaries and confidence (the vocabulary is read from them).
  const saved = new SemanticModel(model.network, model.bounds, model.flatLatent, savedWords(model, data));
  saveSemanticModel(options.outDir, saved, {
    description: `The V3 semantic EQ model: ${saved.vocabulary.size} words from ${data.crowd ? "SAFE-DB and SocialFX" : "SAFE-DB"}, trained on ${trainedOn}.`,
    attribution: data.crowd ? `${ATTRIBUTION} ${SOCIALFX_ATTRIBUTION}` : ATTRIBUTION,
    model: {
      flatParameters: flatParameters(data.rows),
      data: {
        file: path.basename(options.dataFile),
        sha256: dataset.checksum,
        rowsRead: dataset.report.rowsRead,
        rowsUsed: data.rows.filter((row) => (row.source ?? "safe") === "safe").length,
        malformedRows: dataset.report.skipped.length,
        junkLabels: dataset.report.junkLabels,
        minExamples: data.crowd ? 1 : (options.minExamples ?? 5),
        trainedOn,
        validationParticipants: split.validationParticipants,
        ...(crowds ? { crowds } : {}),
      },
      training: {
        ...DEFAULT_TRAIN_OPTIONS,
        epochs: options.epochs ?? DEFAULT_TRAIN_OPTIONS.epochs,
        seed: facts.seed,
        coverageRows: AUGMENTATION,
        network: facts.config,
        backend: facts.backend,
        seconds: round((Date.now() - facts.started) / 1000, 1),
      },
      evaluation: facts.evaluation as unknown as Record<string, unknown> | undefined,
      createdAt: new Date().toISOString(),
    },
  });
}
