/**
 * The "Train EQ model" task end to end, in real VS Code: listed by the task provider, run on a
 * small generated dataset (one malformed row, for the problem matcher), written into the
 * workspace's model folder, and picked up by the language server: a word that only the new model
 * knows stops being an error and its morph hover shows generated bands.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import * as vscode from "vscode";
import { generateRows, toCsv } from "../../support/safeCsv.js";
import { codeOf, runTaskToEnd, TRAINING_MS, waitFor, workspaceFile as workspaceUri } from "./wait.js";

const EXTENSION_ID = "semantic-eq.eqpreset";
/** A word the bundled model does not have; the generated data teaches it. */
const NEW_WORD = "crunchy";

/** The generated SAFE-shaped data, plus one row whose low-shelf gain is not a number (line 241). */
function trainingCsv(): string {
  const rows = toCsv(generateRows(240, 5, ["warm", "bright", "airy", NEW_WORD]));
  const malformed = "241,warm,user001,2,2,loud,100,3,250,1,0,1000,1,0,4000,1,2,6000,,,,,,,checksum241\n";
  return rows + malformed;
}

describe("the Train EQ model task in VS Code", () => {
  it("is listed by the task provider", async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const tasks = await vscode.tasks.fetchTasks({ type: "eqpreset" });
    const names = tasks.map((task) => `${task.source}: ${task.name}`);
    assert.ok(
      tasks.some((task) => task.name === "Train EQ model"),
      `no "Train EQ model" among ${names.join(", ") || "no tasks"}`,
    );
  });

  it("trains on a generated dataset, reports the bad row, and the server reloads the new model", async function () {
    this.timeout(TRAINING_MS + 60_000);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();

    const data = workspaceUri("training-data.csv");
    await vscode.workspace.fs.writeFile(data, Buffer.from(trainingCsv()));
    await vscode.workspace
      .getConfiguration("eqpreset")
      .update("training.dataPath", "training-data.csv", vscode.ConfigurationTarget.Workspace);

    const presetUri = workspaceUri("crunchy.eqp");
    await vscode.workspace.fs.writeFile(presetUri, Buffer.from(`preset "Grit" {\n  morph ${NEW_WORD} 0.8\n}\n`));
    const document = await vscode.workspace.openTextDocument(presetUri);
    await vscode.window.showTextDocument(document);
    await waitFor(`an unknown-word error on '${NEW_WORD}' with the bundled model`, () =>
      vscode.languages.getDiagnostics(presetUri).find((d) => codeOf(d) === "unknown-word"),
    );

    const train = (await vscode.tasks.fetchTasks({ type: "eqpreset" })).find((task) => task.name === "Train EQ model");
    assert.ok(train, "the training task disappeared");
    const exitCode = await runTaskToEnd(train, (ended) => ended.name === train.name, "training");
    assert.equal(exitCode, 0, "the training task failed");

    // The new model folder is in the workspace and the setting points at it.
    const metadata = JSON.parse(
      Buffer.from(await vscode.workspace.fs.readFile(workspaceUri(".eqpreset/model/metadata.json"))).toString("utf8"),
    ) as {
      vocabulary: { word: string; examples: number }[];
    };
    assert.ok(
      metadata.vocabulary.some((entry) => entry.word === NEW_WORD),
      `the trained vocabulary lacks '${NEW_WORD}': ${JSON.stringify(metadata.vocabulary)}`,
    );
    // The extension then offers the new model in a notification and, only when its "Use in this
    // workspace" is accepted, writes it into the project file (eqpreset.json, which eqp reads
    // too), relative to it; the personal setting is left alone.
    await waitFor("eqpreset.json to name the trained model once the offer is accepted", async () => {
      await vscode.commands.executeCommand("notification.acceptPrimaryAction");
      try {
        const project = JSON.parse(
          Buffer.from(await vscode.workspace.fs.readFile(workspaceUri("eqpreset.json"))).toString("utf8"),
        ) as { model?: string };
        return project.model === ".eqpreset/model" ? true : undefined;
      } catch {
        return undefined;
      }
    });
    assert.equal(vscode.workspace.getConfiguration("eqpreset").inspect("modelPath")?.workspaceValue, undefined);

    // The problem matcher turned the malformed row into a problem on line 241 of the data.
    const problem = await waitFor("a problem on the malformed training row", () =>
      vscode.languages
        .getDiagnostics()
        .flatMap(([uri, diagnostics]) => (uri.path.endsWith("/training-data.csv") ? diagnostics : []))
        .find((d) => d.range.start.line === 240),
    );
    assert.match(problem.message, /loud|number/);

    // The server reloaded: the new word is known, and its morph hover shows generated bands.
    await waitFor(
      `the unknown-word error on '${NEW_WORD}' to go away after the reload`,
      () => (vscode.languages.getDiagnostics(presetUri).some((d) => codeOf(d) === "unknown-word") ? undefined : true),
      30_000,
    );
    const morph = document.positionAt(document.getText().indexOf("morph") + 1);
    const hover = await waitFor(
      "a morph hover with generated bands from the new model",
      async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
          "vscode.executeHoverProvider",
          presetUri,
          morph,
        );
        const text = hovers
          .flatMap((h) => h.contents)
          .map((c) => (typeof c === "string" ? c : c.value))
          .join("\n");
        return /High shelf/.test(text) ? text : undefined;
      },
      30_000,
    );
    assert.match(hover, /Low shelf/);
  });
});
