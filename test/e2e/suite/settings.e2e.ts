/**
 * Settings that behave, in real VS Code: the model picker behind the status bar item writes
 * eqpreset.modelPath only after its confirmation, workspace-relative, and the server reloads (the
 * picker's title then names the new model, from the server's eqpreset/modelStatus); the training
 * data picker asks on every run with the last choice preselected and writes the settings only on
 * "Train and remember for this workspace". The pickers are driven through VS Code's own quick
 * input commands, as the keyboard would.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "mocha";
import * as vscode from "vscode";
import { generateRows, toCsv } from "../../support/safeCsv.js";
import { waitFor, workspaceFile } from "./wait.js";

const EXTENSION_ID = "semantic-eq.eqpreset";

interface ModelPickOutcome {
  offered: string[];
  active: string;
  chosen?: string;
  written?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const config = () => vscode.workspace.getConfiguration("eqpreset");

/** Presses keys in the open quick pick: "down" moves to the next item, "enter" accepts, "escape" closes. */
async function keys(...sequence: ("down" | "enter" | "escape")[]): Promise<void> {
  for (const key of sequence) {
    await vscode.commands.executeCommand(
      key === "down"
        ? "workbench.action.quickOpenSelectNext"
        : key === "enter"
          ? "workbench.action.acceptSelectedQuickOpenItem"
          : "workbench.action.closeQuickOpen",
    );
    // Each step of a picker opens its own quick pick: give it time to appear.
    await sleep(key === "down" ? 100 : 700);
  }
}

/** Opens the model picker, presses `sequence`, and returns what it did. */
async function pickModel(...sequence: ("down" | "enter" | "escape")[]): Promise<ModelPickOutcome> {
  const outcome = Promise.resolve(vscode.commands.executeCommand<ModelPickOutcome>("eqpreset.pickModel"));
  await sleep(1000);
  await keys(...sequence);
  return outcome;
}

async function settingsJson(): Promise<string> {
  return Buffer.from(await vscode.workspace.fs.readFile(workspaceFile(".vscode/settings.json"))).toString("utf8");
}

describe("the model picker on the status bar item", () => {
  let extensionPath = "";

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, "the extension is not installed");
    await extension.activate();
    extensionPath = extension.extensionPath;
    const document = await vscode.workspace.openTextDocument(workspaceFile("voice.eqp"));
    await vscode.window.showTextDocument(document);
    await config().update("modelPath", undefined, vscode.ConfigurationTarget.Workspace);
    // The training suites chose their models through the project file: without it, the bundled model.
    try {
      await vscode.workspace.fs.delete(workspaceFile("eqpreset.json"));
    } catch {
      // No project file: nothing chose another model.
    }
    // This workspace's model: a copy of the bundled one, where the training task would write it.
    await vscode.workspace.fs.copy(
      vscode.Uri.joinPath(vscode.Uri.file(extensionPath), "model"),
      workspaceFile(".eqpreset/model"),
      { overwrite: true },
    );
    await waitFor("the bundled model in use", async () =>
      (await pickModel("escape")).active === "bundled" ? true : undefined,
    );
  });

  after(async () => {
    await config().update("modelPath", undefined, vscode.ConfigurationTarget.Workspace);
  });

  it("offers the bundled model, this workspace's model, a folder and the server output", async () => {
    const outcome = await pickModel("escape");
    assert.deepEqual(outcome.offered, [
      "$(package) Bundled model",
      "$(folder) This workspace's model (.eqpreset/model)",
      "$(folder-opened) A folder…",
      "$(output) Show server output",
    ]);
    assert.equal(outcome.written, undefined, "closing the picker wrote a setting");
  });

  it("writes nothing when the confirmation is declined", async () => {
    const outcome = await pickModel("down", "enter", "down", "enter");
    assert.equal(outcome.chosen, "$(folder) This workspace's model (.eqpreset/model)");
    assert.equal(outcome.written, undefined);
    assert.equal(config().inspect<string>("modelPath")?.workspaceValue, undefined);
  });

  it("after confirmation writes the workspace-relative path, and the server reloads that model", async () => {
    const outcome = await pickModel("down", "enter", "enter");
    assert.equal(outcome.written, ".eqpreset/model");
    assert.equal(config().inspect<string>("modelPath")?.workspaceValue, ".eqpreset/model");
    const saved = await settingsJson();
    assert.match(saved, /"eqpreset\.modelPath": "\.eqpreset\/model"/);
    assert.ok(!saved.includes(workspaceFile("").fsPath), `an absolute path in settings.json: ${saved}`);
    // The server's eqpreset/modelStatus names the new folder: the picker shows what the status bar shows.
    await waitFor(
      "the server to report the workspace model",
      async () => ((await pickModel("escape")).active === ".eqpreset/model" ? true : undefined),
      20_000,
    );
  });

  it("switches back to the bundled model by removing the setting", async () => {
    const outcome = await pickModel("enter", "enter");
    assert.equal(outcome.written, "");
    assert.equal(config().inspect<string>("modelPath")?.workspaceValue, undefined);
    await waitFor(
      "the server to report the bundled model",
      async () => ((await pickModel("escape")).active === "bundled" ? true : undefined),
      20_000,
    );
  });
});

describe("the training data picker", () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await config().update("training.dataPath", undefined, vscode.ConfigurationTarget.Workspace);
    await config().update("training.socialFxPath", undefined, vscode.ConfigurationTarget.Workspace);
    // Only these CSVs, so the picker's order is known (the training suite leaves its data behind).
    for (const csv of await vscode.workspace.findFiles("**/*.csv")) await vscode.workspace.fs.delete(csv);
    await vscode.workspace.fs.writeFile(workspaceFile("data/a-safe.csv"), Buffer.from(toCsv(generateRows(60))));
    const header = ["descriptor", "audio_id", "ratings_consistency", "RSC_20Hz_band", "RSC_50Hz_band"].join(",");
    await vscode.workspace.fs.writeFile(
      workspaceFile("data/b-crowd.csv"),
      Buffer.from(`${header}\nwarm,English,8,1,2\n`),
    );
    await vscode.workspace.fs.writeFile(workspaceFile("data/c-notes.csv"), Buffer.from("name,email\nana,a@b.c\n"));
  });

  after(async () => {
    await config().update("training.dataPath", undefined, vscode.ConfigurationTarget.Workspace);
    await config().update("training.socialFxPath", undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.fs.delete(workspaceFile("data"), { recursive: true });
  });

  /** Starts the task; resolves with its execution and a promise of its exit code. */
  async function startTraining(): Promise<{ execution: vscode.TaskExecution; ended: Promise<number | undefined> }> {
    const train = (await vscode.tasks.fetchTasks({ type: "eqpreset" })).find((task) => task.name === "Train EQ model");
    assert.ok(train, "no Train EQ model task");
    // A run that just ended stays "active" for a moment; starting it again then only says so.
    await waitFor("the previous run to be over", () =>
      vscode.tasks.taskExecutions.some((execution) => execution.task.name === train.name) ? undefined : true,
    );
    const ended = new Promise<number | undefined>((resolve) => {
      const listener = vscode.tasks.onDidEndTaskProcess((event) => {
        if (event.execution.task.name !== train.name) return;
        listener.dispose();
        resolve(event.exitCode);
      });
    });
    const execution = await vscode.tasks.executeTask(train);
    // The picker looks for CSVs and tagged presets first.
    await sleep(2500);
    return { execution, ended };
  }

  it("asks, and a choice not remembered leaves the settings alone", async function () {
    this.timeout(60_000);
    // In this workspace: a-safe.csv (SAFE-DB), then a-safe.csv + b-crowd.csv; c-notes.csv is no training file.
    const run = await startTraining();
    await keys("down", "enter", "escape");
    assert.equal(await run.ended, 0, "a cancelled run is not a failure");
    assert.equal(config().inspect<string>("training.dataPath")?.workspaceValue, undefined);
    assert.equal(config().inspect<string>("training.socialFxPath")?.workspaceValue, undefined);
  });

  it("asks again with the last choice preselected, and remembers it, relative, only when told to", async function () {
    this.timeout(60_000);
    const run = await startTraining();
    // Enter on the preselected item: the combination chosen last time, not the first item.
    await keys("enter", "down", "enter");
    // Two settings, written one after the other.
    await waitFor("the remembered data paths", () =>
      config().inspect<string>("training.dataPath")?.workspaceValue &&
      config().inspect<string>("training.socialFxPath")?.workspaceValue
        ? true
        : undefined,
    );
    assert.equal(config().inspect<string>("training.dataPath")?.workspaceValue, "data/a-safe.csv");
    assert.equal(config().inspect<string>("training.socialFxPath")?.workspaceValue, "data/b-crowd.csv");
    const saved = await settingsJson();
    assert.ok(!saved.includes(workspaceFile("").fsPath), `an absolute path in settings.json: ${saved}`);
    // Training on this made-up crowd file is not the point here.
    run.execution.terminate();
    await run.ended;
  });
});
