/**
 * End-to-end: the real extension in real VS Code. Runs the Mocha suite in test/e2e/suite inside
 * VS Code's extension host through @vscode/test-electron's runTests(), with test/e2e/launcher.mjs
 * standing in for the VS Code executable: it runs code-server (VS Code 1.100.3's workbench and
 * Node extension host) in headless Chromium, since VS Code cannot be downloaded offline.
 *
 * Needs code-server and Chromium: `bash scripts/setup-code-server.sh` (once per machine). Without
 * them the test is skipped with a loud message, or fails when EQP_REQUIRE_E2E=1 (set that in CI).
 * Builds dist/ (node esbuild.mjs) and the suite (node test/e2e/build.mjs) itself.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { accessSync, chmodSync, constants, cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { runTests } from "@vscode/test-electron";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const LAUNCHER = path.join(ROOT, "test", "e2e", "launcher.mjs");
const FIXTURES = path.join(ROOT, "test", "e2e", "workspace");
const SUITE_INDEX = path.join(ROOT, "dist", "e2e", "index.js");
/** Where scripts/setup-code-server.sh installs code-server (the launcher looks there too). */
const CODE_SERVER =
  process.env["EQP_CODE_SERVER"] ||
  path.join(
    process.env["EQP_CACHE"] || path.join(homedir(), ".cache", "eqpreset"),
    "code-server",
    "node_modules",
    ".bin",
    "code-server",
  );
const CHROMIUM = process.env["EQP_CHROMIUM"] || "/usr/bin/chromium";
/** The launcher gives up after this long (and exits 124); this test waits a little longer. */
const LAUNCHER_TIMEOUT_MS = Number(process.env["EQP_E2E_TIMEOUT_MS"] ?? 300_000);

const missing = [
  existsSync(CODE_SERVER) ? undefined : `code-server is not installed (expected ${CODE_SERVER})`,
  existsSync(CHROMIUM) ? undefined : `Chromium is not installed (expected ${CHROMIUM})`,
].filter((reason): reason is string => reason !== undefined);
const howToInstall = "install code-server and Chromium with `bash scripts/setup-code-server.sh`";
const required = process.env["EQP_REQUIRE_E2E"] === "1";

if (missing.length > 0 && !required) {
  const line = "=".repeat(100);
  console.warn(
    `\n${line}\nSKIPPING the end-to-end tests in VS Code: ${missing.join("; ")}.\n${howToInstall} (set EQP_REQUIRE_E2E=1 to make this a failure)\n${line}\n`,
  );
}

/** Runs `node <script>` in the repo, failing with its output when it fails. */
function runNode(script: string): void {
  const result = spawnSync(process.execPath, [script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  assert.equal(
    result.status,
    0,
    `node ${script} failed (${result.status ?? result.signal ?? result.error})\n${result.stdout}\n${result.stderr}`,
  );
}

let workDir: string | undefined;

describe("the extension in VS Code (code-server, headless Chromium)", () => {
  after(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  if (missing.length > 0) {
    it(
      "needs code-server and Chromium",
      { skip: required ? false : `SKIPPED: ${missing.join("; ")}: ${howToInstall}` },
      () => {
        assert.fail(`${missing.join("; ")}: ${howToInstall} (EQP_REQUIRE_E2E=1 makes this a failure)`);
      },
    );
    return;
  }

  it(
    "passes the Mocha suite in the extension host (activation, diagnostics, hover, completion, quick fix, training task)",
    { timeout: LAUNCHER_TIMEOUT_MS + 30_000 },
    async (t) => {
      const started = performance.now();
      runNode("esbuild.mjs");
      runNode(path.join("test", "e2e", "build.mjs"));
      assert.ok(existsSync(SUITE_INDEX), `${SUITE_INDEX} was not built`);

      // runTests() spawns the launcher as an executable: a checkout that lost the mode would fail
      // with EACCES, so restore it.
      try {
        accessSync(LAUNCHER, constants.X_OK);
      } catch {
        chmodSync(LAUNCHER, 0o755);
      }

      // A fresh copy of the fixtures (the tests edit them) and private VS Code profile folders.
      workDir = mkdtempSync(path.join(tmpdir(), "eqp-e2e-"));
      const workspace = path.join(workDir, "workspace");
      cpSync(FIXTURES, workspace, { recursive: true });

      try {
        await runTests({
          vscodeExecutablePath: LAUNCHER,
          extensionDevelopmentPath: ROOT,
          extensionTestsPath: SUITE_INDEX,
          launchArgs: [
            workspace,
            `--user-data-dir=${path.join(workDir, "user-data")}`,
            `--extensions-dir=${path.join(workDir, "extensions")}`,
          ],
          extensionTestsEnv: { EQP_E2E_TIMEOUT_MS: String(LAUNCHER_TIMEOUT_MS) },
        });
      } catch (error) {
        assert.fail(
          `the end-to-end tests in VS Code failed: ${error instanceof Error ? error.message : String(error)} (Mocha's report and the launcher's log are above)`,
        );
      }
      t.diagnostic(`build + code-server + tests: ${Math.round(performance.now() - started)} ms`);
    },
  );
});
