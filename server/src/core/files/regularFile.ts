/**
 * The one way eqp and the language server read a file they did not write. A cloned repository or a
 * model folder can hold a FIFO or a device where a file belongs (`metadata.json`, `x.eqp →
 * /dev/zero`): a read opens with O_NONBLOCK (a FIFO can never block it), checks on the open file
 * that it is a regular file under a size cap, and says why when it refuses.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/** The largest `.gitignore` or lockfile read (bytes). */
export const MAX_SIDE_FILE_BYTES = 4 * 1024 * 1024;
/** The largest file of a model folder read (bytes): metadata grows with the vocabulary, weights with the network. */
export const MAX_MODEL_FILE_BYTES = 256 * 1024 * 1024;

/** Bytes read, or why not: `code` is the system's error code when there was one (ENOENT, EACCES…). */
export type BytesOutcome = { bytes: Buffer } | { problem: string; code?: string };
export type ReadOutcome = { text: string } | { problem: string; code?: string };

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/** A regular file's bytes, or why they were not read (never blocks, never reads more than `cap` bytes). */
export function readRegularBytes(file: string, cap: number): BytesOutcome {
  let descriptor: number;
  try {
    descriptor = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { problem: `cannot be read (${errorCode(error)})`, code: errorCode(error) };
  }
  try {
    const stat = fstatSync(descriptor);
    if (!stat.isFile()) return { problem: "is not a regular file: not read" };
    if (stat.size > cap)
      return { problem: `is ${megabytes(stat.size)} MB, over the ${megabytes(cap)} MB limit: not read` };
    const buffer = Buffer.alloc(stat.size);
    let filled = 0;
    for (let read = 1; read > 0 && filled < buffer.length; filled += read)
      read = readSync(descriptor, buffer, filled, buffer.length - filled, filled);
    return { bytes: buffer.subarray(0, filled) };
  } catch (error) {
    return { problem: `cannot be read (${errorCode(error)})`, code: errorCode(error) };
  } finally {
    closeSync(descriptor);
  }
}

/** A regular file's text, or why it was not read (never blocks, never reads more than `cap` bytes). */
export function readRegularFile(file: string, cap: number): ReadOutcome {
  const read = readRegularBytes(file, cap);
  return "bytes" in read ? { text: read.bytes.toString("utf8") } : read;
}

export function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "");
}
