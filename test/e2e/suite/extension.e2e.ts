/**
 * End-to-end tests of the extension in real VS Code (code-server's workbench in headless Chromium,
 * see test/e2e/e2e.test.ts): activation, diagnostics, hover, completion and a quick fix, all
 * through VS Code's own APIs, so the client, the server and the editor are all in the loop.
 *
 * The workspace is a temporary copy of test/e2e/workspace. Named *.e2e.ts, not *.test.ts: these
 * are Mocha tests for the extension host, not node:test tests for test/run.mjs.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "mocha";
import * as vscode from "vscode";
import { codeOf, waitFor, workspaceFile } from "./wait.js";

const EXTENSION_ID = "semantic-eq.eqpreset";
const LANGUAGE_ID = "eqpreset";

async function open(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(document);
}

/** The position of the first `text` in the document, plus `delta` characters. */
function positionOf(document: vscode.TextDocument, text: string, delta = 0): vscode.Position {
  const offset = document.getText().indexOf(text);
  assert.ok(offset >= 0, `'${text}' not found in ${document.uri.path}`);
  return document.positionAt(offset + delta);
}

function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  return JSON.stringify(
    diagnostics.map((d) => ({
      code: codeOf(d),
      message: d.message,
      line: d.range.start.line,
      character: d.range.start.character,
    })),
  );
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === "string" ? content : content.value))
    .join("\n");
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === "string" ? item.label : item.label.label;
}

describe("the eqpreset extension in VS Code", () => {
  let extension: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not installed in the extension host`);
    extension = found;
  });

  it("activates on opening an .eqp file", async () => {
    const editor = await open("voice.eqp");
    assert.equal(editor.document.languageId, LANGUAGE_ID);
    // "activationEvents": ["onLanguage:eqpreset"] should start it without help.
    await waitFor("the extension to activate on an .eqp file", () => (extension.isActive ? true : undefined));
    // activate() resolves once activation (and with it the language client's start) has finished.
    await extension.activate();
    assert.ok(extension.isActive);
  });

  it("reports an unknown word, with a suggestion", async () => {
    const { document } = await open("typo.eqp");
    await extension.activate();
    const diagnostic = await waitFor("an unknown-word diagnostic on typo.eqp", () =>
      vscode.languages.getDiagnostics(document.uri).find((d) => codeOf(d) === "unknown-word"),
    );
    assert.match(diagnostic.message, /Did you mean 'warm'/);
    assert.equal(document.getText(diagnostic.range), "warn");
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
  });

  it("shows a hover on a band keyword", async () => {
    const { document } = await open("voice.eqp");
    await extension.activate();
    const position = positionOf(document, "bell", 1);
    const text = await waitFor("a hover on 'bell'", async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        "vscode.executeHoverProvider",
        document.uri,
        position,
      );
      return hovers.length > 0 ? hoverText(hovers) : undefined;
    });
    assert.match(text, /Bell 1/);
  });

  it("completes the words the model knows after `morph `", async () => {
    const editor = await open("unfinished.eqp");
    await extension.activate();
    // Type a half-finished line into the preset, as a user would.
    const lineStart = positionOf(editor.document, "  gain");
    assert.ok(await editor.edit((edit) => edit.insert(lineStart, "  morph \n")), "could not type into unfinished.eqp");
    const cursor = positionOf(editor.document, "morph ", "morph ".length);
    const labels = await waitFor("completions after `morph `", async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        "vscode.executeCompletionItemProvider",
        editor.document.uri,
        cursor,
      );
      const found = list.items.map(labelOf);
      return found.includes("warm") ? found : undefined;
    });
    assert.ok(labels.includes("warm"), `no 'warm' among ${labels.join(", ")}`);
    assert.ok(labels.includes("bright"), `no 'bright' among ${labels.join(", ")}`);
  });

  it("applies the quick fix for the unknown word, and the error goes away", async () => {
    const { document } = await open("typo.eqp");
    await extension.activate();
    const diagnostic = await waitFor("an unknown-word diagnostic on typo.eqp", () =>
      vscode.languages.getDiagnostics(document.uri).find((d) => codeOf(d) === "unknown-word"),
    );

    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      "vscode.executeCodeActionProvider",
      document.uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((action) => action.title).join(" | ");
    // A Command has a string `command`; a CodeAction has an optional Command object there.
    const fix = actions.find(
      (action): action is vscode.CodeAction => typeof action.command !== "string" && /'warm'/.test(action.title),
    );
    assert.ok(fix, `no quick fix to 'warm' among: ${titles}`);
    assert.equal(fix.title, "Replace 'warn' with 'warm'");
    assert.ok(fix.edit, `the quick fix '${fix.title}' has no edit`);

    assert.ok(await vscode.workspace.applyEdit(fix.edit), "VS Code did not apply the quick fix's edit");
    assert.match(document.getText(), /morph warm 0\.5/);
    await waitFor("the diagnostics of typo.eqp to clear after the quick fix", () =>
      vscode.languages.getDiagnostics(document.uri).length === 0 ? true : undefined,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; still: ${describeDiagnostics(vscode.languages.getDiagnostics(document.uri))}`);
    });
  });
});
