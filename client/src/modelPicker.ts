/**
 * The model picker behind the status bar item: the bundled model, this workspace's trained model
 * (when it exists), or any folder. A choice is written to `eqpreset.modelPath` only after a
 * confirmation that shows the exact value (workspace-relative where possible); the server reloads
 * on that configuration change. Training ends with the same offer, never a silent switch.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import * as vscode from "vscode";
import { modelProvenance, type ModelStatus } from "#protocol/index.js";
import { PROJECT_FILE_NAME, useModelInProject } from "#core/services/projectFile.js";
import { modelName, type ModelPlaces } from "./modelLabel.js";
import { pickOne, separator } from "./quickPick.js";
import { resolveSetting, samePath, toWorkspaceSetting } from "./settingsPaths.js";
import { trainingOutputDir } from "./trainingTask.js";

export const PICK_MODEL_COMMAND = "eqpreset.pickModel";

/** What a pick did, returned by the command (the end-to-end tests read it). */
export interface ModelPickOutcome {
  offered: string[];
  /** The model in use when the picker opened, named as the status bar names it. */
  active: string;
  chosen?: string;
  /** The value written to eqpreset.modelPath ("" for the bundled model); absent when nothing was written. */
  written?: string;
}

export interface ModelAction extends vscode.QuickPickItem {
  run(): Promise<Partial<ModelPickOutcome>>;
}

const folderPath = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

export function modelPlaces(context: vscode.ExtensionContext): ModelPlaces {
  return { bundledDir: context.asAbsolutePath("model"), workspaceFolder: folderPath() };
}

/** The configured model folder, resolved ("" for the bundled model). */
export function configuredModelDir(): string {
  return resolveSetting(vscode.workspace.getConfiguration("eqpreset").get<string>("modelPath", ""), folderPath());
}

/**
 * "102 words · V3 trained on SAFE-DB (1169 settings) and SocialFX (541), 2026-12-01", or "… ·
 * fine-tuned 2026-12-07 from V3 … on 6 tagged examples of crunchy" (modelProvenance); undefined for
 * no model there.
 */
async function describeModel(dir: string): Promise<string | undefined> {
  try {
    const metadata = JSON.parse(await readFile(path.join(dir, "metadata.json"), "utf8")) as { vocabulary?: unknown[] };
    return [`${metadata.vocabulary?.length ?? 0} words`, modelProvenance(metadata) ?? ""].filter(Boolean).join(" · ");
  } catch {
    return undefined;
  }
}

/**
 * Asks before writing the setting: "" switches to the bundled model. Resolves to what was
 * written, or undefined when the user kept the current model.
 */
export async function confirmModel(
  context: vscode.ExtensionContext,
  dir: string,
  current: string,
): Promise<string | undefined> {
  const places = modelPlaces(context);
  const setting = dir === "" ? "" : toWorkspaceSetting(dir, places.workspaceFolder);
  const name = dir === "" ? "the bundled model" : modelName(dir, places);
  const use = {
    label: `$(check) Use ${name} in this workspace`,
    detail:
      setting === ""
        ? "Removes eqpreset.modelPath from the workspace settings; the language server reloads"
        : `Writes eqpreset.modelPath = "${setting}" in the workspace settings; the language server reloads`,
  };
  const keep = { label: `$(close) Keep ${current === "bundled" ? "the bundled model" : current}` };
  const picked = await pickOne([use, keep], { title: `Switch the EQ model to ${name}?`, active: use });
  if (picked !== use) return undefined;
  const config = vscode.workspace.getConfiguration("eqpreset");
  if (setting === "") {
    await config.update("modelPath", undefined, vscode.ConfigurationTarget.Workspace);
    // A user-level setting would still win: an explicit empty value in the workspace beats it.
    if (config.inspect<string>("modelPath")?.globalValue)
      await config.update("modelPath", "", vscode.ConfigurationTarget.Workspace);
  } else {
    await config.update("modelPath", setting, vscode.ConfigurationTarget.Workspace);
  }
  return setting;
}

/** The model items, for this picker and the status bar's menu. */
export async function modelActions(
  context: vscode.ExtensionContext,
  status: ModelStatus | undefined,
): Promise<ModelAction[]> {
  const places = modelPlaces(context);
  const inUse = status?.dir ?? (configuredModelDir() || places.bundledDir);
  const currentName = modelName(inUse, places);
  const choose = async (dir: string, label: string): Promise<Partial<ModelPickOutcome>> => {
    if (samePath(dir || places.bundledDir, inUse)) {
      void vscode.window.showInformationMessage(`The EQ model is already ${label}.`);
      return { chosen: label };
    }
    const written = await confirmModel(context, dir, currentName);
    return written === undefined ? { chosen: label } : { chosen: label, written };
  };
  const marker = (dir: string) => (samePath(dir, inUse) ? " · in use" : "");
  const actions: ModelAction[] = [
    {
      label: "$(package) Bundled model",
      description: `${(await describeModel(places.bundledDir)) ?? ""}${marker(places.bundledDir)}`,
      detail: "Shipped with the extension",
      run: () => choose("", "Bundled model"),
    },
  ];
  const workspaceModel = trainingOutputDir();
  const workspaceInfo = existsSync(workspaceModel) ? await describeModel(workspaceModel) : undefined;
  if (workspaceInfo !== undefined) {
    const label = `$(folder) This workspace's model (${modelName(workspaceModel, places)})`;
    actions.push({
      label,
      description: `${workspaceInfo}${marker(workspaceModel)}`,
      detail: 'Written by the "Train EQ model" task',
      run: () => choose(workspaceModel, label),
    });
  }
  actions.push({
    label: "$(folder-opened) A folder…",
    detail: "Any folder with a trained model (metadata.json, model.json, weights)",
    run: async () => {
      const picked = await vscode.window.showOpenDialog({
        title: "A trained EQ model folder",
        canSelectFiles: false,
        canSelectFolders: true,
        canSelectMany: false,
      });
      const dir = picked?.[0]?.fsPath;
      if (!dir) return { chosen: "A folder…" };
      if ((await describeModel(dir)) === undefined) {
        void vscode.window.showErrorMessage(`${dir} holds no model: its metadata.json is missing or unreadable.`);
        return { chosen: "A folder…" };
      }
      return choose(dir, "A folder…");
    },
  });
  return actions;
}

export function registerModelPicker(
  context: vscode.ExtensionContext,
  status: () => ModelStatus | undefined,
): vscode.Disposable {
  return vscode.commands.registerCommand(PICK_MODEL_COMMAND, async (): Promise<ModelPickOutcome> => {
    const places = modelPlaces(context);
    const current = status();
    const active = modelName(current?.dir ?? (configuredModelDir() || places.bundledDir), places);
    const models = await modelActions(context, current);
    const output: ModelAction = {
      label: "$(output) Show server output",
      run: async () => {
        await vscode.commands.executeCommand("eqpreset.showOutput");
        return { chosen: "Show server output" };
      },
    };
    const offered = [...models, output].map((item) => item.label);
    const picked = await pickOne<ModelAction>([...models, separator(""), output], {
      title: `EQ model: ${active}${current?.warning ? ` (${current.warning})` : ""}`,
      placeholder: "The model that turns morph words into bands",
    });
    return { offered, active, ...(await picked?.run()) };
  });
}

/**
 * After training into `outputDir`: reload it when it is the model in use, else offer to switch
 * to it (the offer names the exact setting; nothing changes unless accepted).
 */
export async function offerTrainedModel(
  context: vscode.ExtensionContext,
  outputDir: string,
  summary: string,
  reload: () => Promise<void>,
): Promise<void> {
  const places = modelPlaces(context);
  if (samePath(configuredModelDir(), outputDir)) {
    await reload();
    void vscode.window.showInformationMessage(`EQ model retrained and reloaded. ${summary}`);
    return;
  }
  const folder = places.workspaceFolder;
  const use = "Use in this workspace";
  const answer = await vscode.window.showInformationMessage(
    `EQ model trained into ${modelName(outputDir, places)}. ${summary} Use it? (writes "model" in ${PROJECT_FILE_NAME}, which eqp reads too)`,
    use,
    "Not now",
  );
  if (answer !== use) return;
  if (!folder) {
    // No folder to hold a project file: the personal setting is all there is.
    await vscode.workspace
      .getConfiguration("eqpreset")
      .update("modelPath", outputDir, vscode.ConfigurationTarget.Global);
    return;
  }
  try {
    const file = useModelInProject(folder, outputDir);
    await reload();
    if (configuredModelDir())
      void vscode.window.showInformationMessage(
        `Wrote ${file}; your eqpreset.modelPath setting still overrides it (personal setting)`,
      );
  } catch (error) {
    void vscode.window.showErrorMessage(`The model was not switched: ${(error as Error).message}`);
  }
}
