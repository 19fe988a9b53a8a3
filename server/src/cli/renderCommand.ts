/** `eqp render`: a preset's frequency response as an SVG file. */
import type { Command } from "commander";

export function addRenderCommand(program: Command): void {
  void program;
}
