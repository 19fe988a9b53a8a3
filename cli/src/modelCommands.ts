import type { Command } from "commander";
import { Option } from "commander";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  applyReplacements,
  expansionEdits,
  morphTerms,
  readDocument,
  slotFacts,
  type MorphTermValue,
} from "../../server/src/core/index.js";
import { UsageError, writeOutputFile } from "./files.js";
import { printError, printOut } from "./terminal.js";
import { cliServices } from "./services.js";
import type { TrainCommandOptions } from "./trainingCommands.js";

type TrainingCommands = typeof import("./trainingCommands.js");

/**
 * Runs a training command from its own module, loaded now: no other command loads training code
 * (in dist/ the module is its own bundle, cli-training.js; see esbuild.mjs). Its user-facing
 * errors become UsageErrors, since that bundle's error classes are not this one's.
 */
async function withTraining(run: (training: TrainingCommands) => Promise<void>): Promise<void> {
  const training = await import("./trainingCommands.js");
  try {
    await run(training);
  } catch (error) {
    if (training.isUserFacingTrainingError(error) && !(error instanceof UsageError))
      throw new UsageError((error as Error).message);
    throw error;
  }
}

function integer(name: string, min: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min)
      throw new UsageError(`--${name} must be a whole number ≥ ${min}, not ${JSON.stringify(text)}`);
    return value;
  };
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
    .action(async (options: TrainCommandOptions) => {
      await withTraining((training) => training.train(options));
    });

  program
    .command("eval")
    .description("evaluate a model on the participant-held-out split of the data")
    .option("--model <dir>", "model folder (default: the bundled model)")
    .requiredOption("--data <csv>", "SAFEEqualiserUserData.csv")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (options: { model?: string; data: string; format: string }) => {
      await withTraining((training) => training.evaluate(options));
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
      const generate = (terms: MorphTermValue[]) => services.resolveTerms(terms);
      const json: unknown[] = [];
      for (const file of files) {
        const text = readFileSync(file, "utf8");
        const meaning = readDocument(text);
        const errors = services
          .check(meaning, path.resolve(file))
          .filter((diagnostic) => diagnostic.severity === "error");
        for (const error of errors)
          printError(
            `${file}:${error.range.start.line + 1}:${error.range.start.character + 1} error ${error.code} ${error.message}\n`,
          );
        if (errors.length > 0) process.exitCode = 1;
        const presets = meaning.presets;
        if (options.format === "json") {
          json.push({
            file,
            presets: presets.map((preset) => {
              const terms = preset.morph ? morphTerms(preset.morph) : undefined;
              const { bands, outputGainDb } = services.chainOf(preset, meaning);
              return {
                name: preset.name ?? null,
                sampleRate: preset.sampleRate,
                outputGainDb,
                morph: terms ?? null,
                bands: bands.map((band) => ({
                  type: slotFacts(band.slot).bandType,
                  slot: band.slot,
                  frequencyHz: band.frequencyHz,
                  gainDb: band.gainDb,
                  q: band.q,
                  ...(band.slopeDbPerOctave !== undefined ? { slopeDbPerOctave: band.slopeDbPerOctave } : {}),
                })),
              };
            }),
          });
          continue;
        }
        const expanded = applyReplacements(text, [...expansionEdits(text, presets, generate).values()]);
        if (options.write) writeOutputFile(file, expanded);
        else printOut(files.length > 1 ? `# ${file}\n${expanded}` : expanded);
      }
      if (options.format === "json") printOut(`${JSON.stringify(json.length === 1 ? json[0] : json, null, 2)}\n`);
      services.dispose();
    });
}
