/** Shared by the end-to-end suites: polling for what the extension and its server do asynchronously. */
import assert from "node:assert/strict";
import * as vscode from "vscode";

/** How long to wait for the language server to answer or publish (it starts with the first file). */
export const WAIT_MS = 15_000;

/** Polls `probe` until it returns something other than undefined, or fails with `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A file in the (temporary copy of the) test workspace. */
export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "no workspace folder is open: the launcher should open test/e2e/workspace's copy");
  return vscode.Uri.joinPath(folder.uri, name);
}

export function codeOf(diagnostic: vscode.Diagnostic): string | number | undefined {
  return typeof diagnostic.code === "object" ? diagnostic.code.value : diagnostic.code;
}

/** How long a training or fine-tuning task may run in the end-to-end suites. */
export const TRAINING_MS = 150_000;

/**
 * Runs `task` and resolves with its process's exit code once a task that `isIt` recognises ends,
 * or fails with "`what` did not end" after `timeoutMs`.
 */
export async function runTaskToEnd(
  task: vscode.Task,
  isIt: (ended: vscode.Task) => boolean,
  what: string,
  timeoutMs = TRAINING_MS,
): Promise<number | undefined> {
  const ended = new Promise<number | undefined>((resolve) => {
    const listener = vscode.tasks.onDidEndTaskProcess((event) => {
      if (!isIt(event.execution.task)) return;
      listener.dispose();
      resolve(event.exitCode);
    });
  });
  await vscode.tasks.executeTask(task);
  return Promise.race([
    ended,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not end`)), timeoutMs)),
  ]);
}
