/**
 * `eqp train` without a CSV: fine-tunes a model (the bundled one, or `--model`) on the workspace's
 * tagged presets. The presets are read as `eqp check` reads them; a tag that cannot be trained
 * (a preset without bands, a bundled word's name, examples that disagree) is printed as
 * `file:line:column: warning: …`, which the "Train EQ model" task turns into a problem on that line.
 */
import { flatParametersOf, parameterValuesOf, presetLabel, TEAM_DISAGREEMENT_DB } from "../../server/src/core/index.js";
import type { EqServices } from "../../server/src/core/services/index.js";
import type { EpochProgress } from "../../server/src/core/training/index.js";
import { runFineTuning, type TaggedExample, type TaggedWord } from "../../server/src/core/training/fineTune.js";
import { UsageError } from "./files.js";
import { cliServices, defaultWorkspace } from "./services.js";
import { printOut } from "./terminal.js";

export interface FineTuneCommandOptions {
  model?: string;
  out: string;
  epochs?: number;
  seed: number;
  backend: "wasm" | "cpu";
  progress: (phase: string, progress: EpochProgress) => void;
  shouldStop: () => boolean;
}

export interface Problem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function problemLine(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.column}: warning: ${problem.message}`;
}

/** What the workspace's tags give to train on, and every tag that gives nothing, with why. */
export function taggedExamples(services: EqServices): {
  examples: TaggedExample[];
  words: TaggedWord[];
  problems: Problem[];
} {
  const host = services.model;
  const flat = flatParametersOf(host.current.metadata);
  const bundled = host.bundledVocabulary;
  const examples: TaggedExample[] = [];
  const words: TaggedWord[] = [];
  const problems: Problem[] = [];
  for (const word of host.teamWords.values()) {
    const where = (range: { start: { line: number; character: number } }) => ({
      line: range.start.line + 1,
      column: range.start.character + 1,
    });
    if (bundled.lookup(word.word)) {
      // One problem per file, at its first such tag: eight tags of one word are one thing to fix.
      const files = [...new Set(word.examples.map((example) => example.file))];
      for (const file of files) {
        const here = word.examples.filter((example) => example.file === file);
        problems.push({
          file,
          ...where(here[0]!.range),
          message: `'${word.word}' is a word of the model: ${here.length === 1 ? `preset ${here[0]!.preset} is` : `the ${here.length} presets tagged '${word.word}' in this file are`} not trained as its example${here.length === 1 ? "" : "s"} (rename the tag to define the team's own word)`,
        });
      }
      continue;
    }
    words.push({ word: word.word, confidence: word.confidence, summary: word.summary });
    for (const example of word.examples)
      examples.push({
        word: word.word,
        values: parameterValuesOf(example.bands, flat),
        file: example.file,
        ...where(example.range),
        preset: example.preset,
      });
    if (word.outlier && word.spreadDb > TEAM_DISAGREEMENT_DB)
      problems.push({
        file: word.outlier.example.file,
        ...where(word.outlier.example.range),
        message: `the examples of '${word.word}' disagree (spread ${word.spreadDb.toFixed(1)} dB); preset ${word.outlier.example.preset} is ${word.outlier.distanceDb} dB from their mean: the fine-tuned word averages them`,
      });
  }
  // Tagged presets that are no example at all: no bands, or a morph that needs a team word.
  const known = new Set(examples.map((example) => `${example.file}\0${example.preset}`));
  for (const { file, meaning } of services.workspace.documents())
    for (const preset of meaning.presets) {
      const tag = preset.tags[0];
      if (!tag || preset.tags.every((t) => bundled.lookup(t.word))) continue;
      if (known.has(`${file}\0${presetLabel(preset)}`)) continue;
      problems.push({
        file,
        line: tag.range.start.line + 1,
        column: tag.range.start.character + 1,
        message: `preset ${presetLabel(preset)} is tagged but gives no setting to learn from (no bands, or a morph of team words): it is not trained`,
      });
    }
  return { examples, words, problems };
}

export async function fineTuneCommand(options: FineTuneCommandOptions): Promise<void> {
  const workspace = defaultWorkspace();
  const services = await cliServices(options.model, { network: true, ignoreBrokenLock: true });
  const baseDir = services.model.current.dir;
  const { examples, words, problems } = taggedExamples(services);
  services.dispose();
  for (const problem of problems) printOut(`${problemLine(problem)}\n`);
  if (examples.length === 0)
    throw new UsageError(
      `nothing to train on: no preset in ${workspace} is tagged with a word of its own (add "tags punchy" to a preset with bands), and no --data CSV was given (eqp train --data SAFEEqualiserUserData.csv trains from SAFE-DB)`,
    );
  const result = await runFineTuning({
    baseDir,
    examples,
    words,
    outDir: options.out,
    ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
    seed: options.seed,
    backend: options.backend,
    onProgress: options.progress,
    onMessage: (message) => printOut(`${message}\n`),
    shouldStop: options.shouldStop,
  });
  printOut("team words: the decoded word against its examples (mean curve error, 20 Hz–20 kHz)\n");
  for (const word of result.teamWords)
    printOut(
      `  ${word.word.padEnd(14)} ${String(word.examples).padStart(3)} example${word.examples === 1 ? " " : "s"}  ${word.beforeDb.toFixed(2)} dB untrained → ${word.afterDb.toFixed(2)} dB fine-tuned (their mean curve: ${word.spreadDb.toFixed(2)} dB)\n`,
    );
  const drift = result.bundledDrift;
  printOut(
    `the model's own words moved by ${drift.medianDb.toFixed(2)} dB (median), at most ${drift.maxDb.toFixed(2)} dB ('${drift.word}'); mixes of two by ${drift.mixMedianDb.toFixed(2)} dB, at most ${drift.mixMaxDb.toFixed(2)} dB; with an eqpreset.lock committed (eqp lock), every morph that moved is reported before it sounds different\n`,
  );
  printOut(`wrote ${options.out} in ${result.seconds.toFixed(1)} s\n`);
}

/** `eqp train --data … --tagged`: the workspace's tagged presets, read with the bundled model, for the CSV training. */
export async function taggedForTraining(): Promise<{ examples: TaggedExample[]; words: TaggedWord[] }> {
  const services = await cliServices(undefined, { network: true, ignoreBrokenLock: true });
  try {
    const { examples, words, problems } = taggedExamples(services);
    for (const problem of problems) printOut(`${problemLine(problem)}\n`);
    return { examples, words };
  } finally {
    services.dispose();
  }
}
