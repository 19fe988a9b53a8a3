/**
 * How an `eqp` program runs and ends, shared by the whole CLI (main.ts) and the lean entry of
 * `eqp apply` (applyMain.ts): usage errors as one line and exit code 2, bugs as one line and 70
 * (the stack only with EQP_DEBUG=1), and a reader that goes away (`eqp … | head`) ending quietly.
 */
import type { Command } from "commander";
import { MetadataError } from "../../server/src/core/model/index.js";
import { isUserFacingError } from "./userErrors.js";
import { printError } from "./terminal.js";

export async function runProgram(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof MetadataError || (await isUserFacingError(error))) {
      printError(`eqp: ${(error as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    // A bug, not the user's input: one line, and the stack only when asked for (EQP_DEBUG=1).
    const message = error instanceof Error ? error.message : String(error);
    printError(
      `eqp: internal error: ${message}${process.env.EQP_DEBUG ? `\n${(error as Error).stack ?? ""}` : " (EQP_DEBUG=1 shows where)"}\n`,
    );
    process.exitCode = 70;
  }
}

/** `eqp describe … | head`: a reader that goes away ends the command quietly, not with a stack trace. */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
}
