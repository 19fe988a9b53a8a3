/** `eqp render`: a preset's frequency response as an SVG file, the same picture as the editor's hover. */
import type { Command } from "commander";
import { readFileSync, writeFileSync } from "node:fs";
import {
  bundledModelDir,
  containsPosition,
  displayFrequency,
  displayGain,
  effectiveBands,
  inRange,
  morphTerms,
  parsePresetDocument,
  presetLabel,
  readModelMetadata,
  readQuantity,
  resolvePresets,
  SAMPLE_RATE_RANGE,
  validateDocument,
  Vocabulary,
  type EqBand,
  type EqDiagnostic,
  type ResolvedPreset,
} from "../core/index.js";
import { renderCurve } from "../core/eq/svg.js";
import { UsageError } from "./files.js";
import { generatorOf, loadModelForCli } from "./modelCommands.js";

interface RenderOptions {
  preset?: string;
  svg: string;
  model?: string;
  samplerate?: number;
  width: number;
  height: number;
}

function sampleRateArgument(text: string): number {
  const { value, unit } = readQuantity(text.trim());
  if ((unit !== undefined && unit !== "Hz" && unit !== "kHz") || !Number.isFinite(value) || !inRange(value, SAMPLE_RATE_RANGE)) {
    throw new UsageError(`--samplerate must be a rate from ${SAMPLE_RATE_RANGE.min} to ${SAMPLE_RATE_RANGE.max} Hz (48000 or 48kHz), not ${JSON.stringify(text)}`);
  }
  return value;
}

function pixels(name: string) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 120 || value > 4000) throw new UsageError(`--${name} must be a whole number of pixels from 120 to 4000, not ${JSON.stringify(text)}`);
    return value;
  };
}

/** The preset named on the command line, or the file's only preset. */
function choosePreset(file: string, presets: ResolvedPreset[], name: string | undefined): ResolvedPreset {
  const names = presets.map((preset) => presetLabel(preset)).join(", ");
  if (presets.length === 0) throw new UsageError(`${file}: no preset to render`);
  if (name === undefined) {
    if (presets.length === 1) return presets[0]!;
    throw new UsageError(`${file} has ${presets.length} presets: choose one with --preset (${names})`);
  }
  const found = name === "" ? presets.find((preset) => preset.name === undefined) : presets.find((preset) => preset.name === name);
  if (!found) throw new UsageError(`${file}: no preset ${name === "" ? "without a name" : JSON.stringify(name)}; the presets are ${names}`);
  return found;
}

/** A diagnostic stops the render when it lies in the chosen preset or outside every preset (file level). */
function concerns(diagnostic: EqDiagnostic, chosen: ResolvedPreset, presets: ResolvedPreset[]): boolean {
  const at = diagnostic.range.start;
  const owner = presets.find((preset) => preset.block && containsPosition(preset.range, at)) ?? presets.find((preset) => !preset.block && containsPosition(preset.range, at));
  return owner === undefined || owner === chosen;
}

export function addRenderCommand(program: Command): void {
  program
    .command("render")
    .description("draw a preset's frequency response (log frequency, dB, a marker per band) into an SVG file")
    .argument("<file>", "a preset file")
    .option("--preset <name>", 'the preset to draw; needed when the file has several ("" for the unnamed one)')
    .requiredOption("--svg <out>", "the SVG file to write")
    .option("--model <dir>", "model folder for morphs (default: the bundled model)")
    .option("--samplerate <rate>", "draw at this sample rate instead of the preset's (48000 or 48kHz)", sampleRateArgument)
    .option("--width <px>", "picture width", pixels("width"), 360)
    .option("--height <px>", "picture height", pixels("height"), 160)
    .action(async (file: string, options: RenderOptions) => {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        throw new UsageError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
      const document = parsePresetDocument(text);
      const presets = resolvePresets(document);
      const preset = choosePreset(file, presets, options.preset);

      // The network is slow to load: only a morph needs it.
      const model = preset.morph ? await loadModelForCli(options.model) : undefined;
      try {
        const generate = model ? generatorOf(model) : () => undefined;
        const vocabulary = model?.vocabulary ?? new Vocabulary(readModelMetadata(options.model ?? bundledModelDir()).vocabulary);
        const errors = validateDocument(document, { vocabulary, generatedBands: (morph) => (morph === preset.morph ? morphGenerated(morph, generate) : undefined) }).filter(
          (diagnostic) => diagnostic.severity === "error" && concerns(diagnostic, preset, presets),
        );
        if (errors.length > 0) {
          for (const error of errors) process.stderr.write(`${file}:${error.range.start.line + 1}:${error.range.start.character + 1} error ${error.code} ${error.message}\n`);
          process.stderr.write(`eqp render: ${presetLabel(preset)} has errors; nothing written\n`);
          process.exitCode = 1;
          return;
        }
        const bands = effectiveBands(preset, preset.morph ? morphGenerated(preset.morph, generate) : undefined);
        const sampleRate = options.samplerate ?? preset.sampleRate;
        const rendered = renderCurve(bands, sampleRate, preset.outputGainDb, { title: preset.name ?? "Preset", width: options.width, height: options.height });
        const skipped = bands.length - rendered.bands.length;
        if (skipped > 0) process.stderr.write(`eqp render: ${skipped} band${skipped === 1 ? "" : "s"} at or above the Nyquist frequency ${displayFrequency(sampleRate / 2)} not drawn\n`);
        try {
          writeFileSync(options.svg, rendered.svg);
        } catch (error) {
          throw new UsageError(`${options.svg}: cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
        }
        const { peakDb, peakFrequencyHz, suggestedPreGainDb } = rendered.analysis;
        process.stdout.write(
          `wrote ${options.svg}: ${presetLabel(preset)}, ${rendered.bands.length} band${rendered.bands.length === 1 ? "" : "s"} at ${displayFrequency(sampleRate)}, peak ${displayGain(peakDb)} at ${displayFrequency(peakFrequencyHz)}, suggested pre-gain ${displayGain(suggestedPreGainDb)}\n`,
        );
      } finally {
        model?.dispose();
      }
    });
}

function morphGenerated(morph: NonNullable<ResolvedPreset["morph"]>, generate: (terms: { word: string; weight: number }[]) => EqBand[] | undefined): EqBand[] | undefined {
  const terms = morphTerms(morph);
  return terms ? generate(terms) : undefined;
}
