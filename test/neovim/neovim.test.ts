/**
 * A third-party LSP client against the bundled server (dist/server.js; build it first with
 * `node esbuild.mjs`): Neovim's built-in client, headless, driven by lsp-client.lua next to this
 * file. Needs `nvim` >= 0.7 (`bash scripts/setup-neovim.sh`). Without it the tests are skipped
 * with a loud message, or fail when EQP_REQUIRE_NEOVIM=1 (set that in CI).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const LUA_CLIENT = path.join(ROOT, "test", "neovim", "lsp-client.lua");
const SERVER_COMMAND = [process.execPath, path.join(ROOT, "dist", "server.js"), "--stdio"];
const NVIM_TIMEOUT_MS = 30_000;

const FIXTURE = ['preset "Dialogue" {', "  bell1 2.5kHz +3dB q 1.2", "  morph warn 0.5", "}", ""].join("\n");
/** 1-based positions in FIXTURE, as lsp-client.lua takes them. */
const AT_BELL = { line: 2, col: 3 };
const AT_FREQUENCY = { line: 2, col: 9 };

interface Diagnostic {
  type: "diagnostic";
  line: number;
  col: number;
  code: string | number | null;
  message: string;
  severity: string;
}
interface Hover {
  type: "hover";
  line: number;
  col: number;
  text: string | null;
}
type RunRecord = Diagnostic | Hover;

interface NeovimRun {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  lspLog: string;
  records: RunRecord[];
  ms: number;
}

function neovimVersion(): string | undefined {
  const result = spawnSync("nvim", ["--version"], { encoding: "utf8", timeout: 10_000 });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.split("\n")[0]?.trim();
}

/** Escapes a file name for an Ex command argument (like Vim's fnameescape()). */
function exEscape(file: string): string {
  return file.replace(/[ \t\\%#|"'<>*?[{}$`]/g, (char) => `\\${char}`);
}

let workDir: string | undefined;
function tempDir(): string {
  workDir ??= mkdtempSync(path.join(tmpdir(), "eqp-neovim-"));
  return workDir;
}

function fixtureFile(): string {
  const file = path.join(tempDir(), "dialogue.eqp");
  if (!existsSync(file)) writeFileSync(file, FIXTURE);
  return file;
}

function runNeovim(file: string, line: number, col: number, serverCommand: string[]): NeovimRun {
  const home = tempDir();
  const env = {
    ...process.env,
    // Keep Neovim's log, state and data (and the LSP log read on failure) out of the user's home.
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_CACHE_HOME: path.join(home, "cache"),
    XDG_STATE_HOME: path.join(home, "state"),
    XDG_DATA_HOME: path.join(home, "data"),
    EQP_LSP_TIMEOUT_MS: "10000",
  };
  const args = [
    "--headless",
    "--clean",
    "-n",
    "-c",
    `luafile ${exEscape(LUA_CLIENT)}`,
    "--",
    file,
    String(line),
    String(col),
    ...serverCommand,
  ];
  const started = performance.now();
  const result = spawnSync("nvim", args, {
    cwd: home,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: NVIM_TIMEOUT_MS,
  });
  const ms = Math.round(performance.now() - started);
  const logFile = path.join(home, "cache", "nvim", "lsp.log");
  const records = (result.stdout ?? "")
    .split("\n")
    .filter((text) => text.startsWith("{"))
    .map((text) => JSON.parse(text) as RunRecord);
  return {
    status: result.status,
    signal: result.signal ?? (result.error ? String(result.error) : null),
    stdout: result.stdout ?? "",
    stderr: result.stderr ?? "",
    lspLog: existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-4000) : "",
    records,
    ms,
  };
}

/** What to print when an assertion on a run fails. */
function report(run: NeovimRun): string {
  return [
    `nvim exit status ${run.status}${run.signal ? ` (${run.signal})` : ""} after ${run.ms} ms`,
    `--- stdout\n${run.stdout}`,
    `--- stderr\n${run.stderr}`,
    `--- lsp.log (tail)\n${run.lspLog}`,
  ].join("\n");
}

const runs = new Map<string, NeovimRun>();
/** Runs Neovim once per position against the real server; the tests share the runs. */
function runAt(position: { line: number; col: number }): NeovimRun {
  const key = `${position.line}:${position.col}`;
  let run = runs.get(key);
  if (!run) {
    run = runNeovim(fixtureFile(), position.line, position.col, SERVER_COMMAND);
    runs.set(key, run);
  }
  return run;
}

const timed = new Set<NeovimRun>();
function succeeded(run: NeovimRun, t: TestContext): void {
  if (!timed.has(run)) t.diagnostic(`nvim + server: ${run.ms} ms`);
  timed.add(run);
  assert.equal(run.status, 0, `Neovim's LSP client failed\n${report(run)}`);
}

function hoverOf(run: NeovimRun): string {
  const hovers = run.records.filter((record): record is Hover => record.type === "hover");
  assert.equal(hovers.length, 1, `expected one hover record\n${report(run)}`);
  const text = hovers[0]!.text;
  assert.ok(typeof text === "string" && text.length > 0, `the server returned no hover\n${report(run)}`);
  return text;
}

const version = neovimVersion();
const required = process.env["EQP_REQUIRE_NEOVIM"] === "1";
const missing = "nvim (Neovim >= 0.7) is not installed: install it with `bash scripts/setup-neovim.sh`";

if (!version && !required) {
  const line = "=".repeat(100);
  console.warn(
    `\n${line}\nSKIPPING the Neovim LSP client tests: ${missing}\n(set EQP_REQUIRE_NEOVIM=1 to make this a failure)\n${line}\n`,
  );
}

describe(`Neovim's LSP client (${version ?? "nvim missing"})`, () => {
  after(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  if (!version) {
    it("needs nvim", { skip: required ? false : `SKIPPED: ${missing}` }, () => {
      assert.fail(`${missing} (EQP_REQUIRE_NEOVIM=1 makes this a failure)`);
    });
    return;
  }

  it("finds the bundled server", () => {
    assert.ok(existsSync(SERVER_COMMAND[1]!), `${SERVER_COMMAND[1]} is missing: run \`node esbuild.mjs\` first`);
  });

  it("gets diagnostics, with the spelling suggestion for an unknown word", (t) => {
    const run = runAt(AT_BELL);
    succeeded(run, t);
    const diagnostics = run.records.filter((record): record is Diagnostic => record.type === "diagnostic");
    const unknown = diagnostics.find((d) => d.code === "unknown-word" && d.line === 2);
    assert.ok(unknown, `no unknown-word diagnostic on line 3 among ${JSON.stringify(diagnostics)}\n${report(run)}`);
    assert.match(unknown.message, /Did you mean 'warm'/);
  });

  it("gets a hover on a band keyword", (t) => {
    const run = runAt(AT_BELL);
    succeeded(run, t);
    assert.match(hoverOf(run), /Bell 1/);
  });

  it("gets a hover on a frequency, with its musical note", (t) => {
    const run = runAt(AT_FREQUENCY);
    succeeded(run, t);
    const text = hoverOf(run);
    assert.match(text, /kHz/);
    assert.match(text, /\b[A-G][#♯b♭]?\d\b/, `no note name (like D#7) in the frequency hover: ${text}`);
  });
});
