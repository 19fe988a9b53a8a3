/**
 * A band dragged in the preview, written back to the document: the server makes the text edits for
 * the version the page showed (`eqpreset/editBand`, canonical format, refused on another version),
 * and the extension applies them as one WorkspaceEdit, i.e. one undo step. The version is checked
 * again here, just before applying: an edit made for an older text is never applied to a newer one.
 */
import * as vscode from "vscode";
import type { EditBandParams } from "#protocol/index.js";
import type { BandEditMessage, PreviewData } from "./protocol.js";

export interface BandEditServer {
  editBand(params: EditBandParams): Promise<unknown>;
}

export type BandEditOutcome = { applied: true; version: number } | { applied: false; reason: string };

interface ServerEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

export function isServerEdit(value: unknown): value is ServerEdit {
  const edit = value as Partial<ServerEdit> | null;
  const isPosition = (p: unknown) =>
    typeof p === "object" &&
    p !== null &&
    Number.isInteger((p as { line?: unknown }).line) &&
    Number.isInteger((p as { character?: unknown }).character);
  return (
    typeof edit === "object" &&
    edit !== null &&
    typeof edit.newText === "string" &&
    isPosition(edit.range?.start) &&
    isPosition(edit.range?.end)
  );
}

export async function applyBandEdit(
  server: BandEditServer,
  shown: PreviewData,
  message: BandEditMessage,
): Promise<BandEditOutcome> {
  const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === shown.uri);
  if (!document) return { applied: false, reason: "The preset's document is not open any more." };
  if (message.version !== shown.version || document.version !== message.version)
    return { applied: false, reason: "The document changed while you dragged: drag again on the new curve." };
  const answer = (await server.editBand({
    uri: shown.uri,
    version: message.version,
    position: shown.range.start,
    key: message.key,
    slot: message.slot,
    frequencyHz: message.frequencyHz,
    gainDb: message.gainDb,
    q: message.q,
  })) as { edits?: unknown; version?: unknown; refused?: unknown } | null;
  if (typeof answer?.refused === "string") return { applied: false, reason: answer.refused };
  if (!Array.isArray(answer?.edits) || !answer.edits.every(isServerEdit) || answer.version !== message.version)
    return { applied: false, reason: "The language server's answer to the drag could not be read." };
  return applyServerEdits(document, answer.edits as ServerEdit[], message.version);
}

/**
 * Applies the server's edits, made for `version` of `document`, as one WorkspaceEdit (one undo
 * step); refused when the user typed since (the edits would land in the wrong places).
 */
export async function applyServerEdits(
  document: vscode.TextDocument,
  edits: readonly ServerEdit[],
  version: number,
): Promise<BandEditOutcome> {
  if (document.version !== version)
    return { applied: false, reason: "The document changed while the edit was made: try again." };
  const edit = new vscode.WorkspaceEdit();
  for (const change of edits) {
    const range = new vscode.Range(
      change.range.start.line,
      change.range.start.character,
      change.range.end.line,
      change.range.end.character,
    );
    edit.replace(document.uri, range, change.newText);
  }
  const applied = await vscode.workspace.applyEdit(edit);
  return applied
    ? { applied: true, version: document.version }
    : { applied: false, reason: "VS Code did not apply the edit." };
}
