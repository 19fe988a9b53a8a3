/**
 * `eqp match REFERENCE.wav CURRENT.wav`: the preset that gives CURRENT the tonal balance of
 * REFERENCE (core/audio/matchEq.ts), written as a preset, with its error against the measured
 * difference and its description in the model's words.
 */
import type { Command } from "commander";
import * as path from "node:path";
import { EqServices, formatDecimal, readDocument } from "../../server/src/core/index.js";
import { MATCH_DEFAULTS, matchSpectra, MatchError, type MatchResult } from "../../server/src/core/audio/index.js";
import { presetBlockText } from "../../server/src/core/presets/index.js";
import type { PassKind } from "../../server/src/core/fit/index.js";
import { hasGain } from "../../server/src/core/eq/index.js";
import { displayFrequency, quotedName as quoted } from "../../server/src/core/language/index.js";
import { formatDescription } from "../../server/src/core/model/index.js";
import { writeGain } from "../../server/src/core/language/index.js";
import { UsageError, writeOutputFile } from "./files.js";
import { fileSpectrum, sameRate, smoothingArgument } from "./fileSpectrum.js";
import { cliServices } from "./services.js";
import { printError, printOut } from "./terminal.js";

interface MatchOptions {
  out?: string;
  name?: string;
  smoothing: number;
  bands: number;
  filters: PassKind[];
  model?: string;
}

/** SAFE's five and at most this many in all: more bells chase the measurement's noise, not the sound. */
const MAX_MATCH_BANDS = 12;

function bandsArgument(text: string): number {
  const count = Number(text.trim());
  if (!Number.isInteger(count) || count < 5 || count > MAX_MATCH_BANDS)
    throw new UsageError(
      `--bands must be a whole number from 5 (SAFE's five) to ${MAX_MATCH_BANDS}, not ${JSON.stringify(text)}`,
    );
  return count;
}

function filtersArgument(text: string): PassKind[] {
  const kinds = text.split(",").map((kind) => kind.trim().toLowerCase());
  const wrong = kinds.find((kind) => kind !== "highpass" && kind !== "lowpass");
  if (wrong !== undefined || kinds.length === 0)
    throw new UsageError(
      `--filters takes highpass, lowpass or both (highpass,lowpass), not ${JSON.stringify(wrong ?? text)}`,
    );
  return [...new Set(kinds as PassKind[])];
}

export function addMatchCommand(program: Command): void {
  program
    .command("match")
    .description(
      "the preset that makes CURRENT sound like REFERENCE in tonal balance (long-term spectra, SAFE's 5 bands fitted, more with --bands and --filters)",
    )
    .argument("<reference>", "the WAV file whose balance to match")
    .argument("<current>", "the WAV file the preset is for")
    .option("--out <file>", "write the .eqp file instead of printing it")
    .option("--name <name>", 'the preset\'s name (default: "Match <reference>")')
    .option(
      "--smoothing <1/N>",
      "fractional-octave smoothing of the spectra",
      smoothingArgument,
      MATCH_DEFAULTS.fraction,
    )
    .option("--bands <N>", "bands in all: SAFE's five, and N − 5 bells added where they help most", bandsArgument, 5)
    .option(
      "--filters <list>",
      "pass filters the fit may add, each kept only where it lowers the error: highpass, lowpass or both",
      filtersArgument,
      [],
    )
    .option("--model <dir>", "model folder for the description (default: the bundled model)")
    .action((reference: string, current: string, options: MatchOptions) => runMatch(reference, current, options));
}

function presetText(result: MatchResult, name: string, note: string): string {
  return presetBlockText(name, result.bands, result.outputGainDb, note);
}

async function runMatch(referenceFile: string, currentFile: string, options: MatchOptions): Promise<void> {
  const reference = fileSpectrum(referenceFile);
  const current = fileSpectrum(currentFile);
  sameRate(reference, current);
  const settings = {
    ...MATCH_DEFAULTS,
    fraction: options.smoothing,
    extraBells: options.bands - 5,
    passes: options.filters,
  };
  let result: MatchResult;
  try {
    result = matchSpectra(reference.power, current.power, reference.sampleRate, settings);
  } catch (error) {
    if (error instanceof MatchError) throw new UsageError(`${referenceFile} and ${currentFile}: ${error.message}`);
    throw error;
  }
  const name = options.name ?? `Match ${path.basename(referenceFile, path.extname(referenceFile))}`;
  const errorText = `mean ${formatDecimal(result.meanErrorDb, 2)} dB, max ${formatDecimal(result.maxErrorDb, 2)} dB off the measured difference`;
  const text = presetText(
    result,
    name,
    `eqp match ${path.basename(referenceFile)} ${path.basename(currentFile)}: 1/${settings.fraction}-octave smoothing, ${displayFrequency(settings.lowHz)}–${displayFrequency(settings.highHz)}, ${errorText}`,
  );
  // The core checks its own output: a match that would not pass `eqp check` is a bug, not a file.
  const problems = new EqServices().check(readDocument(text)).filter((diagnostic) => diagnostic.severity === "error");
  if (problems.length > 0)
    throw new Error(`eqp match produced an invalid preset: ${problems.map((problem) => problem.message).join("; ")}`);
  const services = await cliServices(options.model, { network: true, workspace: false });
  const words = formatDescription(services.model.describe(result.bands, 3) ?? [], result.bands);
  services.dispose();
  if (options.out === undefined) printOut(text);
  else writeOutputFile(options.out, text);
  // Printed presets go to stdout alone, so that `eqp match a.wav b.wav > m.eqp` is a preset file.
  (options.out === undefined ? printError : printOut)(
    `${options.out === undefined ? "" : `wrote ${options.out}: `}${quoted(name)}, ${result.bands.filter((band) => band.gainDb !== 0 || !hasGain(band.slot)).length} bands` +
      `${result.outputGainDb !== 0 ? `, gain ${writeGain(result.outputGainDb)}` : ""}; curve error ${errorText} ` +
      `(1/${settings.fraction} octave, ${displayFrequency(settings.lowHz)}–${displayFrequency(settings.highHz)}, ±${settings.maxGainDb} dB)\n` +
      `sounds like: ${words}\n`,
  );
}
