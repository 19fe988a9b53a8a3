/**
 * "Match to a reference…" in the preview panel, extension side: two WAV files picked with VS Code's
 * open dialog (the reference, then the recording to match to it), matched by the language server
 * with the core's match (`eqpreset/matchReference`, the same as `eqp match`), and the preset it
 * makes inserted into the document as one WorkspaceEdit, with its curve error and its words shown.
 */
import * as vscode from "vscode";
import type { MatchReferenceParams } from "#protocol/index.js";
import { applyServerEdits, isServerEdit } from "./bandEdits.js";
import type { PreviewData } from "./protocol.js";

export interface MatchServer {
  matchReference(params: MatchReferenceParams): Promise<unknown>;
}

export interface MatchFiles {
  reference: string;
  current: string;
}

/** What the panel says afterwards: the summary, or why nothing was inserted. */
export interface MatchOutcome {
  ok: boolean;
  message: string;
}

async function pickWav(title: string, openLabel: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    canSelectFiles: true,
    canSelectFolders: false,
    filters: { "WAV audio": ["wav", "wave"] },
    title,
    openLabel,
  });
  const file = picked?.[0];
  return file?.scheme === "file" ? file.fsPath : undefined;
}

/** The two files from the open dialog, or undefined when the user cancelled either. */
export async function pickMatchFiles(): Promise<MatchFiles | undefined> {
  const reference = await pickWav(
    "Match to a reference (1 of 2): the reference recording, the sound to match",
    "Reference",
  );
  if (!reference) return undefined;
  const current = await pickWav("Match to a reference (2 of 2): the recording the preset is for", "Match this one");
  return current ? { reference, current } : undefined;
}

export async function matchToReference(
  server: MatchServer,
  shown: PreviewData | undefined,
  files: MatchFiles | undefined,
): Promise<MatchOutcome> {
  const document = shown && vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === shown.uri);
  if (!shown || !document || shown.version === undefined)
    return { ok: false, message: "Open an .eqp file and put the cursor in a preset first: the match goes after it." };
  if (!files) return { ok: false, message: "No files chosen: nothing was matched." };
  const version = document.version;
  const answer = (await server.matchReference({
    uri: shown.uri,
    version,
    position: shown.range.start,
    ...files,
  })) as { edits?: unknown; version?: unknown; refused?: unknown; summary?: unknown } | null;
  if (typeof answer?.refused === "string") return { ok: false, message: `Nothing was matched: ${answer.refused}` };
  if (
    !Array.isArray(answer?.edits) ||
    !answer.edits.every(isServerEdit) ||
    answer.version !== version ||
    typeof answer.summary !== "string"
  )
    return { ok: false, message: "The language server's answer to the match could not be read." };
  const outcome = await applyServerEdits(document, answer.edits, version);
  return outcome.applied
    ? { ok: true, message: `Inserted ${answer.summary}.` }
    : { ok: false, message: `Nothing was inserted: ${outcome.reason}` };
}
