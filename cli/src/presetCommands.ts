/** `eqp export`, `apply`, `import`, `describe`, `match` and `analyze`: presets out to engines and audio, and back in. */
import type { Command } from "commander";
import { addAnalyzeCommand } from "./analyzeCommand.js";
import { addApplyCommand } from "./applyCommand.js";
import { addDescribeCommand } from "./describeCommand.js";
import { addExportCommand } from "./exportCommand.js";
import { addImportCommand } from "./importCommand.js";
import { addMatchCommand } from "./matchCommand.js";

export function addPresetCommands(program: Command): void {
  addExportCommand(program);
  addApplyCommand(program);
  addImportCommand(program);
  addDescribeCommand(program);
  addMatchCommand(program);
  addAnalyzeCommand(program);
}
