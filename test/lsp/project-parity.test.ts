/**
 * One project, two front doors: a git repository with its presets in `Audio/Presets`, a project
 * file (`eqpreset.json`) at the root naming a project model and a lock tolerance, and a lock. The
 * editor opened on `Audio/Presets` (a real stdio LSP connection) and `eqp check` run from a folder
 * outside the repository must use the same model and the same lock, and so report the same
 * diagnostics: codes, severities, ranges and messages.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { bundledModelDir, type Lockfile } from "../../server/src/core/index.js";
import { CLI, temporaryFolder } from "../support/cli.js";
import { LspTestClient } from "../support/lspClient.js";

const SEVERITY = ["", "error", "warning", "information", "hint"];
const PROJECT_MODEL_ID = "project-model-for-parity";
const GAME =
  'preset "Radio" {\n  morph bright 0.8 warm 0.2\n}\n' +
  'preset "Muffled" {\n  morph warm\n}\n' +
  'preset "Cave" {\n  morph bright 0.3\n}\n' +
  'preset "Flat" {\n  bell 1kHz +3dB q 1\n}\n';

const repo = temporaryFolder("project-parity");
const elsewhere = temporaryFolder("project-parity-cwd");
const game = path.join(repo, "Audio", "Presets", "game.eqp");

function run(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8" });
}

/** The workspace: the project model, the project file, a lock that two morphs moved from and one lacks. */
function buildWorkspace(): void {
  spawnSync("git", ["init", "-q"], { cwd: repo });
  const modelDir = path.join(repo, "models", "project-model");
  cpSync(bundledModelDir(), modelDir, { recursive: true });
  const metadataFile = path.join(modelDir, "metadata.json");
  const metadata = JSON.parse(readFileSync(metadataFile, "utf8")) as { model: Record<string, unknown> };
  metadata.model.createdAt = PROJECT_MODEL_ID;
  writeFileSync(metadataFile, JSON.stringify(metadata));
  writeFileSync(
    path.join(repo, "eqpreset.json"),
    JSON.stringify({ model: "models/project-model", lock: { toleranceDb: 0.5 } }),
  );
  mkdirSync(path.dirname(game), { recursive: true });
  writeFileSync(game, GAME.replace(/preset "Cave"[^}]*}\n/, ""));
  const locked = run(["lock"], path.join(repo, "Audio"));
  assert.equal(locked.status, 0, locked.stderr);
  // As if locked with another model: Radio moved by 3 dB (an error), Muffled by 0.2 dB (a note).
  const lockFile = path.join(repo, "eqpreset.lock");
  const lock = JSON.parse(readFileSync(lockFile, "utf8")) as Lockfile;
  lock.model = { id: "an-older-model" };
  const entries = lock.presets["Audio/Presets/game.eqp"]!;
  entries[`"Radio"`]!.bands[2]!.gainDb += 3;
  entries[`"Muffled"`]!.bands[2]!.gainDb += 0.2;
  writeFileSync(lockFile, JSON.stringify(lock));
  // Cave is not in the lock.
  writeFileSync(game, GAME);
}

interface Compared {
  range: string;
  severity: string;
  code: string;
  message: string;
}

const key = (d: Compared) => `${d.range} ${d.severity} ${d.code} ${d.message}`;

function cliDiagnostics(): Compared[] {
  const check = run(["check", "--format", "json", game], elsewhere);
  assert.ok(check.status === 0 || check.status === 1, check.stderr);
  const [result] = JSON.parse(check.stdout) as {
    diagnostics: {
      line: number;
      column: number;
      endLine: number;
      endColumn: number;
      severity: string;
      code: string;
      message: string;
    }[];
  }[];
  return result!.diagnostics.map((d) => ({
    range: `${d.line - 1}:${d.column - 1}-${d.endLine - 1}:${d.endColumn - 1}`,
    severity: d.severity,
    code: d.code,
    message: d.message,
  }));
}

async function waitFor(client: LspTestClient, found: (n: { method: string; params: unknown }) => boolean) {
  const deadline = Date.now() + 30_000;
  while (!client.notifications.some(found)) {
    if (Date.now() > deadline) throw new Error(`the server did not get ready within 30 s: ${client.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("a project file and a lock, in the editor opened on a subfolder and in eqp run from elsewhere", () => {
  let client: LspTestClient;

  before(async () => {
    buildWorkspace();
    client = await LspTestClient.start({ rootUri: pathToFileURL(path.dirname(game)).toString() });
    // As a user's editor: the network loaded and the workspace indexed.
    await waitFor(
      client,
      (n) => n.method === "eqpreset/modelStatus" && (n.params as { network: boolean; loading: boolean }).network,
    );
    await waitFor(
      client,
      (n) => n.method === "window/logMessage" && /workspace index/.test((n.params as { message: string }).message),
    );
  });

  after(async () => {
    await client?.stop();
    rmSync(repo, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it("reports the same diagnostics, from the project model and the lock at the repository root", async () => {
    const status = client.notifications.find((n) => n.method === "eqpreset/modelStatus")!.params as {
      dir: string;
      personalOverride?: boolean;
    };
    assert.equal(path.resolve(status.dir), path.join(repo, "models", "project-model"));
    assert.equal(status.personalOverride, false);
    const lsp = (await client.open(pathToFileURL(game).toString(), readFileSync(game, "utf8"))).map(
      (d: Diagnostic) => ({
        range: `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`,
        severity: SEVERITY[d.severity ?? 1]!,
        code: String(d.code),
        message: d.message,
      }),
    );
    const cli = cliDiagnostics();
    assert.deepEqual(lsp.map(key).sort(), cli.map(key).sort());
    // What makes the comparison mean something: the lock was found, the project model and tolerance used.
    const codes = cli.map((d) => `${d.severity} ${d.code}`).sort();
    assert.deepEqual(codes, ["error lock-changed", "information lock-changed", "information lock-missing"]);
    const radio = cli.find((d) => d.severity === "error")!;
    assert.match(radio.message, new RegExp(`the model changed from an-older-model to ${PROJECT_MODEL_ID}`));
    assert.match(radio.message, /by up to [+−][\d.]+ dB at /);
    assert.match(cli.find((d) => d.code === "lock-changed" && d.severity === "information")!.message, /tolerance/);
  });

  it("lets the personal eqpreset.modelPath setting override the project's model, and says so", async () => {
    const personal = await LspTestClient.start({
      rootUri: pathToFileURL(path.dirname(game)).toString(),
      modelPath: bundledModelDir(),
    });
    try {
      await waitFor(personal, (n) => n.method === "eqpreset/modelStatus");
      const status = personal.notifications.find((n) => n.method === "eqpreset/modelStatus")!.params as {
        dir: string;
        personalOverride?: boolean;
        projectFile?: string;
      };
      assert.equal(path.resolve(status.dir), path.resolve(bundledModelDir()));
      assert.equal(status.personalOverride, true);
      assert.equal(status.projectFile, path.join(repo, "eqpreset.json"));
    } finally {
      await personal.stop();
    }
  });
});
