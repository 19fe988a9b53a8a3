/** `eqp train` and `eqp eval`: the model's command-line side. */
import type { Command } from "commander";
import { Option } from "commander";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { applyReplacements, bundledModelDir, expansionEdits, morphTerms, readDocument, SLOTS } from "../core/index.js";
import { initBackend } from "../core/network/backend.js";
import { DatasetError, describeReport, loadDataset, splitByParticipant } from "../core/training/index.js";
import { evaluateModel, type Evaluation } from "../core/training/index.js";
import { loadSemanticModel, ModelFolderError } from "../core/network/modelFolder.js";
import { runTrainingJob, TrainingStopped } from "../core/training/trainingRun.js";
import type { EpochProgress } from "../core/training/index.js";
import { fineTuneCommand, taggedForTraining } from "./fineTuneCommand.js";
import { UsageError } from "./files.js";
import { cliServices } from "./services.js";

function integer(name: string, min: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min)
      throw new UsageError(`--${name} must be a whole number ≥ ${min}, not ${JSON.stringify(text)}`);
    return value;
  };
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

export function addModelCommands(program: Command): void {
  program
    .command("train")
    .description(
      "train the V3 model on SAFE-DB (and SocialFX) equaliser data, or without --data fine-tune a model on the workspace's tagged presets; writes a model folder (atomically)",
    )
    .option("--data <csv>", "SAFEEqualiserUserData.csv (without it: fine-tune on the workspace's tagged presets)")
    .option("--model <dir>", "without --data: the model to fine-tune (default: the bundled model)")
    .option("--tagged", "with --data: also learn the team words of the workspace's tagged presets")
    .option("--socialfx <csv>", "SocialFX_eq_contributions.csv: train on both crowds, words chosen by confidence")
    .requiredOption("--out <dir>", "the model folder to write")
    .option("--epochs <n>", "training epochs (default 150; fine-tuning 40)", integer("epochs", 1))
    .option("--seed <n>", "random seed: the same seed gives the same model", integer("seed", 0), 1)
    .option("--min-examples <n>", "keep words with at least this many examples", integer("min-examples", 1), 5)
    .addOption(
      new Option("--bounds <scheme>", "normalisation bounds of frequencies")
        .choices(["plugin", "audible"])
        .default("plugin"),
    )
    .option("--no-eval", "skip the held-out evaluation run")
    .option(
      "--folds <k>",
      "cross-validate over k folds of participants (1: one held-out split)",
      integer("folds", 1),
      1,
    )
    .option("--holdout", "ship the model trained on the training split only (for eqp eval)")
    .addOption(new Option("--backend <name>", "tfjs backend").choices(["wasm", "cpu"]).default("wasm"))
    .action(
      async (options: {
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
      }) => {
        let stopping = false;
        const stop = () => {
          if (stopping) process.exit(130);
          stopping = true;
          process.stderr.write(
            "\neqp train: stopping after this step; nothing will be written (Ctrl-C again to quit at once)\n",
          );
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
              progress: (phase, progress) => process.stdout.write(`${progressLine(phase, progress)}\n`),
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
            onProgress: (phase, progress) => process.stdout.write(`${progressLine(phase, progress)}\n`),
            onMessage: (message) => process.stdout.write(`${message}\n`),
            shouldStop: () => stopping,
          });
          if (result.evaluation) process.stdout.write(`${formatEvaluation(result.evaluation)}\n`);
          process.stdout.write(`wrote ${options.out} in ${result.seconds.toFixed(1)} s\n`);
        } catch (error) {
          if (error instanceof TrainingStopped) {
            process.stderr.write(`eqp train: ${error.message}\n`);
            process.exitCode = 130;
            return;
          }
          throw error;
        } finally {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
        }
      },
    );

  program
    .command("eval")
    .description("evaluate a model on the participant-held-out split of the data")
    .option("--model <dir>", "model folder (default: the bundled model)")
    .requiredOption("--data <csv>", "SAFEEqualiserUserData.csv")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (options: { model?: string; data: string; format: string }) => {
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
          process.stderr.write(
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
          process.stderr.write(
            `eqp eval: note: the words differ: ${onlyData.length > 0 ? `${onlyData.length} in the data but not the model (${onlyData.slice(0, 8).join(", ")}${onlyData.length > 8 ? ", …" : ""}): their settings are scored for reconstruction only` : ""}${onlyData.length > 0 && onlyModel.length > 0 ? "; " : ""}${onlyModel.length > 0 ? `${onlyModel.length} of the model's words have no example in the data (${onlyModel.slice(0, 8).join(", ")}${onlyModel.length > 8 ? ", …" : ""})` : ""}\n`,
          );
      }
      const inSample = trainedOnThisFile && info.data.trainedOn !== "training split";
      if (split.validation.length === 0) {
        process.stderr.write(`eqp eval: ${options.data} has no usable settings to score\n`);
        process.exitCode = 1;
        model.dispose();
        return;
      }
      const evaluation = { ...evaluateModel(model, split.train, split.validation), method };
      if (options.format === "json")
        process.stdout.write(
          `${JSON.stringify({ data: describeReport(dataset.report), inSample, evaluation }, null, 2)}\n`,
        );
      else
        process.stdout.write(
          `data: ${describeReport(dataset.report)}\n${formatEvaluation(evaluation, { perWordBaseline: trainedOnThisFile })}\n`,
        );
      model.dispose();
    });
}

export function addExpandCommand(program: Command, expandInputs: (inputs: string[]) => Promise<string[]>): void {
  program
    .command("expand")
    .description("print files with every morph expanded into explicit bands (--format json: the bands)")
    .argument("<files...>", "files, folders or globs")
    .option("--model <dir>", "model folder (default: the bundled model)")
    .option("--write", "rewrite the files instead of printing them")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (inputs: string[], options: { model?: string; write?: boolean; format: string }) => {
      const files = await expandInputs(inputs);
      const services = await cliServices(options.model, { network: true, files });
      const generate = (terms: { word: string; weight: number }[]) => services.resolveTerms(terms);
      const json: unknown[] = [];
      for (const file of files) {
        const text = readFileSync(file, "utf8");
        const meaning = readDocument(text);
        const errors = services
          .check(meaning, path.resolve(file))
          .filter((diagnostic) => diagnostic.severity === "error");
        for (const error of errors)
          process.stderr.write(
            `${file}:${error.range.start.line + 1}:${error.range.start.character + 1} error ${error.code} ${error.message}\n`,
          );
        if (errors.length > 0) process.exitCode = 1;
        const presets = meaning.presets;
        if (options.format === "json") {
          json.push({
            file,
            presets: presets.map((preset) => {
              const terms = preset.morph ? morphTerms(preset.morph) : undefined;
              const bands = services.bandsOf(preset);
              return {
                name: preset.name ?? null,
                sampleRate: preset.sampleRate,
                outputGainDb: preset.outputGainDb,
                morph: terms ?? null,
                bands: bands.map((band) => ({
                  type: SLOTS.find((slot) => slot.id === band.slot)!.bandType,
                  slot: band.slot,
                  frequencyHz: band.frequencyHz,
                  gainDb: band.gainDb,
                  q: band.q,
                })),
              };
            }),
          });
          continue;
        }
        const expanded = applyReplacements(text, [...expansionEdits(text, presets, generate).values()]);
        if (options.write) writeFileSync(file, expanded);
        else process.stdout.write(files.length > 1 ? `# ${file}\n${expanded}` : expanded);
      }
      if (options.format === "json")
        process.stdout.write(`${JSON.stringify(json.length === 1 ? json[0] : json, null, 2)}\n`);
      services.dispose();
    });
}

export function isUserFacingError(error: unknown): boolean {
  return error instanceof UsageError || error instanceof DatasetError || error instanceof ModelFolderError;
}
