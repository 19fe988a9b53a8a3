/**
 * The VS Code side: registers nothing the manifest does not, starts the language server over IPC,
 * passes the settings on, and shows the active model in the status bar.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node.js";

const LANGUAGE_ID = "eqpreset";
const MODEL_STATUS_NOTIFICATION = "eqpreset/modelStatus";

interface ModelStatus {
  dir: string;
  words: number;
  warning?: string;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const serverModule = context.asAbsolutePath(path.join("dist", "server.js"));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6019"] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: LANGUAGE_ID },
      { scheme: "untitled", language: LANGUAGE_ID },
      { scheme: "vscode-remote", language: LANGUAGE_ID },
    ],
    // The server receives the model path already resolved against the workspace.
    initializationOptions: { modelPath: resolvedModelPath() },
  };

  const status = vscode.window.createStatusBarItem("eqpreset.model", vscode.StatusBarAlignment.Right, 100);
  status.name = "EQ preset model";
  status.text = "$(pulse) EQ model: starting";
  status.command = "eqpreset.showOutput";
  context.subscriptions.push(status);
  const showStatus = (editor: vscode.TextEditor | undefined) => {
    if (editor?.document.languageId === LANGUAGE_ID) status.show();
    else status.hide();
  };
  showStatus(vscode.window.activeTextEditor);
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(showStatus));

  client = new LanguageClient(LANGUAGE_ID, "EQ Preset Language Server", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand("eqpreset.showOutput", () => client?.outputChannel.show()),
    vscode.commands.registerCommand("eqpreset.restartServer", async () => {
      await client?.restart();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("eqpreset.modelPath")) {
        void client?.sendNotification("workspace/didChangeConfiguration", { settings: { eqpreset: { modelPath: resolvedModelPath() } } });
      }
    }),
  );

  await client.start();
  context.subscriptions.push(
    client.onNotification(MODEL_STATUS_NOTIFICATION, (model: ModelStatus) => {
      const name = path.basename(model.dir) === "model" ? path.basename(path.dirname(model.dir)) + "/model" : path.basename(model.dir);
      status.text = `${model.warning ? "$(warning)" : "$(pulse)"} EQ model: ${name}`;
      status.tooltip = `${model.dir}\n${model.words} words${model.warning ? `\n${model.warning}` : ""}`;
    }),
  );
  return client;
}

/** The `eqpreset.modelPath` setting, relative paths taken from the first workspace folder. */
function resolvedModelPath(): string {
  const configured = vscode.workspace.getConfiguration(LANGUAGE_ID).get<string>("modelPath", "").trim();
  if (!configured || path.isAbsolute(configured)) return configured;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, configured) : configured;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
