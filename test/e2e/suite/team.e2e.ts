/**
 * Team words in real VS Code: two presets tagged in one file (never opened) make a word that a
 * morph in another file can use at once; deleting the tags on disk brings the error back.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import * as vscode from "vscode";
import { codeOf, waitFor, workspaceFile } from "./wait.js";

const KICKS =
  'preset "Kick A" {\n  tags thwacky\n  lowshelf 90Hz +4dB\n  bell 3kHz +3dB q 1.5\n}\n' +
  'preset "Kick B" {\n  tags thwacky\n  lowshelf 110Hz +3dB\n  bell 2.5kHz +4dB q 1.2\n}\n';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === "string" ? content : content.value))
    .join("\n");
}

describe("team words in VS Code", () => {
  it("a word tagged in one file is known in another, and goes when its tags are deleted on disk", async () => {
    const kicks = workspaceFile("team-kicks.eqp");
    await vscode.workspace.fs.writeFile(kicks, Buffer.from(KICKS));
    const snareUri = workspaceFile("team-snare.eqp");
    await vscode.workspace.fs.writeFile(snareUri, Buffer.from('preset "Snare" {\n  morph thwacky\n}\n'));
    const snare = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(snareUri));
    const unknown = () =>
      vscode.languages.getDiagnostics(snareUri).some((diagnostic) => codeOf(diagnostic) === "unknown-word");
    await waitFor("'thwacky' to be known in team-snare.eqp", () => (unknown() ? undefined : true));
    const wordHover = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>(
        "vscode.executeHoverProvider",
        snareUri,
        new vscode.Position(1, 10),
      ),
    );
    assert.match(wordHover, /thwacky/);
    assert.match(wordHover, /2 examples/);
    const morphHover = await waitFor("the morph's bands in its hover", async () => {
      const text = hoverText(
        await vscode.commands.executeCommand<vscode.Hover[]>(
          "vscode.executeHoverProvider",
          snareUri,
          new vscode.Position(1, 3),
        ),
      );
      return /Hz/.test(text) && /dB/.test(text) ? text : undefined;
    });
    // Near the tagged kicks: a low shelf boost, in the hover's numbers.
    assert.match(morphHover, /\+\d(\.\d)? dB/);
    await vscode.workspace.fs.writeFile(kicks, Buffer.from(KICKS.replaceAll("  tags thwacky\n", "")));
    await waitFor("the unknown-word error to come back", () => (unknown() ? true : undefined));
    assert.ok(snare.document.getText().includes("morph thwacky"));
  });
});
