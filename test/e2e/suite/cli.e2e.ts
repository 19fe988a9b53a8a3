/**
 * Issue 22 in real VS Code (code-server): `eqp` on the integrated terminal's PATH (the extension's
 * shim, VS Code's Node); the commands Check workspace, Export… and Lock running it; "Accept all
 * lock changes" listing what moved and rewriting the lock through the server.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "mocha";
import * as vscode from "vscode";
import { codeOf, waitFor, workspaceFile } from "./wait.js";

const EXTENSION_ID = "semantic-eq.eqpreset";
const LOCKED = 'preset "Radio" {\n  morph bright 0.8 warm 0.2\n}\n';

interface CliRun {
  args: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

interface AcceptResult {
  lockFile?: string;
  moved?: { file: string; preset: string; cause: string; db: number }[];
  written?: boolean;
  refused?: string;
}

describe("issue 22: eqp wherever the extension is", () => {
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const made: string[] = [];

  after(() => {
    for (const file of made) rmSync(file, { recursive: true, force: true });
  });

  it("puts eqp on the PATH of a new integrated terminal", async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const out = path.join(folder(), "terminal-eqp.txt");
    made.push(out);
    const terminal = vscode.window.createTerminal({ name: "eqp e2e", cwd: folder() });
    terminal.sendText(`eqp check voice.eqp > "${out}" 2>&1; echo "exit $?" >> "${out}"`);
    const text = await waitFor(
      "the terminal's eqp to run",
      () => {
        const written = existsSync(out) ? readFileSync(out, "utf8") : "";
        return /exit \d+/.test(written) ? written : undefined;
      },
      60_000,
    );
    terminal.dispose();
    assert.match(text, /exit 0/, text);
    assert.doesNotMatch(text, /not found/, text);
  });

  it("Check workspace runs eqp check and reports the errors of the folder", async () => {
    const run = await vscode.commands.executeCommand<CliRun>("eqpreset.checkWorkspace");
    // The folder's files as the suites before left them: unfinished.eqp keeps its empty morph.
    assert.equal(run.exitCode, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /unfinished\.eqp:\d+:\d+ error empty-morph/);
    assert.match(run.stdout + run.stderr, /files checked: [1-9]\d* errors?/);
  });

  it("Export… writes one file per preset of the active file in the chosen format", async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile("voice.eqp"));
    await vscode.window.showTextDocument(document);
    const out = path.join(folder(), "exports-e2e");
    made.push(out);
    const run = await vscode.commands.executeCommand<CliRun>("eqpreset.export", { format: "apo", out });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(run.args.slice(0, 4), ["export", document.uri.fsPath, "--format", "apo"]);
    assert.ok(readdirSync(out).some((name) => name.endsWith(".txt")));
  });

  it("Lock writes the lock; Accept all lists a moved morph with its cause and rewrites the lock", async () => {
    const radio = path.join(folder(), "radio-lock.eqp");
    const lockFile = path.join(folder(), "eqpreset.lock");
    made.push(radio, lockFile);
    writeFileSync(radio, LOCKED);
    const locked = await vscode.commands.executeCommand<CliRun>("eqpreset.lock");
    assert.equal(locked.exitCode, 0, locked.stdout + locked.stderr);
    // As if locked with another model that gave Radio 3 dB more in Bell 2.
    const lock = JSON.parse(readFileSync(lockFile, "utf8")) as {
      model: { id: string };
      presets: Record<string, Record<string, { bands: { gainDb: number }[] }>>;
    };
    lock.model = { id: "an-older-model" };
    lock.presets["radio-lock.eqp"]![`"Radio"`]!.bands[2]!.gainDb += 3;
    writeFileSync(lockFile, JSON.stringify(lock));
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(radio));
    await vscode.window.showTextDocument(document);
    await waitFor("lock-changed on the morph", () =>
      vscode.languages.getDiagnostics(document.uri).some((d) => codeOf(d) === "lock-changed") ? true : undefined,
    );
    const result = await vscode.commands.executeCommand<AcceptResult>("eqpreset.acceptLockChanges", {
      confirm: false,
    });
    assert.equal(result.written, true, JSON.stringify(result));
    assert.deepEqual(
      result.moved?.map((move) => move.preset),
      [`"Radio"`],
    );
    assert.match(result.moved![0]!.cause, /the model changed from an-older-model/);
    assert.notEqual(JSON.parse(readFileSync(lockFile, "utf8")).model.id, "an-older-model");
    await waitFor("the lock-changed error to go", () =>
      vscode.languages.getDiagnostics(document.uri).some((d) => codeOf(d) === "lock-changed") ? undefined : true,
    );
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });
});
