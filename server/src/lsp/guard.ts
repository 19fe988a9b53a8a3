/** Every handler runs guarded: no input and no bug in one feature can bring the server down. */
import type { Connection } from "vscode-languageserver/node.js";

export type Guard = <T>(name: string, fallback: T, run: () => T) => T;

/** Logs what failed (with its stack) to the server's output, or to stderr once the connection is gone. */
export function logFailure(connection: Connection, name: string, error: unknown): void {
  const text = `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  try {
    connection.console.error(text);
  } catch {
    process.stderr.write(`eqpreset server: ${text}\n`);
  }
}

/** A guard that logs what failed and answers `fallback`. */
export function guardOn(connection: Connection): Guard {
  return (name, fallback, run) => {
    try {
      return run();
    } catch (error) {
      logFailure(connection, name, error);
      return fallback;
    }
  };
}

/**
 * A promise nobody awaits: its failure is logged, never left to end the process (a rejection
 * nobody handles would reach the process's unhandledRejection listeners).
 */
export function settle(connection: Connection, name: string, promise: Promise<unknown>): void {
  promise.catch((error: unknown) => logFailure(connection, name, error));
}
