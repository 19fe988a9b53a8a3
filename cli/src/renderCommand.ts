/** `eqp render`: a preset's frequency response as an SVG file, the same picture as the editor's hover. */
import type { Command } from "commander";
import { displayFrequency, displayGain, presetLabel } from "../../server/src/core/index.js";
import { renderCurve } from "../../server/src/core/eq/index.js";
import { presetTitle } from "../../server/src/core/export/index.js";
import { UsageError, writeOutputFile } from "./files.js";
import { readPresetInput, sampleRateArgument, stoppingOnReportedErrors } from "./presetInput.js";
import { printError, printOut } from "./terminal.js";

interface RenderOptions {
  preset?: string;
  svg: string;
  model?: string;
  samplerate?: number;
  width: number;
  height: number;
}

function pixels(name: string) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 120 || value > 4000)
      throw new UsageError(`--${name} must be a whole number of pixels from 120 to 4000, not ${JSON.stringify(text)}`);
    return value;
  };
}

export function addRenderCommand(program: Command): void {
  program
    .command("render")
    .description("draw a preset's frequency response (log frequency, dB, a marker per band) into an SVG file")
    .argument("<file>", "a preset file")
    .option("--preset <name>", 'the preset to draw; needed when the file has several ("" for the unnamed one)')
    .requiredOption("--svg <out>", "the SVG file to write")
    .option("--model <dir>", "model folder for morphs (default: the bundled model)")
    .option(
      "--samplerate <rate>",
      "draw at this sample rate instead of the preset's (48000 or 48kHz)",
      sampleRateArgument,
    )
    .option("--width <px>", "picture width", pixels("width"), 360)
    .option("--height <px>", "picture height", pixels("height"), 160)
    .action((file: string, options: RenderOptions) =>
      stoppingOnReportedErrors("render", "nothing written", () => runRender(file, options)),
    );
}

async function runRender(file: string, options: RenderOptions): Promise<void> {
  // Bands at or above the Nyquist frequency cannot be drawn: they are left out with a note, not refused.
  const input = await readPresetInput(file, {
    preset: options.preset,
    single: true,
    model: options.model,
    sampleRate: options.samplerate,
    keepAboveNyquist: true,
  });
  input.services.dispose();
  const { resolved, concrete } = input.presets[0]!;
  const { bands, sampleRate } = concrete;
  const rendered = renderCurve(bands, sampleRate, concrete.outputGainDb, {
    title: presetTitle(concrete),
    width: options.width,
    height: options.height,
  });
  const skipped = bands.length - rendered.bands.length;
  if (skipped > 0)
    printError(
      `eqp render: ${skipped} band${skipped === 1 ? "" : "s"} at or above the Nyquist frequency ${displayFrequency(sampleRate / 2)} not drawn\n`,
    );
  writeOutputFile(options.svg, rendered.svg);
  const { peakDb, peakFrequencyHz, suggestedPreGainDb } = rendered.analysis;
  printOut(
    `wrote ${options.svg}: ${presetLabel(resolved)}, ${rendered.bands.length} band${rendered.bands.length === 1 ? "" : "s"} at ${displayFrequency(sampleRate)}, peak ${displayGain(peakDb)} at ${displayFrequency(peakFrequencyHz)}, suggested pre-gain ${displayGain(suggestedPreGainDb)}\n`,
  );
}
