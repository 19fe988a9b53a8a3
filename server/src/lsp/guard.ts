/** Every handler runs guarded: no input and no bug in one feature can bring the server down. */
import type { Connection } from "vscode-languageserver/node.js";

export type Guard = <T>(name: string, fallback: T, run: () => T) => T;

/** A guard that logs what failed (with its stack) to the server's output and answers `fallback`. */
export function guardOn(connection: Connection): Guard {
  return (name, fallback, run) => {
    try {
      return run();
    } catch (error) {
      connection.console.error(
        `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return fallback;
    }
  };
}
