/**
 * `eqp` wherever the extension is: its bundled CLI (dist/cli.js) on the PATH of VS Code's
 * terminals (a shim in dist/bin run by the Node VS Code ships), and the commands "Check
 * workspace", "Export…", "Lock" and "Diff against…", which run that same CLI (the core, as CI
 * runs it) and show its output in the "EQ Preset: eqp" output channel.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import * as vscode from "vscode";
import { EXPORT_FORMAT_LABELS, EXPORT_FORMATS, type ExportFormat } from "#core/export/types.js";
import { pickOne } from "./quickPick.js";

const LANGUAGE_ID = "eqpreset";

/** What a run of the CLI gave. */
export interface CliRun {
  args: string[];
  cwd: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Puts dist/bin (the `eqp` shim) first on the PATH of the integrated terminal and tells the shim
 * which Node to use: VS Code's own (`process.execPath`, run as Node through ELECTRON_RUN_AS_NODE).
 */
export function putEqpOnTerminalPath(context: vscode.ExtensionContext): void {
  const bin = context.asAbsolutePath(path.join("dist", "bin"));
  const environment = context.environmentVariableCollection;
  environment.description = "Puts `eqp` (the EQ Preset extension's command-line tool) on the terminal's PATH";
  environment.replace("EQP_NODE", process.execPath);
  environment.prepend("PATH", `${bin}${path.delimiter}`);
}

/** The folder a command works in: the active .eqp file's workspace folder, else the first one. */
function workingFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document;
  return (active && vscode.workspace.getWorkspaceFolder(active.uri)) ?? vscode.workspace.workspaceFolders?.[0];
}

export class EqpRunner {
  readonly output = vscode.window.createOutputChannel("EQ Preset: eqp");

  constructor(
    private readonly cliScript: string,
    /** The personal model setting (`eqpreset.modelPath`), passed as --model so the CLI uses what the editor uses. */
    private readonly personalModel: () => string,
  ) {}

  /** Runs `eqp args` in `cwd` with VS Code's Node; its output goes to the channel as it comes. */
  run(args: readonly string[], cwd: string, options: { model?: boolean } = {}): Promise<CliRun> {
    const model = options.model ? this.personalModel() : "";
    const fullArgs = model ? [...args, "--model", model] : [...args];
    this.output.appendLine(`$ eqp ${fullArgs.map(shellWord).join(" ")}    (in ${cwd})`);
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [this.cliScript, ...fullArgs], {
        cwd,
        env: { ...process.env, ELECTRON_RUN_AS_NODE: "1", NO_COLOR: "1" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        this.output.append(chunk.toString());
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        this.output.append(chunk.toString());
      });
      const done = (exitCode: number) => {
        this.output.appendLine(`[exit code ${exitCode}]\n`);
        resolve({ args: fullArgs, cwd, exitCode, stdout, stderr });
      };
      child.on("error", (error) => {
        stderr += error.message;
        this.output.appendLine(`eqp could not be started: ${error.message}`);
        done(-1);
      });
      child.on("close", (code) => done(code ?? -1));
    });
  }

  dispose(): void {
    this.output.dispose();
  }
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./~-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * A message after a run: the summary line of the output, and a button to see all of it. Not
 * awaited by the commands: a notification stays until dismissed, the command's result does not wait.
 */
async function report(runner: EqpRunner, run: CliRun, what: string): Promise<void> {
  const lines = `${run.stdout}\n${run.stderr}`.split("\n").filter((line) => line.trim());
  const last = lines.at(-1) ?? "";
  const message = run.exitCode === 0 ? `${what}: ${last || "done"}` : `${what} failed (exit ${run.exitCode}): ${last}`;
  const show = "Show output";
  const choice = await (run.exitCode === 0
    ? vscode.window.showInformationMessage(message, show)
    : vscode.window.showErrorMessage(message, show));
  if (choice === show) runner.output.show(true);
}

async function checkWorkspace(runner: EqpRunner): Promise<CliRun | undefined> {
  const folder = workingFolder();
  if (!folder) return void vscode.window.showWarningMessage("EQ Preset: open a folder to check.");
  runner.output.show(true);
  const run = await runner.run(["check", "."], folder.uri.fsPath, { model: true });
  void report(runner, run, "eqp check");
  return run;
}

type FormatItem = vscode.QuickPickItem & { format: ExportFormat };

/** Export…: a format, then a folder; the active .eqp file, else the whole workspace folder. */
async function exportPresets(
  runner: EqpRunner,
  given?: { format?: string; out?: string },
): Promise<CliRun | undefined> {
  const folder = workingFolder();
  if (!folder) return void vscode.window.showWarningMessage("EQ Preset: open a folder to export from.");
  const active = vscode.window.activeTextEditor?.document;
  const source = active?.languageId === LANGUAGE_ID && active.uri.scheme === "file" ? active.uri.fsPath : ".";
  let format = given?.format as ExportFormat | undefined;
  if (!format) {
    const items: FormatItem[] = EXPORT_FORMATS.map((id) => ({
      label: id,
      description: EXPORT_FORMAT_LABELS[id],
      format: id,
    }));
    format = (await pickOne(items, { title: `Export ${source === "." ? "every preset" : path.basename(source)} as` }))
      ?.format;
  }
  if (!format) return undefined;
  let out = given?.out;
  if (!out) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      defaultUri: folder.uri,
      openLabel: "Export here",
      title: `Folder for the ${format} files`,
    });
    out = picked?.[0]?.fsPath;
  }
  if (!out) return undefined;
  await vscode.workspace.saveAll(false);
  const run = await runner.run(["export", source, "--format", format, "--out", out], folder.uri.fsPath, {
    model: true,
  });
  void report(runner, run, "eqp export");
  return run;
}

async function lock(runner: EqpRunner): Promise<CliRun | undefined> {
  const folder = workingFolder();
  if (!folder) return void vscode.window.showWarningMessage("EQ Preset: open a folder to lock.");
  await vscode.workspace.saveAll(false);
  const run = await runner.run(["lock", "--accept"], folder.uri.fsPath, { model: true });
  void report(runner, run, "eqp lock");
  return run;
}

/** Diff against…: a git revision (HEAD, HEAD~1, one typed) or another file; the report as Markdown with pictures. */
async function diff(
  runner: EqpRunner,
  storage: vscode.Uri | undefined,
  given?: { revision?: string },
): Promise<CliRun | undefined> {
  const folder = workingFolder();
  if (!folder) return void vscode.window.showWarningMessage("EQ Preset: open a folder to diff.");
  let revision = given?.revision;
  if (!revision) {
    const other = "A branch, tag or commit…";
    const picked = await pickOne(
      [
        { label: "HEAD", description: "the last commit" },
        { label: "HEAD~1", description: "the commit before it" },
        { label: other },
      ],
      { title: "Diff the presets against" },
    );
    revision = picked?.label === other ? await vscode.window.showInputBox({ prompt: "git revision" }) : picked?.label;
  }
  if (!revision) return undefined;
  await vscode.workspace.saveAll(false);
  const args = ["diff", revision, "--", "."];
  const out = storage ? vscode.Uri.joinPath(storage, "diff").fsPath : undefined;
  const run = await runner.run(out ? [...args, "--format", "markdown", "--out", out] : args, folder.uri.fsPath, {
    model: true,
  });
  if (run.exitCode === 0 && out)
    await vscode.commands.executeCommand("markdown.showPreview", vscode.Uri.file(path.join(out, "diff.md")));
  else void report(runner, run, "eqp diff");
  return run;
}

export function registerCliCommands(context: vscode.ExtensionContext, runner: EqpRunner): vscode.Disposable {
  putEqpOnTerminalPath(context);
  return vscode.Disposable.from(
    runner,
    vscode.commands.registerCommand("eqpreset.checkWorkspace", () => checkWorkspace(runner)),
    vscode.commands.registerCommand("eqpreset.export", (given?: { format?: string; out?: string }) =>
      exportPresets(runner, given),
    ),
    vscode.commands.registerCommand("eqpreset.lock", () => lock(runner)),
    vscode.commands.registerCommand("eqpreset.diff", (given?: { revision?: string }) =>
      diff(runner, context.storageUri ?? context.globalStorageUri, given),
    ),
  );
}
