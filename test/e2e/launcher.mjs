#!/usr/bin/env node
/**
 * Stands in for the VS Code executable when @vscode/test-electron's runTests() starts "VS Code":
 * runTests({ vscodeExecutablePath: <this file>, ... }) spawns it with Electron-style arguments.
 *
 * VS Code itself cannot be downloaded on an offline machine, so this runs code-server (VS Code's
 * web workbench + Node extension host, installed by scripts/setup-code-server.sh) instead:
 *   1. starts code-server isolated (private config/data/temp folders) on a free 127.0.0.1 port;
 *   2. opens the workbench in headless Chromium (playwright-core) with the extension development
 *      and tests paths in the URL's `payload` (code-server has no command-line flags for them);
 *   3. prints what the extension host logs (Mocha's report) through `codeAutomationLog`;
 *   4. exits with the code the test runner passes to `codeAutomationExit`, after killing
 *      code-server's whole process group (extension host and language server included).
 * An overall timeout (EQP_E2E_TIMEOUT_MS, default 300 s) makes sure it never hangs.
 *
 * Arguments read: --extensionDevelopmentPath=, --extensionTestsPath=, --user-data-dir=,
 * --extensions-dir= and the first argument not starting with "-" (the folder to open); the other
 * Electron flags runTests passes (--no-sandbox, --disable-updates, ...) are ignored.
 *
 * Environment: EQP_CODE_SERVER (the code-server executable; default
 * ${EQP_CACHE:-$HOME/.cache/eqpreset}/code-server/node_modules/.bin/code-server), EQP_CHROMIUM
 * (default /usr/bin/chromium), EQP_E2E_TIMEOUT_MS, EQP_E2E_VERBOSE=1 (also print code-server's
 * and the browser's output when the run passes).
 *
 * Exit codes: the tests' exit code; 2 bad arguments or missing tools; 124 timeout; 130/143 signal.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import * as path from "node:path";
import { URLSearchParams } from "node:url";
import { format } from "node:util";
import { chromium } from "playwright-core";

const TIMEOUT_MS = Number(process.env["EQP_E2E_TIMEOUT_MS"] ?? 300_000);
const VERBOSE = process.env["EQP_E2E_VERBOSE"] === "1";
const CACHE = process.env["EQP_CACHE"] || path.join(homedir(), ".cache", "eqpreset");
const CODE_SERVER =
  process.env["EQP_CODE_SERVER"] || path.join(CACHE, "code-server", "node_modules", ".bin", "code-server");
const CHROMIUM = process.env["EQP_CHROMIUM"] || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

// Whatever ends this process without a result from the tests is a failure, never a pass.
process.exitCode = 1;

const log = (message) => console.log(`[launcher] ${message}`);
const fail = (message, code = 2) => {
  console.error(`[launcher] ERROR: ${message}`);
  process.exit(code);
};

// --- arguments --------------------------------------------------------------------------------
function parseArgs(argv) {
  const options = {
    folder: undefined,
    extensionDevelopmentPath: undefined,
    extensionTestsPath: undefined,
    userDataDir: undefined,
    extensionsDir: undefined,
  };
  const keys = {
    "--extensionDevelopmentPath": "extensionDevelopmentPath",
    "--extensionTestsPath": "extensionTestsPath",
    "--user-data-dir": "userDataDir",
    "--extensions-dir": "extensionsDir",
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("-")) {
      options.folder ??= path.resolve(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = equals < 0 ? arg : arg.slice(0, equals);
    const key = keys[name];
    if (!key) continue; // An Electron/VS Code flag code-server does not need.
    // runTests passes `--name=value`; also accept `--name value`.
    const value = equals < 0 ? argv[++i] : arg.slice(equals + 1);
    if (value === undefined) fail(`${name} needs a value`);
    // Several --extensionDevelopmentPath are possible in VS Code; one is enough here.
    options[key] ??= path.resolve(value);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
if (!options.extensionDevelopmentPath || !options.extensionTestsPath) {
  fail(
    "expected --extensionDevelopmentPath=<path> and --extensionTestsPath=<path> (as @vscode/test-electron's runTests passes them)",
  );
}
if (!existsSync(CODE_SERVER))
  fail(`code-server not found at ${CODE_SERVER}: install it with \`bash scripts/setup-code-server.sh\``);
if (!existsSync(CHROMIUM))
  fail(
    `Chromium not found at ${CHROMIUM}: install it with \`bash scripts/setup-code-server.sh\` (or set EQP_CHROMIUM)`,
  );

// --- private folders ----------------------------------------------------------------------------
// code-server writes its config, sockets and state under XDG_* and TMPDIR: keep them all here.
const home = mkdtempSync(path.join(tmpdir(), "eqp-code-server-"));
const dirs = {
  config: path.join(home, "config"),
  data: path.join(home, "data"),
  cache: path.join(home, "cache"),
  state: path.join(home, "state"),
  tmp: path.join(home, "tmp"),
  browserHome: path.join(home, "browser-home"),
  userData: options.userDataDir ?? path.join(home, "user-data"),
  extensions: options.extensionsDir ?? path.join(home, "extensions"),
};
for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
// User settings, unless the caller's user-data-dir has some: keep the workbench quiet and offline.
const settingsFile = path.join(dirs.userData, "User", "settings.json");
if (!existsSync(settingsFile)) {
  mkdirSync(path.dirname(settingsFile), { recursive: true });
  const settings = {
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "extensions.ignoreRecommendations": true,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "workbench.enableExperiments": false,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
  };
  writeFileSync(settingsFile, JSON.stringify(settings, null, 2) + "\n");
}
const configFile = path.join(home, "config.yaml");
// Not empty (code-server rejects an empty one); the command line below has the rest.
writeFileSync(configFile, "auth: none\n");

// --- state shared with cleanup ------------------------------------------------------------------
let codeServer;
let browser;
let cleaningUp;
let finishing = false;
/** Output kept to print when the run fails (or always with EQP_E2E_VERBOSE=1). */
const serverOutput = [];
const browserOutput = [];
/** Workbench start-up chatter held back from the log (see WORKBENCH_CHATTER). */
const heldBack = [];

function printDiagnostics() {
  if (heldBack.length > 0) console.log(`[launcher] --- workbench log held back\n${heldBack.join("\n")}`);
  if (serverOutput.length > 0) console.log(`[launcher] --- code-server output\n${serverOutput.join("").trimEnd()}`);
  if (browserOutput.length > 0) console.log(`[launcher] --- browser console\n${browserOutput.join("\n")}`);
}

async function cleanup() {
  cleaningUp ??= (async () => {
    await browser?.close().catch(() => undefined);
    if (codeServer?.pid !== undefined && codeServer.exitCode === null && codeServer.signalCode === null) {
      const exited = new Promise((resolve) => codeServer.once("exit", resolve));
      killGroup("SIGTERM");
      const timer = setTimeout(() => killGroup("SIGKILL"), 3_000);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      clearTimeout(timer);
    }
    // The extension host and language server may outlive code-server's main process for a moment.
    killGroup("SIGKILL");
    rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  })();
  return cleaningUp;
}

/** Signals code-server's process group (it was spawned detached, as a group leader). */
function killGroup(signal) {
  if (codeServer?.pid === undefined) return;
  try {
    process.kill(-codeServer.pid, signal);
  } catch {
    // Already gone.
  }
}

async function finish(code, reason) {
  if (finishing) return;
  finishing = true;
  if (reason) console.error(`[launcher] ${reason}`);
  if (code !== 0 || VERBOSE) printDiagnostics();
  await cleanup();
  log(`exit code ${code}`);
  process.exit(code);
}

// Not unref()'d: it also keeps this process alive until there is a result.
setTimeout(
  () => void finish(124, `TIMEOUT: no result from the tests after ${TIMEOUT_MS} ms (EQP_E2E_TIMEOUT_MS)`),
  TIMEOUT_MS,
);
process.on("SIGINT", () => void finish(130, "interrupted (SIGINT)"));
process.on("SIGTERM", () => void finish(143, "terminated (SIGTERM)"));

// --- code-server ----------------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The HTTP status of a GET of `url`. */
function httpStatus(url) {
  return new Promise((resolve, reject) => {
    const request = get(url, { timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", reject);
  });
}

async function waitUntilHealthy(url, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  let lastError = "";
  while (Date.now() < deadline) {
    if (codeServer.exitCode !== null || codeServer.signalCode !== null) {
      throw new Error(`code-server exited early (${codeServer.exitCode ?? codeServer.signalCode})`);
    }
    try {
      const status = await httpStatus(url);
      if (status === 200) return;
      lastError = `HTTP ${status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer ${url} within ${deadlineMs} ms (${lastError})`);
}

/** `codeAutomationLog` receives console arguments; Mocha logs with printf-style formats. */
function formatLogArgs(args) {
  if (!Array.isArray(args)) return String(args);
  return format(...args);
}

/**
 * The workbench's own start-up chatter, which arrives through codeAutomationLog at the same level
 * as the extension host's console (Mocha's report). Held back, and printed only when the run fails
 * or with EQP_E2E_VERBOSE=1; anything not listed here is printed as it comes.
 */
const WORKBENCH_CHATTER = [
  /^Resolving connection token /,
  /^Resolved connection token /,
  /^Creating a socket /,
  /^\[Service Worker\] /,
  /^Updating additional builtin extensions cache/,
  /^Ignoring fetching additional builtin extensions from gallery/,
  /^ChatSessionStore: /,
];

function printLog(args) {
  const text = formatLogArgs(args);
  if (!VERBOSE && WORKBENCH_CHATTER.some((pattern) => pattern.test(text))) heldBack.push(text);
  else console.log(text);
}

async function main() {
  const started = Date.now();
  const port = await freePort();
  const authority = `127.0.0.1:${port}`;
  codeServer = spawn(
    CODE_SERVER,
    [
      "--auth",
      "none",
      "--bind-addr",
      authority,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--ignore-last-opened",
      "--user-data-dir",
      dirs.userData,
      "--extensions-dir",
      dirs.extensions,
      "--config",
      configFile,
    ],
    {
      // Its own process group, so cleanup() can kill it with its extension host and language server.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        XDG_CONFIG_HOME: dirs.config,
        XDG_DATA_HOME: dirs.data,
        XDG_CACHE_HOME: dirs.cache, // VS Code's device id goes there
        XDG_STATE_HOME: dirs.state,
        TMPDIR: dirs.tmp,
        // No extension gallery (code-server's default is open-vsx.org): the tests need none, and
        // offline the workbench would log a failed lookup with a stack trace on every run.
        EXTENSIONS_GALLERY: process.env["EXTENSIONS_GALLERY"] ?? "{}",
      },
    },
  );
  codeServer.stdout.setEncoding("utf8").on("data", (text) => serverOutput.push(text));
  codeServer.stderr.setEncoding("utf8").on("data", (text) => serverOutput.push(text));
  codeServer.on("error", (error) => void finish(2, `could not start ${CODE_SERVER}: ${error.message}`));
  codeServer.on(
    "exit",
    (code, signal) => void finish(1, `code-server exited (${code ?? signal}) before the tests finished`),
  );
  await waitUntilHealthy(`http://${authority}/healthz`, 30_000);
  log(`code-server up on ${authority} in ${Date.now() - started} ms`);

  // Chromium writes crash-report settings and dconf files under HOME / XDG_*: a private HOME too.
  const browserHome = dirs.browserHome;
  const browserEnv = {
    ...process.env,
    HOME: browserHome,
    XDG_CONFIG_HOME: path.join(browserHome, ".config"),
    XDG_CACHE_HOME: path.join(browserHome, ".cache"),
    TMPDIR: dirs.tmp,
  };
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, env: browserEnv });
  browser.on("disconnected", () => void finish(1, "Chromium closed before the tests finished"));
  const page = await browser.newPage();
  // Its info/log lines repeat what codeAutomationLog receives: keep only warnings and errors.
  page.on("console", (message) => {
    if (VERBOSE || message.type() === "error" || message.type() === "warning")
      browserOutput.push(`${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => browserOutput.push(`pageerror: ${error.message}`));

  let resolveExit;
  const exitCode = new Promise((resolve) => (resolveExit = resolve));
  // Called by the workbench when the extension host running the tests exits (with run()'s outcome).
  await page.exposeFunction("codeAutomationExit", (code) => resolveExit(typeof code === "number" ? code : 1));
  // Called with what the renderer logs, the extension host's console included.
  await page.exposeFunction("codeAutomationLog", (_type, args) => printLog(args));

  // The workbench reads extension development/test locations from the URL's payload. They are
  // paths on the remote side (code-server's machine, i.e. this one), as vscode-remote URIs.
  const remote = (file) => `vscode-remote://${authority}${file.split(path.sep).map(encodeURIComponent).join("/")}`;
  const payload = [
    ["extensionDevelopmentPath", remote(options.extensionDevelopmentPath)],
    ["extensionTestsPath", remote(options.extensionTestsPath)],
  ];
  const query = new URLSearchParams();
  if (options.folder) query.set("folder", options.folder);
  query.set("payload", JSON.stringify(payload));
  await page.goto(`http://${authority}/?${query.toString()}`);
  log(`workbench opened${options.folder ? ` on ${options.folder}` : ""}; running the tests`);

  const code = await exitCode;
  log(`tests finished in ${Date.now() - started} ms`);
  await finish(code);
}

main().catch(
  (error) => void finish(1, `ERROR: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
);
