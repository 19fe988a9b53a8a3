/** `eqp export`: presets out to an engine or a tool, with a warning wherever the target falls short. */
import type { Command } from "commander";
import { Option } from "commander";
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { presetLabel } from "../../server/src/core/index.js";
import {
  EXPORT_FORMATS,
  EXPORT_TARGETS,
  exportJson,
  presetFileNames,
  type DocumentPreset,
  type ExportedPreset,
  type ExportFormat,
  type ExportWarning,
} from "../../server/src/core/export/index.js";
import { expandInputs, fileError, UsageError, writeOutputFile } from "./files.js";
import {
  readPresetInput,
  ReportedError,
  sampleRateArgument,
  stoppingOnReportedErrors,
  type PresetInput,
} from "./presetInput.js";
import { printError, printOut } from "./terminal.js";

interface ExportOptions {
  format: ExportFormat;
  samplerate?: number[];
  coefficients?: boolean;
  preset?: string;
  out?: string;
  model?: string;
  /** Any broken preset stops the whole export (for CI); by default the good presets are exported. */
  allOrNothing?: boolean;
}

/** A preset (or a whole file) left out of the export, and why; its errors are printed as they are found. */
interface NotExported {
  file: string;
  what: string;
}

/** One exported preset with where it came from. */
interface Exported extends ExportedPreset {
  file: string;
  label: string;
  document: DocumentPreset;
}

export function warningLine(file: string, warning: ExportWarning): string {
  return `${file}: ${warning.severity} ${warning.format} ${warning.preset !== undefined ? `"${warning.preset}"` : "(unnamed preset)"}: ${warning.message}`;
}

function sampleRatesArgument(text: string): number[] {
  return text.split(",").map(sampleRateArgument);
}

export function addExportCommand(program: Command): void {
  program
    .command("export")
    .description(
      "export presets for an engine or tool: the preset JSON document (all files in one), C tables, Equalizer APO, EasyEffects, Web Audio, FMOD (and an FMOD Studio script), Wwise (and a WAAPI script), CamillaDSP, PipeWire, Godot, Unreal, Unity",
    )
    .argument("<files...>", "preset files or folders")
    .addOption(new Option("--format <format>", "the target").choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .option(
      "--samplerate <rates>",
      "export at this sample rate instead of each preset's (48000 or 48kHz); for json --coefficients a list (44100,48000)",
      sampleRatesArgument,
    )
    .option("--coefficients", "json: add each filter's biquads at the --samplerate rates (default: each preset's own)")
    .option("--preset <name>", 'only this preset ("" for the unnamed one)')
    .option("--out <dir>", "write one file per preset into this folder instead of printing")
    .option("--model <dir>", "model folder for morphs (default: the bundled model)")
    .option(
      "--all-or-nothing",
      "export nothing when any preset has errors (by default the good presets are exported, the broken ones listed, exit code 1)",
    )
    .action((files: string[], options: ExportOptions) =>
      stoppingOnReportedErrors("export", "nothing exported", () => runExport(files, options)),
    );
}

/** Where a file's presets came from, as the document records it: relative to here when inside it. */
function sourceFile(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return (relative.startsWith("..") || path.isAbsolute(relative) ? file : relative).split(path.sep).join("/");
}

function exportedOf(input: PresetInput, options: ExportOptions): Exported[] {
  const context = { sourceName: path.basename(input.file) };
  const model = input.services.modelIdentity();
  return input.presets.map(({ resolved, concrete }) => {
    const document: DocumentPreset = {
      ...concrete,
      fallbackName: path.basename(input.file, path.extname(input.file)),
      source: { file: sourceFile(input.file), line: resolved.range.start.line + 1 },
      ...(resolved.morph
        ? { model: { id: model.id, ...(model.weightsSha256 ? { weightsHash: model.weightsSha256 } : {}) } }
        : {}),
    };
    const exported = EXPORT_TARGETS[options.format].export(document, context);
    return { ...exported, file: input.file, label: presetLabel(resolved), document };
  });
}

/** Every file's presets, exported; unless all or nothing, a broken preset or file is left out and listed. */
async function readAll(
  files: string[],
  options: ExportOptions,
): Promise<{ exported: Exported[]; notExported: NotExported[] }> {
  const rates = options.samplerate ?? [];
  if (rates.length > 1 && !(options.format === "json" && options.coefficients))
    throw new UsageError("--samplerate takes one rate, except with --format json --coefficients");
  const exported: Exported[] = [];
  const notExported: NotExported[] = [];
  for (const file of await expandInputs(files)) {
    let input: PresetInput;
    try {
      input = await readPresetInput(file, {
        preset: options.preset,
        model: options.model,
        // The lowest rate: a band at or above its Nyquist frequency stops the export.
        sampleRate: rates.length > 0 ? Math.min(...rates) : undefined,
        skipBroken: !options.allOrNothing,
      });
    } catch (error) {
      if (options.allOrNothing || !(error instanceof ReportedError)) throw error;
      notExported.push({ file, what: error.message });
      continue;
    }
    try {
      exported.push(...exportedOf(input, options));
      notExported.push(...input.broken.map((one) => ({ file, what: `${one.label} (${one.reason})` })));
    } finally {
      input.services.dispose();
    }
  }
  return { exported, notExported };
}

/** After a partial export: what was left out, and exit code 1; with nothing exported, the first reason. */
function reportNotExported(exported: readonly Exported[], notExported: readonly NotExported[]): void {
  if (notExported.length === 0) return;
  if (exported.length === 0) throw new ReportedError(notExported.map((one) => one.what).join("; "));
  printError(`eqp export: ${notExported.length} not exported, for the errors above:\n`);
  for (const one of notExported)
    printError(`  ${one.what.startsWith(`${one.file}:`) ? one.what : `${one.file}: ${one.what}`}\n`);
  process.exitCode = 1;
}

function jsonText(exported: readonly Exported[], options: ExportOptions): string {
  const coefficientRates = options.coefficients ? (options.samplerate ?? "own") : undefined;
  return exportJson(
    exported.map((one) => one.document),
    { coefficientRates },
  );
}

/** The formats that hold every preset in one file: the JSON document, the C header, the engines' documents and scripts. */
function allInOneText(exported: readonly Exported[], options: ExportOptions): string | undefined {
  if (options.format === "json") return jsonText(exported, options);
  return EXPORT_TARGETS[options.format].exportAll?.(exported.map((one) => one.document));
}

/** One preset's file: a C header names its guard and table after the file, so two may be included together. */
function eachText(one: Exported, options: ExportOptions, fileName: string): string {
  if (options.format === "json") return jsonText([one], options);
  if (options.format !== "c") return one.text;
  const fileStem = fileName.slice(0, -EXPORT_TARGETS.c.extension.length);
  return EXPORT_TARGETS.c.export(one.document, { sourceName: path.basename(one.file), fileStem }).text;
}

function writeEach(exported: readonly Exported[], options: ExportOptions & { out: string }, files: string[]): void {
  try {
    mkdirSync(options.out, { recursive: true });
  } catch (error) {
    throw fileError(options.out, "created", error);
  }
  const fallback = path.basename(files[0]!, path.extname(files[0]!)) || "preset";
  const names = presetFileNames(
    exported.map((one) => one.preset),
    options.format,
    fallback,
  );
  exported.forEach((one, index) => {
    const destination = path.join(options.out, names[index]!);
    writeOutputFile(destination, eachText(one, options, names[index]!));
    printOut(`wrote ${destination}\n`);
  });
}

async function runExport(files: string[], options: ExportOptions): Promise<void> {
  const { exported, notExported } = await readAll(files, options);
  if (exported.length === 0) reportNotExported(exported, notExported);
  const allInOne = options.out === undefined ? allInOneText(exported, options) : undefined;
  if (options.out !== undefined) writeEach(exported, { ...options, out: options.out }, files);
  else if (allInOne !== undefined) printOut(allInOne);
  else if (exported.length > 1) {
    const labels = exported.map((one) => one.label).join(", ");
    throw new UsageError(
      `${files.join(", ")} ${files.length === 1 ? "has" : "have"} ${exported.length} presets and the ${options.format} format holds one preset per file: choose one with --preset (${labels}) or write one file each with --out <dir>`,
    );
  } else printOut(exported[0]!.text);
  for (const one of exported) for (const warning of one.warnings) printError(`${warningLine(one.file, warning)}\n`);
  reportNotExported(exported, notExported);
}
