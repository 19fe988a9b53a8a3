/**
 * `eqp apply`: a WAV file through a preset. The coefficients are computed at the file's sample
 * rate; the file's rate, channels and bit depth are kept. It never clips silently: when the
 * filtered peak does not fit the format it stops and gives the pre-gain that would, unless
 * `--pregain` says what to do.
 */
import type { Command } from "commander";
import {
  displayFrequency,
  displayGain,
  formatDecimal,
  presetLabel,
  readQuantity,
} from "../../server/src/core/index.js";
import { headroom } from "../../server/src/core/audio/index.js";
import { filterChannels, peakLevel, presetBiquads, scaleChannels } from "../../server/src/core/audio/index.js";
import { ceilingOf } from "../../server/src/core/audio/index.js";
import { UsageError } from "./files.js";
import { readPresetInput, ReportedError, stoppingOnReportedErrors } from "./presetInput.js";
import { readWav, writeWav } from "./wav.js";

interface ApplyOptions {
  preset?: string;
  pregain?: number | "auto";
  model?: string;
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

function depthLabel(bitDepth: string): string {
  return bitDepth.endsWith("f")
    ? `${bitDepth.slice(0, -1)}-bit float`
    : bitDepth === "64"
      ? "64-bit float"
      : `${bitDepth}-bit`;
}

export function addApplyCommand(program: Command): void {
  program
    .command("apply")
    .description("filter a WAV file through a preset, keeping its sample rate, channels and bit depth")
    .argument("<file>", "a preset file")
    .argument("<in>", "the WAV file to filter")
    .argument("<out>", "the WAV file to write")
    .option("--preset <name>", 'the preset; needed when the file has several ("" for the unnamed one)')
    .option("--pregain <dB|auto>", "gain before the EQ: auto = just enough to not clip", preGainArgument)
    .option("--model <dir>", "model folder for morphs (default: the bundled model)")
    .action((file: string, input: string, output: string, options: ApplyOptions) =>
      stoppingOnReportedErrors("apply", "nothing written", () => runApply(file, input, output, options)),
    );
}

async function runApply(file: string, inputFile: string, outputFile: string, options: ApplyOptions): Promise<void> {
  const audio = readWav(inputFile);
  const input = await readPresetInput(file, {
    preset: options.preset,
    single: true,
    model: options.model,
    sampleRate: audio.sampleRate,
  });
  input.services.dispose();
  const { resolved, concrete } = input.presets[0]!;
  let channels = filterChannels(audio.channels, presetBiquads(concrete.bands, audio.sampleRate), concrete.outputGainDb);
  const ceiling = ceilingOf(audio.format);
  const before = headroom(peakLevel(channels), ceiling);
  const preGainDb = options.pregain === "auto" ? before.suggestedPreGainDb : (options.pregain ?? 0);
  // The EQ is linear: a gain before it equals the same gain after it, so it is applied to the result.
  if (preGainDb !== 0) channels = scaleChannels(channels, preGainDb);
  const after = preGainDb !== 0 ? headroom(peakLevel(channels), ceiling) : before;
  const peakText = Number.isFinite(after.peakDbfs)
    ? `${after.peakDbfs > 0 ? "+" : ""}${formatDecimal(after.peakDbfs, 2)} dBFS`
    : "silence";
  if (after.clips) {
    const advice = `pre-gain of ${displayGain(preGainDb + after.suggestedPreGainDb)} (--pregain ${formatDecimal(preGainDb + after.suggestedPreGainDb, 1)}) or --pregain auto`;
    if (audio.format.kind !== "float") {
      throw new ReportedError(
        `${outputFile} would clip: ${presetLabel(resolved)} peaks at ${peakText} in a ${depthLabel(audio.bitDepth)} file; use a ${advice}`,
      );
    }
    process.stderr.write(
      `eqp apply: warning: ${outputFile} peaks at ${peakText}, over full scale: a float file keeps it, but playback will clip; a ${advice} avoids that\n`,
    );
  }
  writeWav(outputFile, { ...audio, channels });
  const frames = audio.channels[0]?.length ?? 0;
  process.stdout.write(
    `wrote ${outputFile}: ${presetLabel(resolved)}, ${concrete.bands.length} band${concrete.bands.length === 1 ? "" : "s"} at ${displayFrequency(audio.sampleRate)}, ` +
      `${audio.channels.length} channel${audio.channels.length === 1 ? "" : "s"}, ${depthLabel(audio.bitDepth)}, ${formatDecimal(frames / audio.sampleRate, 2)} s; ` +
      `peak ${peakText}${preGainDb !== 0 ? ` after a pre-gain of ${displayGain(preGainDb)}` : ""}\n`,
  );
}
