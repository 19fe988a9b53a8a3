/**
 * Fine-tuning a trained model on the team's tagged presets (`eqp train` without a CSV, and the
 * "Train EQ model" task's "Tagged presets" choice). The team's words already resolve without
 * training, through the shipped encoder; fine-tuning teaches the autoencoder the team's own
 * settings, so a team word decodes closer to its examples, and its examples cluster in the latent.
 *
 * The base model's data is not shipped (its licence allows only weights and statistics), so what it
 * knew is rehearsed instead: for every bundled word, settings decoded from around its centroid by
 * the base network, labelled with the word, next to coverage rows that keep the reconstruction of
 * the whole range. The run reports how far each bundled word moved (its curve against the base
 * model's) and how close each team word comes to its examples before and after; the lockfile then
 * makes any moved morph a diagnostic before anything sounds different.
 */
import { initBackend } from "../network/backend.js";
import {
  denormalise,
  isTeamOrigin,
  normalise,
  PARAMETER_COUNT,
  SeededRandom,
  SemanticModel,
  type WordConfidence,
  type WordModel,
} from "../model/index.js";
import { type DatasetRow } from "./dataset.js";
import { checkModelFolderTarget, loadSemanticModel, saveSemanticModel } from "../network/modelFolder.js";
import { round, taggedRows, withCoverageRows, wordModels } from "./modelBuilding.js";
import { bestSetting, measure, meanCurveError, type FineTuneMeasures } from "./fineTuneMeasures.js";
import { anchorLatents } from "./latentAnchor.js";
import type { Network } from "../network/network.js";
import { trainNetwork } from "./trainingLoop.js";
import { DEFAULT_TRAIN_OPTIONS, type EpochProgress, type TrainOptions } from "./trainOptions.js";
import { TrainingStopped } from "./trainingRun.js";

/** One tagged preset as an example of one word, in plug-in units, with where its tag is. */
export type { TeamWordFit } from "./fineTuneMeasures.js";

export interface TaggedExample {
  word: string;
  values: number[];
  file: string;
  /** 1-based line and column of the tag. */
  line: number;
  column: number;
  preset: string;
}

/** A team word as the workspace measures it (examples, agreement, summary). */
export interface TaggedWord {
  word: string;
  confidence: WordConfidence;
  summary: string;
}

export interface FineTuneOptions {
  /** The model folder to start from (the bundled model or the one in use). */
  baseDir: string;
  examples: readonly TaggedExample[];
  words: readonly TaggedWord[];
  outDir: string;
  epochs?: number;
  seed?: number;
  backend?: "wasm" | "cpu";
  onProgress?: (phase: string, progress: EpochProgress) => void;
  onMessage?: (message: string) => void;
  shouldStop?: () => boolean;
}

export interface FineTuneResult extends FineTuneMeasures {
  seconds: number;
  outDir: string;
}

/**
 * Fine-tuning recipe. Measured on a 40-preset workspace of four team words (see model/README.md,
 * "Fine-tuning on tagged presets"): 40 epochs at a tenth of the full recipe's learning rate bring
 * the team words closer to their examples while the bundled words move a fraction of a dB.
 */
export const FINE_TUNE = {
  epochs: 40,
  learningRate: 3e-4,
  /** Rehearsal settings decoded around each bundled word's centroid. */
  rehearsalPerWord: 12,
  /** Latent noise of the rehearsal settings (the latent is tanh-bounded, ±1). */
  rehearsalNoise: 0.05,
  /** Each team word is seen at least this often per epoch (its examples repeated). */
  minimumTeamRows: 12,
} as const;

/** Settings decoded around every base word's output: what the base model knew, without its data. */
function rehearsalRows(base: SemanticModel<Network>, words: readonly WordModel[], seed: number): DatasetRow[] {
  const random = new SeededRandom(seed + 104_729);
  const size = base.latentSize;
  const latents = new Float32Array(words.length * FINE_TUNE.rehearsalPerWord * size);
  words.forEach((word, w) => {
    // Around what `morph word` decodes, which is not always the centroid (see wordModels).
    const centre = word.outputLatent ?? word.centroid;
    for (let r = 0; r < FINE_TUNE.rehearsalPerWord; r++) {
      const offset = (w * FINE_TUNE.rehearsalPerWord + r) * size;
      for (let k = 0; k < size; k++) {
        // The first row is the centroid itself; the others are normal noise around it.
        const noise = r === 0 ? 0 : random.normal();
        latents[offset + k] = Math.max(-0.999, Math.min(0.999, centre[k]! + FINE_TUNE.rehearsalNoise * noise));
      }
    }
  });
  const decoded = base.network.decodeRows(latents, words.length * FINE_TUNE.rehearsalPerWord);
  return words.flatMap((word, w) =>
    Array.from({ length: FINE_TUNE.rehearsalPerWord }, (_, r) => ({
      line: 0,
      word: word.word,
      participant: `rehearsal:${word.word}`,
      values: Array.from(denormalise(decoded, base.bounds, (w * FINE_TUNE.rehearsalPerWord + r) * PARAMETER_COUNT)),
    })),
  );
}

/** Each team word's rows repeated up to the minimum, so a word of two presets still weighs in. */
function repeatedTeamRows(rows: readonly DatasetRow[]): DatasetRow[] {
  const byWord = new Map<string, DatasetRow[]>();
  for (const row of rows) byWord.set(row.word, [...(byWord.get(row.word) ?? []), row]);
  return [...byWord.values()].flatMap((list) =>
    Array.from({ length: Math.max(list.length, FINE_TUNE.minimumTeamRows) }, (_, i) => list[i % list.length]!),
  );
}

function normalisedRows(rows: readonly ArrayLike<number>[], base: SemanticModel<Network>): Float32Array {
  const matrix = new Float32Array(rows.length * PARAMETER_COUNT);
  rows.forEach((row, i) => normalise(row, base.bounds, matrix, i * PARAMETER_COUNT));
  return matrix;
}

export async function runFineTuning(options: FineTuneOptions): Promise<FineTuneResult> {
  const started = Date.now();
  const say = options.onMessage ?? (() => undefined);
  checkModelFolderTarget(options.outDir);
  if (options.examples.length === 0)
    throw new RangeError("nothing to fine-tune on: no tagged preset with bands in the workspace");
  const backend = await initBackend(options.backend);
  const seed = options.seed ?? 1;
  const { model: base, metadata } = loadSemanticModel(options.baseDir);
  try {
    // Team words of an earlier fine-tuning are defined again by today's tags, not rehearsed.
    const baseWords = base.vocabulary
      .words()
      .filter((info) => !isTeamOrigin(info))
      .map((info) => base.word(info.word)!);
    const rehearsal = rehearsalRows(base, baseWords, seed);
    const team = taggedRows(options.examples);
    const teamWords = [...new Set(team.map((row) => row.word))];
    const words = [...baseWords.map((word) => word.word), ...teamWords];
    say(
      `fine-tuning the ${baseWords.length}-word model on ${team.length} tagged preset${team.length === 1 ? "" : "s"} of ${teamWords.length} team word${teamWords.length === 1 ? "" : "s"} (${teamWords.join(", ")}), rehearsing each bundled word with ${FINE_TUNE.rehearsalPerWord} settings decoded by the base model`,
    );
    const trainingRows = [...rehearsal, ...repeatedTeamRows(team)];
    const matrix = new Float32Array(trainingRows.length * PARAMETER_COUNT);
    trainingRows.forEach((row, i) => normalise(row.values, base.bounds, matrix, i * PARAMETER_COUNT));
    const labels = Int32Array.from(trainingRows.map((row) => words.indexOf(row.word)));
    const training = withCoverageRows(matrix, labels, trainingRows.length, seed);
    const epochs = options.epochs ?? FINE_TUNE.epochs;
    const trainOptions: TrainOptions = {
      ...DEFAULT_TRAIN_OPTIONS,
      epochs,
      seed,
      learningRate: FINE_TUNE.learningRate,
      // The base ended its anneal at contrastiveWeightEnd: fine-tuning stays there.
      contrastiveWeightStart: DEFAULT_TRAIN_OPTIONS.contrastiveWeightEnd,
      initialParameters: base.network.readParameterValues(),
      onEpoch: (progress) => options.onProgress?.("fine-tuning", progress),
      shouldStop: options.shouldStop,
    };
    const { network } = await trainNetwork(
      training.rows,
      training.n,
      training.labels,
      base.network.config,
      trainOptions,
    );
    if (options.shouldStop?.()) {
      network.dispose();
      throw new TrainingStopped("fine-tuning stopped before the end: nothing was written");
    }
    const baseInfo = metadata.model;
    const tuned = tunedModel(network, base, baseWords, rehearsal, team, options.words, baseInfo.flatParameters);
    const result = measure(base, tuned, baseWords, team, teamWords);
    const seconds = (Date.now() - started) / 1000;
    const saved = new SemanticModel(network, base.bounds, tuned.flatLatent, tuned.wordModels().map(serialisable));
    saveSemanticModel(options.outDir, saved, {
      description: `${metadata.description ?? "The V3 semantic EQ model"} Fine-tuned on ${team.length} tagged presets (${teamWords.join(", ")}).`,
      ...(metadata.attribution ? { attribution: metadata.attribution } : {}),
      model: {
        flatParameters: baseInfo.flatParameters,
        data: {
          ...baseInfo.data,
          fineTuned: {
            base: {
              description: metadata.description,
              weightsSha256: baseInfo.weightsSha256,
              createdAt: baseInfo.createdAt,
            },
            teamExamples: options.examples.map((example) => ({
              word: example.word,
              file: example.file,
              line: example.line,
              preset: example.preset,
            })),
          },
        },
        training: {
          ...baseInfo.training,
          fineTuning: { ...FINE_TUNE, epochs, seed, backend, seconds: round(seconds, 1) },
        },
        evaluation: {
          ...(baseInfo.evaluation ?? {}),
          fineTuning: { teamWords: result.teamWords, bundledDrift: result.bundledDrift },
        },
        createdAt: new Date().toISOString(),
      },
    });
    tuned.dispose();
    return { ...result, seconds, outDir: options.outDir };
  } finally {
    base.dispose();
  }
}

/** The fine-tuned model: bundled words keep their statistics from real data, team words get the workspace's. */
function tunedModel(
  network: Network,
  base: SemanticModel<Network>,
  baseWords: readonly WordModel[],
  rehearsal: readonly DatasetRow[],
  team: readonly DatasetRow[],
  measured: readonly TaggedWord[],
  flatParameters: readonly number[],
): SemanticModel<Network> {
  const teamWords = [...new Set(team.map((row) => row.word))];
  const counts = teamWords.map((word) => ({ word, examples: team.filter((row) => row.word === word).length }));
  // A base word's centroid is where its rehearsal settings now encode (its output is anchored below).
  const rehearsed = network.encodeRows(
    normalisedRows(
      rehearsal.map((row) => row.values),
      base,
    ),
    rehearsal.length,
  );
  const size = base.latentSize;
  const bundled = baseWords.map((baseWord): WordModel => {
    const centroid = new Array<number>(size).fill(0);
    rehearsal.forEach((row, i) => {
      if (row.word !== baseWord.word) return;
      for (let k = 0; k < size; k++) centroid[k]! += rehearsed[i * size + k]! / FINE_TUNE.rehearsalPerWord;
    });
    return { ...baseWord, centroid };
  });
  const own = wordModels(network, team, counts, base.bounds).map((model): WordModel => {
    const info = measured.find((word) => word.word === model.word);
    return info ? { ...model, confidence: info.confidence, summary: info.summary } : model;
  });
  const models = [...bundled, ...own];
  // Every base word, and the flat EQ every morph starts from, decodes to what it did before; a team
  // word to the setting closest to its examples' mean curve, when that beats its centroid.
  const targets: ArrayLike<number>[] = [base.generate([])];
  const starts: ArrayLike<number>[] = [network.encodeRows(normalise(flatParameters, base.bounds), 1)];
  for (const model of models) {
    const rows = team.filter((row) => row.word === model.word);
    targets.push(base.word(model.word) ? base.generate([{ word: model.word, weight: 1 }]) : bestSetting(rows));
    starts.push(model.outputLatent ?? model.centroid);
  }
  const latents = anchorLatents(
    network,
    normalisedRows(targets, base),
    Float32Array.from(starts.flatMap((s) => Array.from(s))),
    targets.length,
  );
  const decoded = network.decodeRows(latents, targets.length);
  models.forEach((model, i) => {
    const latent = Array.from(latents.subarray((i + 1) * size, (i + 2) * size));
    if (base.word(model.word)) {
      model.outputLatent = latent;
      return;
    }
    const rows = team.filter((row) => row.word === model.word);
    const current = network.decodeRows(Float32Array.from(model.outputLatent ?? model.centroid), 1);
    const error = (values: Float32Array, offset: number) =>
      meanCurveError(denormalise(values, base.bounds, offset), rows);
    if (error(decoded, (i + 1) * PARAMETER_COUNT) < error(current, 0)) model.outputLatent = latent;
  });
  const flatLatent = latents.slice(0, size);
  return new SemanticModel(network, base.bounds, flatLatent, models);
}

/** A word model as metadata.json keeps it (latents rounded). */
function serialisable(model: WordModel): WordModel {
  const kept: WordModel = { ...model, centroid: model.centroid.map((value) => round(value, 7)) };
  if (model.outputLatent) kept.outputLatent = model.outputLatent.map((value) => round(value, 7));
  return kept;
}
