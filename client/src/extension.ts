/**
 * The VS Code side: registers nothing the manifest does not, starts the language server over IPC,
 * passes the settings on, shows the active model in the status bar, and runs the preview panel
 * (client/src/preview) on the server's `eqpreset/preview` request.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node.js";
import { PREVIEW_VIEW_TYPE, PreviewController, type PreviewSnapshot } from "./preview/panel.js";
import type { PreviewParams } from "./preview/protocol.js";
import {
  EditBandRequest,
  ModelStatusNotification,
  OPEN_PREVIEW_COMMAND,
  PreviewChangedNotification,
  PreviewRequest,
  PreviewTextRequest,
  ReloadModelNotification,
  SETTINGS_SECTION,
  type ModelStatus,
  type ServerSettings,
  type SettingsChange,
} from "#protocol/index.js";
import { notificationType, requestType } from "./bindings.js";
import { registerTrainingTask, resolveWorkspacePath } from "./trainingTask.js";
import { offerTrainedModel, registerModelPicker } from "./modelPicker.js";
import { modelStatusText } from "./modelLabel.js";
import { ACCEPT_LOCK_COMMAND, MatchReferenceRequest } from "#protocol/index.js";
import { EqpRunner, registerCliCommands } from "./cliCommands.js";
import { acceptAllLockChanges } from "./lockCommands.js";

const LANGUAGE_ID = "eqpreset";

/** The last model status, for tests and the status bar. */
export let lastModelStatus: ModelStatus | undefined;

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const serverModule = context.asAbsolutePath(path.join("dist", "server.js"));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ["--nolazy", "--inspect=6019"] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: LANGUAGE_ID },
      { scheme: "untitled", language: LANGUAGE_ID },
      { scheme: "vscode-remote", language: LANGUAGE_ID },
    ],
    // The server receives the model path already resolved against the workspace.
    initializationOptions: serverSettings(),
  };

  const status = createModelStatusItem(context);

  client = new LanguageClient(LANGUAGE_ID, "EQ Preset Language Server", serverOptions, clientOptions);
  const languageClient = client;
  const started = languageClient.start();

  // Registered before the server is up: a preview opened meanwhile waits for it (or shows why not).
  const previews = createPreviews(context, languageClient, started);
  context.subscriptions.push(
    previews,
    // Not in the manifest: the path a page message takes, for the end-to-end test of a drag's edit
    // (the page's drag itself is tested in Chromium by test/browser).
    vscode.commands.registerCommand("eqpreset.preview.receive", (message: unknown) => previews.receive(message)),
    // Also not in the manifest: "Match to a reference…" with two files given, for tests and automation.
    vscode.commands.registerCommand("eqpreset.preview.matchReference", (reference: unknown, current: unknown) =>
      previews.matchReference(
        typeof reference === "string" && typeof current === "string" ? { reference, current } : undefined,
      ),
    ),
    vscode.commands.registerCommand(OPEN_PREVIEW_COMMAND, (...args: unknown[]): Promise<PreviewSnapshot | undefined> =>
      previews.open(args),
    ),
    // A preview left open when VS Code closed comes back on the active editor's preset.
    vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => previews.restore(panel),
    }),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand("eqpreset.showOutput", () => client?.outputChannel.show()),
    vscode.commands.registerCommand("eqpreset.trainModel", async () => {
      const tasks = await vscode.tasks.fetchTasks({ type: "eqpreset" });
      const train = tasks.find((task) => task.name === "Train EQ model");
      if (train) await vscode.tasks.executeTask(train);
    }),
    vscode.commands.registerCommand("eqpreset.restartServer", async () => {
      await client?.restart();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SETTINGS_SECTION}.modelPath`)) {
        const change: SettingsChange = { settings: { [SETTINGS_SECTION]: serverSettings() } };
        void client?.sendNotification(DidChangeConfigurationNotification.type, change);
        watchModelFolder();
      }
    }),
    registerModelPicker(context, () => lastModelStatus),
    ...registerEqpCommands(context, languageClient, started),
    registerTrainingTask(context, (outputDir, summary) => {
      void offerTrainedModel(context, outputDir, summary, async () => {
        await client?.sendNotification(notificationType(ReloadModelNotification));
      });
    }),
    { dispose: () => modelWatcher?.dispose() },
  );

  // A model folder in use that is rewritten (by the task, or `eqp train` in a terminal) is reloaded.
  let modelWatcher: vscode.FileSystemWatcher | undefined;
  const watchModelFolder = () => {
    modelWatcher?.dispose();
    const dir = resolvedModelPath();
    if (!dir) return;
    modelWatcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(dir), "metadata.json"),
    );
    const reload = () => void client?.sendNotification(notificationType(ReloadModelNotification));
    modelWatcher.onDidCreate(reload);
    modelWatcher.onDidChange(reload);
  };
  watchModelFolder();

  await started;
  context.subscriptions.push(
    client.onNotification(notificationType(PreviewChangedNotification), (params: unknown) =>
      previews.serverChanged(params),
    ),
    client.onNotification(notificationType(ModelStatusNotification), (model: ModelStatus) => {
      lastModelStatus = model;
      const shown = modelStatusText(model, {
        bundledDir: context.asAbsolutePath("model"),
        workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      });
      status.text = shown.text;
      status.tooltip = shown.tooltip;
    }),
  );
  return client;
}

/**
 * `eqp` in the terminal and the commands that run it (cliCommands.ts), "Accept all lock changes"
 * (through the server: the editor's text and model), and the walkthrough on first activation.
 */
function registerEqpCommands(
  context: vscode.ExtensionContext,
  languageClient: LanguageClient,
  started: Promise<void>,
): vscode.Disposable[] {
  const runner = new EqpRunner(context.asAbsolutePath(path.join("dist", "cli.js")), resolvedModelPath);
  const ready = async () => {
    await started;
    return languageClient;
  };
  openWalkthroughOnce(context);
  return [
    registerCliCommands(context, runner),
    vscode.commands.registerCommand(ACCEPT_LOCK_COMMAND, (options?: { confirm: boolean }) =>
      acceptAllLockChanges(ready, runner.output, options),
    ),
  ];
}

/**
 * VS Code opens the walkthrough when the extension is installed from its UI; an install from a
 * terminal (`code --install-extension`) does not, so the first activation opens it, beside the editor.
 */
function openWalkthroughOnce(context: vscode.ExtensionContext): void {
  const key = "eqpreset.walkthroughShown";
  if (context.extensionMode !== vscode.ExtensionMode.Production || context.globalState.get(key)) return;
  void context.globalState.update(key, true);
  void vscode.commands.executeCommand(
    "workbench.action.openWalkthrough",
    `${context.extension.id}#eqpreset.gettingStarted`,
    true,
  );
}

/** The status bar item of the model in use, shown with .eqp editors; its text comes from the server. */
function createModelStatusItem(context: vscode.ExtensionContext): vscode.StatusBarItem {
  const status = vscode.window.createStatusBarItem("eqpreset.model", vscode.StatusBarAlignment.Right, 100);
  status.name = "EQ preset model";
  status.text = "$(pulse) EQ model: starting";
  // The model picker: bundled / this workspace's / a folder, plus the server output.
  status.command = "eqpreset.pickModel";
  context.subscriptions.push(status);
  const showStatus = (editor: vscode.TextEditor | undefined) => {
    if (editor?.document.languageId === LANGUAGE_ID) status.show();
    else status.hide();
  };
  showStatus(vscode.window.activeTextEditor);
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(showStatus));

  return status;
}

/** The preview panels, whose requests wait until the server has started. */
function createPreviews(
  context: vscode.ExtensionContext,
  languageClient: LanguageClient,
  started: Promise<void>,
): PreviewController {
  return new PreviewController(context.extensionUri, {
    preview: async (params: PreviewParams) => {
      await started;
      return languageClient.sendRequest(requestType(PreviewRequest), params);
    },
    editBand: async (params) => {
      await started;
      return languageClient.sendRequest(requestType(EditBandRequest), params);
    },
    previewText: async (params) => {
      await started;
      return languageClient.sendRequest(requestType(PreviewTextRequest), params);
    },
    matchReference: async (params) => {
      await started;
      return languageClient.sendRequest(requestType(MatchReferenceRequest), params);
    },
    log: (message) => languageClient.outputChannel.appendLine(message),
  });
}

/** What the server is told: the model path, resolved here because only the client knows the workspace's folders. */
function serverSettings(): ServerSettings {
  return { modelPath: resolvedModelPath() };
}

/** The `eqpreset.modelPath` setting, relative paths taken from the first workspace folder. */
function resolvedModelPath(): string {
  const configured = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>("modelPath", "").trim();
  return configured ? resolveWorkspacePath(configured) : "";
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
