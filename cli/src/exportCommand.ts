/** `eqp export`: presets out to an engine or a tool, with a warning wherever the target falls short. */
import type { Command } from "commander";
import { Option } from "commander";
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { presetLabel } from "../../server/src/core/index.js";
import {
  EXPORT_FORMATS,
  EXPORT_TARGETS,
  presetFileNames,
  type ExportedPreset,
  type ExportFormat,
  type ExportWarning,
} from "../../server/src/core/export/index.js";
import { exportJson } from "../../server/src/core/export/index.js";
import { fileError, UsageError, writeOutputFile } from "./files.js";
import { readPresetInput, sampleRateArgument, stoppingOnReportedErrors } from "./presetInput.js";

interface ExportOptions {
  format: ExportFormat;
  samplerate?: number;
  preset?: string;
  out?: string;
  model?: string;
}

export function warningLine(file: string, warning: ExportWarning): string {
  return `${file}: ${warning.severity} ${warning.format} ${warning.preset !== undefined ? `"${warning.preset}"` : "(unnamed preset)"}: ${warning.message}`;
}

export function addExportCommand(program: Command): void {
  program
    .command("export")
    .description(
      "export presets for an engine or tool: biquad JSON, Equalizer APO, EasyEffects, Web Audio, FMOD, Wwise",
    )
    .argument("<file>", "a preset file")
    .addOption(new Option("--format <format>", "the target").choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .option(
      "--samplerate <rate>",
      "export at this sample rate instead of each preset's (48000 or 48kHz)",
      sampleRateArgument,
    )
    .option("--preset <name>", 'only this preset ("" for the unnamed one)')
    .option("--out <dir>", "write one file per preset into this folder instead of printing")
    .option("--model <dir>", "model folder for morphs (default: the bundled model)")
    .action((file: string, options: ExportOptions) =>
      stoppingOnReportedErrors("export", "nothing exported", () => runExport(file, options)),
    );
}

async function runExport(file: string, options: ExportOptions): Promise<void> {
  const input = await readPresetInput(file, {
    preset: options.preset,
    model: options.model,
    sampleRate: options.samplerate,
  });
  input.services.dispose();
  const target = EXPORT_TARGETS[options.format];
  const context = { sourceName: path.basename(file) };
  const exported: ExportedPreset[] = input.presets.map(({ concrete }) => target.export(concrete, context));

  if (options.out === undefined) {
    if (options.format === "json") {
      process.stdout.write(
        exportJson(
          exported.map((one) => one.preset),
          context,
        ),
      );
    } else if (exported.length > 1) {
      throw new UsageError(
        `${file} has ${exported.length} presets and the ${options.format} format holds one preset per file: choose one with --preset (${input.presets.map(({ resolved }) => presetLabel(resolved)).join(", ")}) or write one file each with --out <dir>`,
      );
    } else {
      process.stdout.write(exported[0]!.text);
    }
  } else {
    try {
      mkdirSync(options.out, { recursive: true });
    } catch (error) {
      throw fileError(options.out, "created", error);
    }
    const fallback = path.basename(file, path.extname(file)) || "preset";
    const names = presetFileNames(
      exported.map((one) => one.preset),
      options.format,
      fallback,
    );
    exported.forEach((one, index) => {
      const destination = path.join(options.out!, names[index]!);
      writeOutputFile(destination, one.text);
      process.stdout.write(`wrote ${destination}\n`);
    });
  }
  for (const one of exported)
    for (const warning of one.warnings) process.stderr.write(`${warningLine(file, warning)}\n`);
}
