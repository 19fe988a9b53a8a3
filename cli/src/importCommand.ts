/** `eqp import`: an Equalizer APO / AutoEQ ParametricEQ.txt as a preset, checked by the core before it is written. */
import type { Command } from "commander";
import * as path from "node:path";
import { EqServices, readDocument } from "../../server/src/core/index.js";
import { parseApo } from "../../server/src/core/import/index.js";
import { apoToPreset } from "../../server/src/core/import/index.js";
import { isSameFile, readTextFile, UsageError, writeOutputFile } from "./files.js";
import { printError, printOut } from "./terminal.js";

interface ImportOptions {
  name?: string;
  out?: string;
  channel?: string;
  fit?: boolean;
}

export function addImportCommand(program: Command): void {
  program
    .command("import")
    .description("turn an Equalizer APO / AutoEQ ParametricEQ.txt into a preset (stdout, or --out)")
    .argument("<file>", "the Equalizer APO file")
    .option("--name <name>", "the preset's name (default: the file's name)")
    .option("--out <file>", "write the .eqp file instead of printing it")
    .option(
      "--channel <name>",
      "import only this channel of a file with Channel: sections (default: a preset per channel)",
    )
    .option(
      "--fit",
      "when the EQ cannot hold every filter, fit the five bands to the file's whole response if that is closer",
    )
    .action((file: string, options: ImportOptions) => {
      if (options.out !== undefined && isSameFile(file, options.out))
        throw new UsageError(
          `--out ${options.out} is the file being imported: the Equalizer APO file would be replaced by the preset; choose another name (a .eqp file)`,
        );
      const text = readTextFile(file);
      const name = options.name ?? (path.basename(file, path.extname(file)) || "Imported");
      const imported = apoToPreset(parseApo(text), {
        name,
        sourceName: path.basename(file),
        ...(options.channel !== undefined ? { channel: options.channel } : {}),
        fit: options.fit ?? false,
      });
      if (imported.errors.length > 0) {
        for (const error of imported.errors)
          printError(`${file}:${error.line}:${error.column} error ${error.message}\n`);
        printError(
          `eqp import: ${file} has ${imported.errors.length} error${imported.errors.length === 1 ? "" : "s"}; nothing imported\n`,
        );
        process.exitCode = 1;
        return;
      }
      if (imported.presets.every((preset) => preset.bands.length === 0 && preset.outputGainDb === 0)) {
        printError(`eqp import: ${file} has no Preamp, shelf or peaking filter to import; nothing imported\n`);
        process.exitCode = 1;
        return;
      }
      for (const warning of imported.warnings)
        printError(`${file}:${warning.line}:${warning.column} ${warning.severity} ${warning.message}\n`);
      // The core checks its own output: an import that would not pass `eqp check` is a bug, not a file.
      const problems = new EqServices()
        .check(readDocument(imported.text))
        .filter((diagnostic) => diagnostic.severity === "error");
      if (problems.length > 0)
        throw new Error(
          `eqp import produced an invalid preset: ${problems.map((problem) => problem.message).join("; ")}\n${imported.text}`,
        );
      if (options.out === undefined) {
        printOut(imported.text);
        return;
      }
      writeOutputFile(options.out, imported.text);
      const bands = (count: number) => `${count} band${count === 1 ? "" : "s"}`;
      const total = (preset: (typeof imported.presets)[number]) =>
        preset.total.maxDb >= 0.005 ? `, up to ${preset.total.maxDb.toFixed(2)} dB off the file's response` : "";
      printOut(
        `wrote ${options.out}: ${imported.presets.map((preset) => `"${preset.name}", ${bands(preset.bands.length)}${total(preset)}`).join("; ")}\n`,
      );
    });
}
