/**
 * `eqp analyze FILE.wav --svg out.svg`: the file's long-term spectrum (core/audio/spectrum.ts) as a
 * curve in the hover's picture, in dB against its own mean level over 40 Hz–16 kHz, so that its
 * tilt and resonances read on the usual ±12 dB axis. With `--against OTHER.wav` the other file on
 * the same axis (against the first file's mean, so a level difference shows); with `--preset` the
 * file's spectrum after the preset: the spectrum plus the preset's response, which is what the
 * filter does to a long-term average.
 */
import type { Command } from "commander";
import * as path from "node:path";
import {
  displayFrequency,
  logFrequencies,
  presetLabel,
  responseDb,
  topFrequency,
} from "../../server/src/core/index.js";
import { MATCH_DEFAULTS, smoothedLevelsDb } from "../../server/src/core/audio/index.js";
import { curvesSvg, type DrawnCurve } from "../../server/src/core/diff/index.js";
import { UsageError, writeOutputFile } from "./files.js";
import { fileSpectrum, sameRate, smoothingArgument, type FileSpectrum } from "./fileSpectrum.js";
import { readPresetInput, stoppingOnReportedErrors } from "./presetInput.js";
import { printOut } from "./terminal.js";

interface AnalyzeOptions {
  svg: string;
  against?: string;
  preset?: string;
  file?: string;
  smoothing: number;
  model?: string;
}

/** Points of the drawn spectrum: about 1/50 octave, finer than any smoothing offered. */
const SPECTRUM_POINTS = 512;

export function addAnalyzeCommand(program: Command): void {
  program
    .command("analyze")
    .description(
      "draw a WAV file's long-term spectrum (and another file's, or the file after a preset) into an SVG file",
    )
    .argument("<wav>", "the WAV file")
    .requiredOption("--svg <out>", "the SVG file to write")
    .option("--against <wav>", "draw this file's spectrum too")
    .option("--file <presets>", "with --preset: the preset file")
    .option("--preset <name>", "draw the file after this preset too (its long-term effect)")
    .option("--smoothing <1/N>", "fractional-octave smoothing", smoothingArgument, 6)
    .option("--model <dir>", "model folder for morphs (default: the bundled model)")
    .action((wav: string, options: AnalyzeOptions) =>
      stoppingOnReportedErrors("analyze", "nothing written", () => runAnalyze(wav, options)),
    );
}

function meanLevel(levels: Float64Array, frequencies: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < levels.length; i++) {
    const inRange = frequencies[i]! >= MATCH_DEFAULTS.lowHz && frequencies[i]! <= MATCH_DEFAULTS.highHz;
    if (inRange && Number.isFinite(levels[i]!)) {
      sum += levels[i]!;
      count++;
    }
  }
  return count > 0 ? sum / count : 0;
}

async function secondCurve(
  main: FileSpectrum,
  frequencies: Float64Array,
  levels: Float64Array,
  options: AnalyzeOptions,
): Promise<DrawnCurve | undefined> {
  if (options.against !== undefined) {
    const other = fileSpectrum(options.against);
    sameRate(main, other);
    const values = smoothedLevelsDb(other.power, other.sampleRate, frequencies, options.smoothing);
    return {
      values,
      className: "curve-against",
      colour: "#c792ea",
      dashed: true,
      label: path.basename(options.against).slice(0, 10),
    };
  }
  if (options.preset === undefined) return undefined;
  if (options.file === undefined) throw new UsageError("--preset needs --file <presets.eqp>, the file it is in");
  const input = await readPresetInput(options.file, {
    preset: options.preset,
    single: true,
    model: options.model,
    sampleRate: main.sampleRate,
  });
  input.services.dispose();
  const { resolved, concrete } = input.presets[0]!;
  const response = responseDb(concrete.bands, frequencies, main.sampleRate, concrete.outputGainDb);
  const values = levels.map((level, i) => level + response[i]!);
  return {
    values,
    className: "curve-preset",
    colour: "#ffb74d",
    dashed: false,
    label: presetLabel(resolved).slice(0, 14),
  };
}

async function runAnalyze(wav: string, options: AnalyzeOptions): Promise<void> {
  if (options.against !== undefined && options.preset !== undefined)
    throw new UsageError("--against and --preset draw the second curve: choose one");
  const main = fileSpectrum(wav);
  const frequencies = logFrequencies(SPECTRUM_POINTS, 20, topFrequency(main.sampleRate));
  const levels = smoothedLevelsDb(main.power, main.sampleRate, frequencies, options.smoothing);
  const second = await secondCurve(main, frequencies, levels, options);
  const reference = meanLevel(levels, frequencies);
  const relative = (values: Float64Array) => values.map((value) => value - reference);
  const drawn: DrawnCurve[] = [
    {
      values: relative(levels),
      className: "curve",
      colour: "#4fc3f7",
      dashed: false,
      label: path.basename(wav).slice(0, 10),
    },
  ];
  if (second) drawn.push({ ...second, values: relative(second.values) });
  const svg = curvesSvg(frequencies, drawn, [], {
    title: `Long-term spectrum of ${wav}, 1/${options.smoothing} octave, dB against its mean level (${reference.toFixed(1)} dB)`,
  });
  writeOutputFile(options.svg, svg);
  printOut(
    `wrote ${options.svg}: the long-term spectrum of ${wav} (${displayFrequency(main.sampleRate)}, ${main.channels} channel${main.channels === 1 ? "" : "s"} mixed to mono, 1/${options.smoothing} octave)` +
      `${second ? ` and ${second.className === "curve-against" ? options.against : `after ${second.label}`}` : ""}\n`,
  );
}
