/**
 * "Accept all lock changes": asks the server what moved since `eqpreset.lock` (the editor's text,
 * the model in use), shows the list with each cause, and on confirmation has the server rewrite
 * the lock atomically. The same command is the lock-changed quick fix's.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node.js";
import { AcceptLockRequest, type AcceptLockResult, type LockMove } from "#protocol/index.js";
import { requestType } from "./bindings.js";

function signedDb(db: number): string {
  return `${db > 0 ? "+" : "−"}${Math.abs(db).toFixed(1)} dB`;
}

function hz(frequency: number): string {
  return frequency >= 1000
    ? `${(frequency / 1000).toFixed(frequency >= 10000 ? 1 : 2)} kHz`
    : `${Math.round(frequency)} Hz`;
}

/** One line per moved morph: where, how much, why. */
export function movedLines(moved: readonly LockMove[]): string[] {
  return moved.map(
    (move) =>
      `${move.file} ${move.preset} (morph ${move.morph}): ${signedDb(move.db)} at ${hz(move.frequencyHz)} — ${move.cause}`,
  );
}

function summary(result: Extract<AcceptLockResult, { lockFile: string }>): string {
  const moved = `${result.moved.length} morph${result.moved.length === 1 ? "" : "s"} moved`;
  const added = result.added > 0 ? `, ${result.added} not locked yet` : "";
  const model = result.model ? ` (model ${result.model.from} → ${result.model.to})` : "";
  return `${moved}${added}${model}`;
}

export async function acceptAllLockChanges(
  client: () => Promise<LanguageClient>,
  output: vscode.OutputChannel,
  options: { confirm: boolean } = { confirm: true },
): Promise<AcceptLockResult | undefined> {
  const languageClient = await client();
  const preview = await languageClient.sendRequest(requestType(AcceptLockRequest), { write: false });
  if ("refused" in preview) {
    void vscode.window.showWarningMessage(`Accept all lock changes: ${preview.refused}.`);
    return preview;
  }
  const lines = movedLines(preview.moved);
  output.appendLine(`Accept all lock changes (${preview.lockFile}): ${summary(preview)}`);
  for (const line of lines) output.appendLine(`  ${line}`);
  output.show(true);
  if (preview.moved.length === 0 && preview.added === 0 && !preview.model) {
    void vscode.window.showInformationMessage(`Nothing moved since ${preview.lockFile}: the lock is up to date.`);
    return preview;
  }
  if (options.confirm) {
    const accept = "Accept and rewrite the lock";
    const detail = [
      ...lines.slice(0, 12),
      ...(lines.length > 12 ? [`… and ${lines.length - 12} more (see the output)`] : []),
    ];
    const choice = await vscode.window.showWarningMessage(
      `Accept all lock changes? ${summary(preview)}.`,
      { modal: true, detail: detail.join("\n") },
      accept,
    );
    if (choice !== accept) return undefined;
  }
  const written = await languageClient.sendRequest(requestType(AcceptLockRequest), { write: true });
  if ("refused" in written) {
    void vscode.window.showWarningMessage(`Accept all lock changes: ${written.refused}.`);
    return written;
  }
  output.appendLine(`wrote ${written.lockFile}: ${written.morphs} morphs; ${summary(written)} accepted\n`);
  void vscode.window.showInformationMessage(`Lock rewritten: ${summary(written)} accepted.`);
  return written;
}
