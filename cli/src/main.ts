/** `eqp`: the command-line face of the core, with the same diagnostics as the editor. */
import { Command, Option } from "commander";
import * as path from "node:path";
import {
  fileNotReadDiagnostic,
  fixesOf,
  formatDocument,
  parsePresetDocument,
  readDocument,
  type DocumentMeaning,
  type EqDiagnostic,
  mayNeedModel,
} from "../../server/src/core/index.js";
import { addDiffCommand } from "./diffCommand.js";
import { expandInputs, readTextFile, UsageError, writeOutputFile } from "./files.js";
import { addExpandCommand, addModelCommands } from "./modelCommands.js";
import { endQuietlyOnClosedPipe, runProgram } from "./programRun.js";
import { addPresetCommands } from "./presetCommands.js";
import { addLockCommand } from "./lockCommand.js";
import { addPrintCommand } from "./printCommand.js";
import { addRenderCommand } from "./renderCommand.js";
import { sarifText } from "./sarif.js";
import { addWorkspaceOption, cliServices } from "./services.js";
import { printError, printOut } from "./terminal.js";

interface FileResult {
  file: string;
  diagnostics: EqDiagnostic[];
}

/** Checks files exactly as the editor does: the network is loaded when a file has a morph, so generated bands are checked too. */
async function checkFiles(files: string[], modelDir: string | undefined): Promise<FileResult[]> {
  const read = files.map((file) => ({ file, ...readForCheck(file) }));
  const services = await cliServices(modelDir, {
    network: read.some(({ meaning }) => meaning?.presets.some(mayNeedModel)),
    files,
  });
  try {
    return read.map(({ file, meaning, problem }) => ({
      file,
      diagnostics: meaning ? services.check(meaning, path.resolve(file)) : [fileNotReadDiagnostic(problem)],
    }));
  } finally {
    services.dispose();
  }
}

/** A file's meaning, or (a FIFO, a file over the size cap) the reason it was not read, as a diagnostic will say. */
function readForCheck(
  file: string,
): { meaning: DocumentMeaning; problem?: undefined } | { meaning?: undefined; problem: string } {
  try {
    return { meaning: readDocument(readTextFile(file)) };
  } catch (error) {
    if (error instanceof UsageError) return { problem: error.message };
    throw error;
  }
}

function printDiagnostic(file: string, diagnostic: EqDiagnostic): string {
  const { line, character } = diagnostic.range.start;
  return `${file}:${line + 1}:${character + 1} ${diagnostic.severity} ${diagnostic.code} ${diagnostic.message}`;
}

/** "1 error", "0 errors", "2 errors". */
function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function summary(results: FileResult[]): string {
  const count = (severity: string) =>
    results.reduce((sum, result) => sum + result.diagnostics.filter((d) => d.severity === severity).length, 0);
  return `${counted(results.length, "file")} checked: ${counted(count("error"), "error")}, ${counted(count("warning"), "warning")}, ${counted(count("information"), "note")}`;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("eqp")
    .description(
      "Semantic EQ presets as code: check, format, print and expand .eqp files; train and evaluate the model; " +
        "export presets to engines and tools, apply one to a WAV file, import Equalizer APO settings, describe presets in words and render their curves",
    )
    .showHelpAfterError();
  addWorkspaceOption(program);
  const modelOption = () => new Option("--model <dir>", "model folder (default: the bundled model)");

  program
    .command("check")
    .description("validate preset files; prints file:line:col severity code message, exits 1 on any error")
    .argument("[files...]", "files, folders or globs (default: the current folder)", ["."])
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "sarif"]).default("text"))
    .addOption(modelOption())
    .option("--quiet", "print errors only")
    .action(async (inputs: string[], options: { format: string; model?: string; quiet?: boolean }) => {
      const results = await checkFiles(await expandInputs(inputs), options.model);
      const shown = (diagnostics: EqDiagnostic[]) =>
        options.quiet ? diagnostics.filter((d) => d.severity === "error") : diagnostics;
      if (options.format === "sarif") {
        printOut(sarifText(results.map((result) => ({ ...result, diagnostics: shown(result.diagnostics) }))));
      } else if (options.format === "json") {
        const json = results.map((result) => ({
          file: result.file,
          diagnostics: shown(result.diagnostics).map((d) => ({
            line: d.range.start.line + 1,
            column: d.range.start.character + 1,
            endLine: d.range.end.line + 1,
            endColumn: d.range.end.character + 1,
            severity: d.severity,
            code: d.code,
            message: d.message,
            ...(d.data?.fix === "replace" ? { fixes: fixesOf(d.data) } : {}),
          })),
        }));
        printOut(`${JSON.stringify(json, null, 2)}\n`);
      } else {
        for (const result of results)
          for (const diagnostic of shown(result.diagnostics)) printOut(`${printDiagnostic(result.file, diagnostic)}\n`);
        printError(`${summary(results)}\n`);
      }
      if (results.some((result) => result.diagnostics.some((d) => d.severity === "error"))) process.exitCode = 1;
    });

  program
    .command("format")
    .description("rewrite files into the canonical layout (--check: only report files that would change)")
    .argument("<files...>", "files, folders or globs")
    .option("--check", "exit 1 if a file is not formatted, change nothing")
    .action(async (inputs: string[], options: { check?: boolean }) => {
      let unformatted = 0;
      for (const file of await expandInputs(inputs)) {
        const text = readTextFile(file);
        const document = parsePresetDocument(text);
        const formatted = formatDocument(document, text);
        if (formatted === undefined) {
          const first = document.syntaxErrors[0]!;
          printError(
            `${file}:${first.range.start.line + 1}:${first.range.start.character + 1} error syntax-error ${first.message} (not formatted)\n`,
          );
          process.exitCode = 1;
          continue;
        }
        if (formatted === text) continue;
        unformatted++;
        if (options.check) printOut(`${file}: not formatted\n`);
        else writeOutputFile(file, formatted);
      }
      if (options.check && unformatted > 0) process.exitCode = 1;
    });

  addPrintCommand(program);
  addDiffCommand(program);
  addModelCommands(program);
  addExpandCommand(program, expandInputs);
  addPresetCommands(program);
  addRenderCommand(program);
  addLockCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await runProgram(buildProgram(), argv);
}

endQuietlyOnClosedPipe();
void main(process.argv);
