/**
 * The preview panel in VS Code: "EQ: Open preview" opens a webview beside the editor on the preset
 * under the cursor, and the code lens's arguments (uri, position) open it on another place. What the
 * page draws and plays is tested in a real browser by test/browser/preview-page.test.ts; here the
 * command, the panel and the server's `eqpreset/preview` answer are checked together.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import * as vscode from "vscode";
import { waitFor, workspaceFile } from "./wait.js";

const EXTENSION_ID = "semantic-eq.eqpreset";

/** What the command resolves to (client/src/preview/panel.ts, PreviewSnapshot). */
interface PreviewSnapshot {
  uri: string | undefined;
  presetName: string | null | undefined;
  state: "preview" | "empty" | "error";
  message: string;
}

function previewTab(): vscode.Tab | undefined {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith("eqpreset.preview"));
}

describe("the preview panel", () => {
  it("opens beside the editor on the preset under the cursor", async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile("voice.eqp"));
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const bell = document.positionAt(document.getText().indexOf("bell"));
    editor.selection = new vscode.Selection(bell, bell);

    const snapshot = await vscode.commands.executeCommand<PreviewSnapshot | undefined>("eqpreset.openPreview");
    assert.deepEqual(snapshot && { state: snapshot.state, presetName: snapshot.presetName, uri: snapshot.uri }, {
      state: "preview",
      presetName: "VO clean",
      uri: document.uri.toString(),
    });
    // The tab API learns the panel's title a moment after it is set.
    const tab = await waitFor("the preview's tab, titled after the preset", () =>
      previewTab()?.label === "EQ preview: VO clean" ? previewTab() : undefined,
    );
    assert.notEqual(tab.group.viewColumn, vscode.ViewColumn.One, "the preview opens beside the editor");
  });

  it("takes the code lens's arguments, and says when there is no preset there", async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile("voice.eqp"));
    const lenses = await waitFor("a Preview code lens", async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>(
        "vscode.executeCodeLensProvider",
        document.uri,
      );
      const previews = found.filter((lens) => lens.command?.command === "eqpreset.openPreview");
      return previews.length > 0 ? previews : undefined;
    });
    const lens = lenses[0]!.command!;
    const fromLens = await vscode.commands.executeCommand<PreviewSnapshot | undefined>(
      lens.command,
      ...(lens.arguments ?? []),
    );
    assert.equal(fromLens?.state, "preview");
    assert.equal(fromLens?.presetName, "VO clean");

    const outside = await vscode.commands.executeCommand<PreviewSnapshot | undefined>(
      "eqpreset.openPreview",
      document.uri.toString(),
      { line: 0, character: 0 },
    );
    assert.equal(outside?.state, "empty");
    assert.match(outside?.message ?? "", /No preset at line 1 of voice\.eqp/);
    assert.equal(
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .filter((tab) => tab.input instanceof vscode.TabInputWebview).length,
      1,
      "one preview panel, reused",
    );
  });
});
