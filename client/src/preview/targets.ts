/**
 * Where the preview panel looks, and how it talks about it: the target of `eqpreset.openPreview`
 * from its arguments, the webview's options, and the words for a failed request.
 */
import * as vscode from "vscode";
import { parsePosition } from "./protocol.js";

const LANGUAGE_ID = "eqpreset";
/** JSON-RPC's "method not found": a server without the preview request. */
const METHOD_NOT_FOUND = -32601;

export interface PreviewTarget {
  uri: vscode.Uri;
  position: vscode.Position;
}

/** Scripts on (the page's own, by nonce), command links and forms off, local files from media/ and dist/ only. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableForms: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, "media"), vscode.Uri.joinPath(extensionUri, "dist")],
  };
}

export function fileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf("/") + 1);
}

export function requestFailure(error: unknown): string {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  if (code === METHOD_NOT_FOUND)
    return "This language server cannot preview presets (it does not know eqpreset/preview). Update the extension or restart the server.";
  return `The language server could not preview this preset: ${detail}`;
}

export function targetFromArgs(args: readonly unknown[]): PreviewTarget | undefined {
  const [first, second] = args;
  const editor = vscode.window.activeTextEditor;
  const uri = typeof first === "string" ? parseUri(first) : first instanceof vscode.Uri ? first : undefined;
  if (uri) {
    const position = parsePosition(second);
    if (position) return { uri, position: new vscode.Position(position.line, position.character) };
    // The editor title menu passes only the file: its cursor if it is shown, else the top.
    const shown = vscode.window.visibleTextEditors.find(
      (candidate) => candidate.document.uri.toString() === uri.toString(),
    );
    return { uri, position: shown?.selection.active ?? new vscode.Position(0, 0) };
  }
  if (editor?.document.languageId === LANGUAGE_ID)
    return { uri: editor.document.uri, position: editor.selection.active };
  return undefined;
}

function parseUri(text: string): vscode.Uri | undefined {
  try {
    return vscode.Uri.parse(text, true);
  } catch {
    return undefined;
  }
}
