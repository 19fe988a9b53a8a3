/** Running the built CLI (`bin/eqp.js`) in its own process, as a user would, and the files its tests write. */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export const CLI = path.resolve("bin", "eqp.js");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `eqp <args…>`: its exit code and what it printed. */
export function eqp(...args: string[]): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A new empty folder in the system's temporary folder, named after the suite ("eqp-render-…"). */
export function temporaryFolder(suite: string): string {
  return mkdtempSync(path.join(tmpdir(), `eqp-${suite}-`));
}

/** Writes `content` as `name` in `folder`; returns the file's path. */
export function writeFileIn(folder: string, name: string, content: string | Uint8Array): string {
  const file = path.join(folder, name);
  writeFileSync(file, content);
  return file;
}

/** `text` as a regular expression that matches it literally (paths in messages hold dots). */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A temporary git repository: `write` puts a file in it (folders made), `eqpIn` runs eqp inside it. */
export function temporaryRepository(suite: string): {
  repo: string;
  write: (file: string, text: string) => void;
  eqpIn: (...args: string[]) => CliResult;
} {
  const repo = temporaryFolder(suite);
  spawnSync("git", ["init", "-q"], { cwd: repo });
  return {
    repo,
    write: (file, text) => {
      mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      writeFileSync(path.join(repo, file), text);
    },
    eqpIn: (...args) => {
      const result = spawnSync(process.execPath, [CLI, ...args], { cwd: repo, encoding: "utf8" });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}
