/**
 * The "Train EQ model" task (type `eqpreset`): runs `eqp train` on the SAFE-DB data named by the
 * `eqpreset.training.dataPath` setting (asking for it when unset), streams the progress into the
 * task's terminal, and writes into the workspace model folder. Data errors are printed as
 * `file:line: skipped: reason` for the `$eqpreset-train` problem matcher. Runs only in a trusted
 * workspace: it executes a program on files from the settings.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as vscode from "vscode";

export const TASK_TYPE = "eqpreset";
export const TRAIN_TASK_NAME = "Train EQ model";
const DEFAULT_OUTPUT = path.join(".eqpreset", "model");

export interface TrainTaskDefinition extends vscode.TaskDefinition {
  task: "train";
  data?: string;
  out?: string;
  epochs?: number;
}

function workspaceFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

/** A path from a setting or a task: `${workspaceFolder}` expanded, relative paths taken from the workspace. */
export function resolveWorkspacePath(value: string): string {
  const folder = workspaceFolder();
  const expanded = value.replace(/\$\{workspaceFolder\}/g, folder?.uri.fsPath ?? "");
  if (path.isAbsolute(expanded) || !folder) return expanded;
  return path.join(folder.uri.fsPath, expanded);
}

export function trainingOutputDir(definition?: TrainTaskDefinition): string {
  const configured =
    definition?.out ?? vscode.workspace.getConfiguration("eqpreset").get<string>("training.outputPath", "") ?? "";
  return resolveWorkspacePath(configured.trim() || DEFAULT_OUTPUT);
}

async function dataPath(definition: TrainTaskDefinition): Promise<string | undefined> {
  const configured = (
    definition.data ??
    vscode.workspace.getConfiguration("eqpreset").get<string>("training.dataPath", "") ??
    ""
  ).trim();
  if (configured) return resolveWorkspacePath(configured);
  const picked = await vscode.window.showOpenDialog({
    title: "SAFE-DB equaliser data (SAFEEqualiserUserData.csv)",
    canSelectMany: false,
    filters: { "CSV files": ["csv"] },
  });
  const file = picked?.[0]?.fsPath;
  if (file)
    await vscode.workspace
      .getConfiguration("eqpreset")
      .update("training.dataPath", file, vscode.ConfigurationTarget.Workspace);
  return file;
}

class TrainingTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private child: ChildProcess | undefined;

  constructor(
    private readonly cliPath: string,
    private readonly definition: TrainTaskDefinition,
    private readonly onTrained: (outputDir: string) => void,
  ) {}

  private write(text: string): void {
    this.writeEmitter.fire(text.replace(/\r?\n/g, "\r\n"));
  }

  async open(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      this.write("EQ model training runs only in a trusted workspace.\n");
      this.closeEmitter.fire(1);
      return;
    }
    const data = await dataPath(this.definition);
    if (!data) {
      this.write("No training data chosen: set eqpreset.training.dataPath to SAFEEqualiserUserData.csv.\n");
      this.closeEmitter.fire(1);
      return;
    }
    const out = trainingOutputDir(this.definition);
    const args = [this.cliPath, "train", "--data", data, "--out", out];
    if (this.definition.epochs) args.push("--epochs", String(this.definition.epochs));
    this.write(`eqp train --data ${data} --out ${out}\n`);
    // The extension host's executable is Node (code-server) or Electron told to act as Node.
    this.child = spawn(process.execPath, args, {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
      cwd: workspaceFolder()?.uri.fsPath,
    });
    this.child.stdout?.on("data", (chunk: Buffer) => this.write(chunk.toString()));
    this.child.stderr?.on("data", (chunk: Buffer) => this.write(chunk.toString()));
    this.child.on("error", (error) => {
      this.write(`cannot start training: ${error.message}\n`);
      this.closeEmitter.fire(1);
    });
    this.child.on("close", (code) => {
      if (code === 0) this.onTrained(out);
      this.closeEmitter.fire(code ?? 1);
    });
  }

  close(): void {
    // Ctrl-C in the terminal or closing it: the CLI stops cleanly and writes nothing.
    this.child?.kill("SIGINT");
  }

  handleInput(data: string): void {
    if (data === "\x03") this.child?.kill("SIGINT");
  }
}

export function trainTask(
  cliPath: string,
  definition: TrainTaskDefinition,
  onTrained: (outputDir: string) => void,
): vscode.Task {
  const task = new vscode.Task(
    definition,
    vscode.TaskScope.Workspace,
    TRAIN_TASK_NAME,
    TASK_TYPE,
    new vscode.CustomExecution(async () => new TrainingTerminal(cliPath, definition, onTrained)),
    "$eqpreset-train",
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated };
  return task;
}

export function registerTrainingTask(
  context: vscode.ExtensionContext,
  onTrained: (outputDir: string) => void,
): vscode.Disposable {
  const cliPath = context.asAbsolutePath(path.join("dist", "cli.js"));
  return vscode.tasks.registerTaskProvider(TASK_TYPE, {
    provideTasks: () => [trainTask(cliPath, { type: TASK_TYPE, task: "train" }, onTrained)],
    resolveTask: (task) => {
      const definition = task.definition as TrainTaskDefinition;
      return definition.task === "train" ? trainTask(cliPath, definition, onTrained) : undefined;
    },
  });
}
