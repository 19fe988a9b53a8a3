/**
 * Every file eqp and the language server write goes through here: the bytes go to a temporary
 * file in the target's folder (same file system, so the rename is atomic), are flushed with fsync,
 * and the temporary file is renamed over the target. A reader, a crash or a full disk therefore
 * sees the old content or the new, never an empty or cut file; on failure the temporary file is
 * removed and the target is left as it was.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import * as path from "node:path";

/** A write that did not happen: `file` names the target, `code` the reason (ENOSPC, EACCES, EROFS…). */
export class FileWriteError extends Error {
  override name = "FileWriteError";
  constructor(
    readonly file: string,
    readonly code: string,
    readonly reason: string,
    existed: boolean,
  ) {
    super(`${file}: cannot be written (${reason})${existed ? "; it is unchanged" : ""}`);
  }
}

/** Marks the temporary files, so a leftover one (after a kill) is recognisable as ours. */
export const PARTIAL_MARKER = ".partial-";

function temporaryName(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}${PARTIAL_MARKER}${process.pid}-${randomBytes(4).toString("hex")}`,
  );
}

/** A link is written through, not replaced by a file: the file it points to is the one renamed over. */
function resolvedTarget(file: string): { target: string; mode: number | undefined } {
  try {
    const target = realpathSync(file);
    return { target, mode: statSync(target).mode & 0o7777 };
  } catch {
    return { target: path.resolve(file), mode: undefined };
  }
}

function writeAll(descriptor: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
}

/** The folder's entry for the new name reaches the disk too (best effort: not every file system allows it). */
function syncFolder(folder: string): void {
  try {
    const descriptor = openSync(folder, "r");
    try {
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
  } catch {
    // A folder that cannot be opened or synced still holds the renamed file.
  }
}

/** Cleans up after a failed write without hiding why it failed. */
function removeQuietly(temporary: string, descriptor: number | undefined): void {
  try {
    if (descriptor !== undefined) closeSync(descriptor);
  } catch {
    // The write's own error is the one to report.
  }
  try {
    unlinkSync(temporary);
  } catch {
    // Never created (EACCES, EROFS).
  }
}

function asWriteError(file: string, error: unknown, existed: boolean): FileWriteError {
  const code = (error as NodeJS.ErrnoException).code ?? "EIO";
  const message = (error as Error).message ?? String(error);
  // Node's messages start with the code ("ENOSPC: no space left on device, write"): say it once.
  return new FileWriteError(file, code, message.startsWith(`${code}:`) ? message : `${code}: ${message}`, existed);
}

/** Writes `data` to `file` atomically, keeping an existing file's permissions; throws FileWriteError. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const { target, mode } = resolvedTarget(file);
  const temporary = temporaryName(target);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(temporary, "wx", mode ?? 0o666);
    if (mode !== undefined) fchmodSync(descriptor, mode);
    writeAll(descriptor, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    fsyncSync(descriptor);
    closeSync(descriptor);
    descriptor = undefined;
    renameSync(temporary, target);
  } catch (error) {
    removeQuietly(temporary, descriptor);
    throw asWriteError(file, error, mode !== undefined);
  }
  syncFolder(path.dirname(target));
}
