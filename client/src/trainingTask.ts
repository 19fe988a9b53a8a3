/**
 * The "Train EQ model" task (type `eqpreset`): runs `eqp train` on the data named by the task, by
 * the `eqpreset.training.dataPath` / `socialFxPath` settings, or else chosen in a picker on every
 * run (dataPicker.ts), streams the progress into the task's terminal, writes into the workspace
 * model folder and ends with a plain-language summary. Data errors are printed as
 * `file:line: skipped: reason` for the `$eqpreset-train` problem matcher, and tags that cannot be
 * trained as `file:line:column: warning: …` for `$eqpreset-train-tags`. Runs only in a trusted
 * workspace: it executes a program on files from the settings.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import * as vscode from "vscode";
import { pickTrainingData, type TrainingData } from "./dataPicker.js";
import { resolveSetting } from "./settingsPaths.js";
import { summarizeTraining } from "./trainingSummary.js";

export const TASK_TYPE = "eqpreset";
export const TRAIN_TASK_NAME = "Train EQ model";
const DEFAULT_OUTPUT = path.join(".eqpreset", "model");

export interface TrainTaskDefinition extends vscode.TaskDefinition {
  task: "train";
  data?: string;
  socialfx?: string;
  /** Fine-tune on the workspace's tagged presets instead of training on CSVs. */
  tagged?: boolean;
  out?: string;
  epochs?: number;
}

function workspaceFolder(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.[0];
}

/** A path from a setting or a task: `${workspaceFolder}` expanded, relative paths taken from the workspace. */
export function resolveWorkspacePath(value: string): string {
  return resolveSetting(value, workspaceFolder()?.uri.fsPath);
}

export function trainingOutputDir(definition?: TrainTaskDefinition): string {
  const configured =
    definition?.out ?? vscode.workspace.getConfiguration("eqpreset").get<string>("training.outputPath", "") ?? "";
  return resolveWorkspacePath(configured.trim() || DEFAULT_OUTPUT);
}

/** Where the data comes from: the task, then remembered settings, else the picker. */
async function trainingData(
  definition: TrainTaskDefinition,
  state: vscode.Memento,
  say: (line: string) => void,
): Promise<TrainingData | undefined> {
  const config = vscode.workspace.getConfiguration("eqpreset");
  if (definition.tagged) return { tagged: true };
  const fromTask = definition.data?.trim();
  if (fromTask) {
    const socialFx = definition.socialfx?.trim();
    return { data: resolveWorkspacePath(fromTask), ...(socialFx ? { socialFx: resolveWorkspacePath(socialFx) } : {}) };
  }
  const remembered = config.get<string>("training.dataPath", "").trim();
  if (remembered) {
    const crowd = config.get<string>("training.socialFxPath", "").trim();
    say(
      `Using the data remembered for this workspace (eqpreset.training.dataPath = "${remembered}"${crowd ? `, socialFxPath = "${crowd}"` : ""}); clear the setting to be asked again.\n`,
    );
    return { data: resolveWorkspacePath(remembered), ...(crowd ? { socialFx: resolveWorkspacePath(crowd) } : {}) };
  }
  const choice = await pickTrainingData(state);
  if (choice.kind === "train") return choice.training;
  say(`${choice.message}\n`);
  return undefined;
}

/** The summary of the model just written, or why there is none. */
async function trainedSummary(outputDir: string, bundledDir: string): Promise<string[]> {
  const read = async (dir: string) => JSON.parse(await readFile(path.join(dir, "metadata.json"), "utf8")) as unknown;
  const bundled = (await read(bundledDir).catch(() => ({}))) as { vocabulary?: { word?: unknown }[] };
  const bundledWords = (bundled.vocabulary ?? []).flatMap((entry) =>
    typeof entry.word === "string" ? [entry.word] : [],
  );
  try {
    return summarizeTraining(await read(outputDir), bundledWords);
  } catch (error) {
    return [`The model was written, but its metadata.json could not be read: ${String(error)}`];
  }
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
    private readonly context: vscode.ExtensionContext,
    private readonly onTrained: OnTrained,
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
    const training = await trainingData(this.definition, this.context.workspaceState, (line) => this.write(line));
    if (!training) {
      // Nothing to do is not a failure: the message says why (cancelled, tagged presets only, …).
      this.closeEmitter.fire(0);
      return;
    }
    const out = trainingOutputDir(this.definition);
    const folder = workspaceFolder()?.uri.fsPath;
    // Without CSVs, eqp fine-tunes the bundled model on the tagged presets of the workspace folder.
    const args =
      "tagged" in training
        ? [this.cliPath, ...(folder ? ["--workspace", folder] : []), "train", "--out", out]
        : [
            this.cliPath,
            ...(folder ? ["--workspace", folder] : []),
            "train",
            "--data",
            training.data,
            "--out",
            out,
            // The team's words are learnt too: tags always count, CSVs only when configured.
            "--tagged",
          ];
    if ("socialFx" in training && training.socialFx) args.push("--socialfx", training.socialFx);
    if (this.definition.epochs) args.push("--epochs", String(this.definition.epochs));
    this.write(`eqp ${args.slice(1).join(" ")}\n`);
    // The extension host's executable is Node (code-server) or Electron told to act as Node.
    this.child = spawn(process.execPath, args, {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
      cwd: folder,
    });
    this.child.stdout?.on("data", (chunk: Buffer) => this.write(chunk.toString()));
    this.child.stderr?.on("data", (chunk: Buffer) => this.write(chunk.toString()));
    this.child.on("error", (error) => {
      this.write(`cannot start training: ${error.message}\n`);
      this.closeEmitter.fire(1);
    });
    this.child.on("close", (code) => {
      if (code !== 0) {
        this.closeEmitter.fire(code ?? 1);
        return;
      }
      void trainedSummary(out, this.context.asAbsolutePath("model")).then((lines) => {
        this.write(`\nSummary\n${lines.map((line) => `  ${line}`).join("\n")}\n`);
        this.onTrained(out, lines.slice(0, 2).join(" "));
        this.closeEmitter.fire(0);
      });
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

/** Called after a successful run with the model folder and the summary in one paragraph. */
export type OnTrained = (outputDir: string, summary: string) => void;

export function trainTask(
  cliPath: string,
  definition: TrainTaskDefinition,
  context: vscode.ExtensionContext,
  onTrained: OnTrained,
): vscode.Task {
  const task = new vscode.Task(
    definition,
    vscode.TaskScope.Workspace,
    TRAIN_TASK_NAME,
    TASK_TYPE,
    new vscode.CustomExecution(async () => new TrainingTerminal(cliPath, definition, context, onTrained)),
    ["$eqpreset-train", "$eqpreset-train-tags"],
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated };
  return task;
}

export function registerTrainingTask(context: vscode.ExtensionContext, onTrained: OnTrained): vscode.Disposable {
  const cliPath = context.asAbsolutePath(path.join("dist", "cli.js"));
  return vscode.tasks.registerTaskProvider(TASK_TYPE, {
    provideTasks: () => [trainTask(cliPath, { type: TASK_TYPE, task: "train" }, context, onTrained)],
    resolveTask: (task) => {
      const definition = task.definition as TrainTaskDefinition;
      return definition.task === "train" ? trainTask(cliPath, definition, context, onTrained) : undefined;
    },
  });
}
