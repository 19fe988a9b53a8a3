/**
 * `eqp train` and `eqp eval`: the only commands that need the training code (core/training). The
 * CLI loads this module on demand (modelCommands.ts), and the build makes it a bundle of its own
 * (dist/cli-training.js), so `eqp check` and every other command never load or compile it.
 */
import { bundledModelDir, MetadataError } from "../../server/src/core/index.js";
import { initBackend } from "../../server/src/core/network/backend.js";
import { loadSemanticModel, ModelFolderError } from "../../server/src/core/network/modelFolder.js";
import {
  DatasetError,
  describeReport,
  evaluateModel,
  loadDataset,
  splitByParticipant,
  type EpochProgress,
  type Evaluation,
} from "../../server/src/core/training/index.js";
import { runTrainingJob, TrainingStopped } from "../../server/src/core/training/trainingRun.js";
import { fineTuneCommand, taggedForTraining } from "./fineTuneCommand.js";
import { UsageError } from "./files.js";
import { printError, printOut } from "./terminal.js";

export interface TrainCommandOptions {
  data?: string;
  model?: string;
  tagged?: boolean;
  socialfx?: string;
  out: string;
  epochs?: number;
  seed: number;
  minExamples: number;
  bounds: "plugin" | "audible";
  eval: boolean;
  folds: number;
  holdout?: boolean;
  backend: "wasm" | "cpu";
}

function progressLine(phase: string, progress: EpochProgress): string {
  const pad = String(progress.epochs).length;
  return [
    `[${phase}] epoch ${String(progress.epoch).padStart(pad)}/${progress.epochs}`,
    `reconstruction ${progress.reconstructionLoss.toFixed(5)}`,
    `contrastive ${progress.contrastiveLoss.toFixed(4)} (weight ${progress.contrastiveWeight.toFixed(2)})`,
    progress.validationReconstructionLoss !== undefined
      ? `validation ${progress.validationReconstructionLoss.toFixed(5)}`
      : "",
    `${progress.elapsedSeconds.toFixed(1)} s, ETA ${progress.etaSeconds.toFixed(0)} s`,
  ]
    .filter(Boolean)
    .join("  ");
}

export function formatEvaluation(evaluation: Evaluation, options: { perWordBaseline?: boolean } = {}): string {
  const held = evaluation.heldOut;
  const lines = [
    `held-out: ${evaluation.method ?? `${held.rows} settings of participants not seen in training`}`,
    // The per-word mean baseline needs training rows; a separate held-out file has none.
    `  curve error          ${held.curveErrorDb.toFixed(2)} dB   (${options.perWordBaseline === false ? "" : `per-word mean: ${held.perWordMeanCurveErrorDb.toFixed(2)} dB, `}flat EQ: ${held.flatCurveErrorDb.toFixed(2)} dB)`,
    `  gain error           ${held.gainErrorDb.toFixed(2)} dB`,
    `  frequency error      ${held.frequencyErrorOctaves.toFixed(3)} octaves`,
    `  Q error              ${held.qErrorOctaves.toFixed(3)} octaves`,
    ...Object.entries(evaluation.heldOutBySource ?? {}).map(
      ([source, scores]) =>
        `  held out, ${source.padEnd(26)} ${String(scores.rows).padStart(5)} rows: curve error ${scores.curveErrorDb.toFixed(2)} dB (per-word mean ${scores.perWordMeanCurveErrorDb.toFixed(2)}, flat ${scores.flatCurveErrorDb.toFixed(2)})`,
    ),
    `silhouette: warm/bright ${evaluation.silhouette.warmBright.toFixed(3)}, all words ${evaluation.silhouette.allWords.toFixed(3)}`,
    "words: output vs its examples (curve error, dB) next to the mean setting and the mean curve",
    ...evaluation.words.map(
      (word) =>
        `  ${word.word.padEnd(10)} ${String(word.examples).padStart(4)} examples  output ${word.outputCurveErrorDb.toFixed(2)}  mean setting ${word.meanParametersCurveErrorDb.toFixed(2)}  mean curve ${word.meanCurveErrorDb.toFixed(2)}`,
    ),
    ...evaluation.highShelfAbove10k.map((check) =>
      check.rows === 0
        ? `high shelf above 10 kHz (${check.set}): no such settings in this data`
        : `high shelf above 10 kHz (${check.set}): ${check.rows} settings, mean error ${check.meanErrorOctaves} octaves, max ${check.maxErrorOctaves}, within 0.25 octave: ${(check.withinQuarterOctave * 100).toFixed(0)}%`,
    ),
    `decoded ${evaluation.outputRange.decodedSamples} random latents: ${evaluation.outputRange.valuesOutsidePluginRange} values outside the plug-in ranges; highest high shelf ${evaluation.outputRange.highestHighShelfHz} Hz`,
  ];
  return lines.join("\n");
}

/** `eqp train`: a new model from CSVs, or without --data the model fine-tuned on the workspace's tags. */
export async function train(options: TrainCommandOptions): Promise<void> {
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    printError("\neqp train: stopping after this step; nothing will be written (Ctrl-C again to quit at once)\n");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    if (!options.data) {
      if (options.socialfx)
        throw new UsageError("--socialfx needs --data: SAFE-DB's settings set the dB scale of SocialFX's curves");
      await fineTuneCommand({
        ...(options.model ? { model: options.model } : {}),
        out: options.out,
        ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
        seed: options.seed,
        backend: options.backend,
        progress: (phase, progress) => printOut(`${progressLine(phase, progress)}\n`),
        shouldStop: () => stopping,
      });
      return;
    }
    if (options.model)
      throw new UsageError("--model is the model to fine-tune, without --data; --data trains a new model");
    const result = await runTrainingJob({
      dataFile: options.data,
      socialFxFile: options.socialfx,
      outDir: options.out,
      epochs: options.epochs,
      seed: options.seed,
      minExamples: options.minExamples,
      bounds: options.bounds,
      evaluate: options.eval,
      folds: options.folds,
      holdout: options.holdout,
      backend: options.backend,
      ...(options.tagged ? { tagged: await taggedForTraining() } : {}),
      onProgress: (phase, progress) => printOut(`${progressLine(phase, progress)}\n`),
      onMessage: (message) => printOut(`${message}\n`),
      shouldStop: () => stopping,
    });
    if (result.evaluation) printOut(`${formatEvaluation(result.evaluation)}\n`);
    printOut(`wrote ${options.out} in ${result.seconds.toFixed(1)} s\n`);
  } catch (error) {
    if (error instanceof TrainingStopped) {
      printError(`eqp train: ${error.message}\n`);
      process.exitCode = 130;
      return;
    }
    throw error;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

/** `eqp eval`: a model's scores on the held-out participants of a SAFE-DB file. */
export async function evaluate(options: { model?: string; data: string; format: string }): Promise<void> {
  await initBackend();
  const { model, metadata } = loadSemanticModel(options.model ?? bundledModelDir());
  const info = metadata.model;
  const minExamples = Number(info.data.minExamples ?? 5);
  const trainedOnThisFile = loadDataset(options.data, { minExamples }).checksum === info.data.sha256;
  // A file the model was not trained on is held-out data as a whole: every row is scored, even
  // of words with few examples, and the model's own split plays no part.
  const dataset = trainedOnThisFile
    ? loadDataset(options.data, { minExamples })
    : loadDataset(options.data, { minExamples: 1 });
  let split: { train: typeof dataset.rows; validation: typeof dataset.rows };
  let method: string;
  if (trainedOnThisFile) {
    const recorded = Array.isArray(info.data.validationParticipants)
      ? (info.data.validationParticipants as string[])
      : undefined;
    split = recorded
      ? {
          train: dataset.rows.filter((row) => !recorded.includes(row.participant)),
          validation: dataset.rows.filter((row) => recorded.includes(row.participant)),
        }
      : splitByParticipant(dataset.rows, Number(info.training.seed ?? 1));
    method = `the participant-held-out split of ${options.data}, the file the model was trained on (${split.validation.length} settings)`;
    if (info.data.trainedOn !== "training split")
      printError(
        "eqp eval: note: this model was trained on all usable data, so the held-out participants were seen in training; train with --holdout for a true held-out score\n",
      );
  } else {
    split = { train: [], validation: dataset.rows };
    method = `all ${dataset.rows.length} settings of ${options.data}, held out: the model was not trained on this file`;
    const modelWords = new Set(model.vocabulary.words().map((entry) => entry.word));
    const dataWords = new Set(dataset.rows.map((row) => row.word));
    const onlyData = [...dataWords].filter((word) => !modelWords.has(word)).sort();
    const onlyModel = [...modelWords].filter((word) => !dataWords.has(word)).sort();
    if (onlyData.length > 0 || onlyModel.length > 0)
      printError(
        `eqp eval: note: the words differ: ${onlyData.length > 0 ? `${onlyData.length} in the data but not the model (${onlyData.slice(0, 8).join(", ")}${onlyData.length > 8 ? ", …" : ""}): their settings are scored for reconstruction only` : ""}${onlyData.length > 0 && onlyModel.length > 0 ? "; " : ""}${onlyModel.length > 0 ? `${onlyModel.length} of the model's words have no example in the data (${onlyModel.slice(0, 8).join(", ")}${onlyModel.length > 8 ? ", …" : ""})` : ""}\n`,
      );
  }
  const inSample = trainedOnThisFile && info.data.trainedOn !== "training split";
  if (split.validation.length === 0) {
    printError(`eqp eval: ${options.data} has no usable settings to score\n`);
    process.exitCode = 1;
    model.dispose();
    return;
  }
  const evaluation = { ...evaluateModel(model, split.train, split.validation), method };
  if (options.format === "json")
    printOut(`${JSON.stringify({ data: describeReport(dataset.report), inSample, evaluation }, null, 2)}\n`);
  else
    printOut(
      `data: ${describeReport(dataset.report)}\n${formatEvaluation(evaluation, { perWordBaseline: trainedOnThisFile })}\n`,
    );
  model.dispose();
}

/**
 * The errors of this module's code that are the user's input, not a bug. This bundle has its own
 * copies of the core's error classes, so the CLI asks here rather than testing them itself.
 */
export function isUserFacingTrainingError(error: unknown): boolean {
  return (
    error instanceof UsageError ||
    error instanceof DatasetError ||
    error instanceof ModelFolderError ||
    error instanceof MetadataError
  );
}
