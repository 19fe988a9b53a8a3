// Runs the test suites with Node's test runner (TypeScript through tsx).
// Usage: node test/run.mjs [suite...]   suites: unit, cli, lsp, neovim, browser, e2e (default: all)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const ALL_SUITES = ["unit", "cli", "lsp", "neovim", "browser", "e2e"];
const requested = process.argv.slice(2);
const suites = requested.length > 0 ? requested : ALL_SUITES;

function testFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return testFiles(full);
    return entry.endsWith(".test.ts") ? [full] : [];
  });
}

const files = suites.flatMap((suite) => {
  if (!ALL_SUITES.includes(suite)) {
    console.error(`unknown suite ${suite}: expected one of ${ALL_SUITES.join(", ")}`);
    process.exit(2);
  }
  return testFiles(path.join("test", suite)).sort();
});
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
// The servers and eqp runs the tests start keep their code cache (server/src/boot/codeCache.ts) in
// a folder of this run, not in the user's cache folder.
const cacheDir = mkdtempSync(path.join(tmpdir(), "eqp-test-code-cache-"));
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", ...files], {
  stdio: "inherit",
  env: { ...process.env, EQPRESET_CACHE_DIR: process.env.EQPRESET_CACHE_DIR ?? cacheDir },
});
rmSync(cacheDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
