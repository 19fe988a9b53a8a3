/** `eqp export`, `apply`, `import` and `describe`: presets out to engines and files, and back in. */
import type { Command } from "commander";
import { addApplyCommand } from "./applyCommand.js";
import { addDescribeCommand } from "./describeCommand.js";
import { addExportCommand } from "./exportCommand.js";
import { addImportCommand } from "./importCommand.js";

export function addPresetCommands(program: Command): void {
  addExportCommand(program);
  addApplyCommand(program);
  addImportCommand(program);
  addDescribeCommand(program);
}
