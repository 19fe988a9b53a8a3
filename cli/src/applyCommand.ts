/**
 * `eqp apply`: WAV files through a preset, streamed (applyFile.ts). One file: `eqp apply p.eqp
 * in.wav out.wav`; many: `eqp apply p.eqp in/*.wav --out-dir out/`, in worker threads
 * (applyFolder.ts). The coefficients are computed at each file's sample rate; rate, channels and
 * bit depth are kept. It never clips silently: when the filtered peak does not fit the format it
 * writes nothing and gives the pre-gain that would, unless `--pregain` says what to do.
 */
import type { Command } from "commander";
import { mkdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { presetLabel, readQuantity } from "../../server/src/core/index.js";
import { applyToFile, ClipError, type ApplyJob } from "./applyFile.js";
import { fileError, UsageError } from "./files.js";
import { readPresetInput, ReportedError, stoppingOnReportedErrors } from "./presetInput.js";
import { printError, printOut } from "./terminal.js";

interface ApplyOptions {
  preset?: string;
  pregain?: number | "auto";
  model?: string;
  outDir?: string;
}

function preGainArgument(text: string): number | "auto" {
  if (text.trim().toLowerCase() === "auto") return "auto";
  const { value, unit } = readQuantity(text.trim());
  if ((unit !== undefined && unit !== "dB") || !Number.isFinite(value) || Math.abs(value) > 96) {
    throw new UsageError(
      `--pregain must be "auto" or a gain in dB from -96 to +96 (-3 or -3dB), not ${JSON.stringify(text)}`,
    );
  }
  return value;
}

export function addApplyCommand(program: Command): void {
  program
    .command("apply")
    .description(
      "filter WAV files through a preset, keeping sample rate, channels and bit depth: <in> <out>, or <in…> --out-dir <dir>",
    )
    .argument("<file>", "a preset file")
    .argument("<paths...>", "the WAV file to filter and the file to write; with --out-dir, WAV files, folders or globs")
    .option("--preset <name>", 'the preset; needed when the file has several ("" for the unnamed one)')
    .option("--pregain <dB|auto>", "gain before the EQ: auto = just enough to not clip", preGainArgument)
    .option("--out-dir <dir>", "write each input under its own name in this folder (in parallel)")
    .option("--model <dir>", "model folder for morphs (default: the bundled model)")
    .action((file: string, paths: string[], options: ApplyOptions) =>
      stoppingOnReportedErrors("apply", "nothing written", () => runApply(file, paths, options)),
    );
}

/** The WAV files of the arguments: files as given, folders' *.wav, globs expanded. */
async function wavInputs(inputs: readonly string[]): Promise<string[]> {
  // Loaded for folders only, as applyFolder.ts (worker threads): one file's start stays lean.
  const { default: fg } = await import("fast-glob");
  const files: string[] = [];
  for (const input of inputs) {
    const stat = statSync(input, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      const found = await fg("*.{wav,WAV,wave}", { cwd: input, onlyFiles: true });
      files.push(...found.sort().map((file) => path.join(input, file)));
    } else if (!stat && fg.isDynamicPattern(input)) {
      const found = await fg(input, { onlyFiles: true });
      if (found.length === 0) throw new UsageError(`${input}: no file matches`);
      files.push(...found.sort());
    } else {
      // A missing file is one bad file among the others: its job reports it.
      files.push(input);
    }
  }
  return [...new Set(files)];
}

async function runApply(file: string, paths: string[], options: ApplyOptions): Promise<void> {
  if (options.outDir === undefined && paths.length !== 2)
    throw new UsageError(
      `eqp apply takes a WAV file and the file to write (got ${paths.length} paths); for many files use --out-dir <dir>`,
    );
  const input = await readPresetInput(file, {
    preset: options.preset,
    single: true,
    model: options.model,
    // Each WAV file's own rate decides; a band above its Nyquist frequency fails that file.
    keepAboveNyquist: true,
  });
  input.services.dispose();
  const { resolved, concrete } = input.presets[0]!;
  const job = (inputFile: string, output: string): ApplyJob => ({
    input: inputFile,
    output,
    label: presetLabel(resolved),
    bands: concrete.bands,
    outputGainDb: concrete.outputGainDb,
    preGain: options.pregain,
  });
  if (options.outDir === undefined) return applyOne(job(paths[0]!, paths[1]!));
  const [inputs, { applyInWorkers, outputsIn }] = await Promise.all([wavInputs(paths), import("./applyFolder.js")]);
  const outputs = outputsIn(options.outDir, inputs);
  if (typeof outputs === "string") throw new UsageError(outputs);
  try {
    mkdirSync(options.outDir, { recursive: true });
  } catch (error) {
    throw fileError(options.outDir, "created", error);
  }
  const jobs = inputs.map((inputFile) => job(inputFile, outputs.get(inputFile)!));
  const outcome = await applyInWorkers(jobs, path.join(__dirname, "apply-worker.js"));
  if (outcome.failed > 0) process.exitCode = 1;
}

function applyOne(job: ApplyJob): void {
  try {
    const report = applyToFile(job);
    if (report.warning) printError(`eqp apply: warning: ${report.warning}\n`);
    printOut(`${report.summary}\n`);
  } catch (error) {
    if (error instanceof ClipError) throw new ReportedError(error.message);
    throw error;
  }
}
