/**
 * The start-up code cache (server/src/boot/codeCache.ts), each run in a process of its own as
 * `node dist/server.js` runs it: written by the first run, used by the next, refused and rewritten
 * when damaged, and the bundle runs as `require` would run it in every case.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, it } from "node:test";
import { digest } from "../../server/src/boot/codeCache.js";
import { temporaryFolder, writeFileIn } from "../support/cli.js";

const LOADER = pathToFileURL(path.resolve("server/src/boot/codeCache.ts")).href;

/** Runs the bundle through the cache in a new process: what it printed, and how the cache was used. */
function start(bundle: string, cacheDir: string, env: Record<string, string> = {}): { output: string; use: string } {
  const script = `import { runWithCodeCache } from ${JSON.stringify(LOADER)};
const use = runWithCodeCache(${JSON.stringify(bundle)});
process.stderr.write("use=" + use + "\\n");`;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, EQPRESET_CACHE_DIR: cacheDir, ...env },
  });
  assert.equal(result.status, 0, result.stderr);
  return { output: result.stdout, use: /use=(\w+)/.exec(result.stderr)?.[1] ?? result.stderr };
}

function cacheFiles(cacheDir: string): string[] {
  return readdirSync(cacheDir, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".cache"));
}

describe("start-up code cache", () => {
  const folder = temporaryFolder("code-cache");
  // A CommonJS bundle as esbuild writes one: require, module, exports, __dirname; a few functions.
  const bundle = writeFileIn(
    folder,
    "bundle.js",
    `"use strict";
const path = require("node:path");
function square(x) { return x * x; }
module.exports = { squares: [1, 2, 3].map(square) };
process.stdout.write(JSON.stringify({ dir: path.basename(__dirname), file: path.basename(__filename), squares: module.exports.squares, same: exports !== module.exports }));
`,
  );
  const expected = JSON.stringify({ dir: path.basename(folder), file: "bundle.js", squares: [1, 4, 9], same: true });

  it("writes the cache where eqp ran before, and uses it on the next start, the bundle running the same", () => {
    const cacheDir = path.join(folder, "cache-a");
    // A short run where nothing ran before (a fresh CI container) only makes the folder.
    const first = start(bundle, cacheDir);
    assert.deepEqual(first, { output: expected, use: "compiled" });
    assert.equal(cacheFiles(cacheDir).length, 0);
    const second = start(bundle, cacheDir);
    assert.deepEqual(second, { output: expected, use: "compiled" });
    assert.equal(cacheFiles(cacheDir).length, 1, "the second run wrote the cache as it exited");
    assert.deepEqual(start(bundle, cacheDir), { output: expected, use: "used" });
  });

  it("ignores a damaged cache and one V8 refuses, runs the bundle anyway and writes a good one", () => {
    const cacheDir = path.join(folder, "cache-b");
    start(bundle, cacheDir);
    start(bundle, cacheDir);
    const file = path.join(cacheDir, cacheFiles(cacheDir)[0]!);
    const good = readFileSync(file);
    // Cut short: its hash no longer matches, so V8 never sees it.
    writeFileSync(file, good.subarray(0, good.length >> 1));
    assert.deepEqual(start(bundle, cacheDir), { output: expected, use: "compiled" });
    assert.equal(start(bundle, cacheDir).use, "used");
    // Whole, but not V8's data for this text (another V8 or another bundle writes such files).
    const foreign = Buffer.from("data V8 did not make for this bundle");
    writeFileSync(file, Buffer.concat([digest(foreign), foreign]));
    assert.deepEqual(start(bundle, cacheDir), { output: expected, use: "refused" });
    assert.equal(start(bundle, cacheDir).use, "used");
  });

  it("keeps one cache per bundle: a new version's replaces the old one's", () => {
    const cacheDir = path.join(folder, "cache-d");
    const versioned = writeFileIn(folder, "versioned.js", "module.exports = 1;\n");
    start(versioned, cacheDir);
    start(versioned, cacheDir);
    const [old] = cacheFiles(cacheDir);
    writeFileSync(versioned, "module.exports = 2;\n");
    start(versioned, cacheDir);
    const files = cacheFiles(cacheDir);
    assert.equal(files.length, 1, files.join(", "));
    assert.notEqual(files[0], old);
  });

  it("starts without a cache when it is turned off or its folder cannot be written", () => {
    const off = start(bundle, path.join(folder, "cache-c"), { EQPRESET_CODE_CACHE: "off" });
    assert.deepEqual(off, { output: expected, use: "off" });
    // A file where the folder should be: the write fails quietly, every start compiles.
    const blocked = writeFileIn(folder, "blocked", "");
    for (let run = 0; run < 2; run++) {
      const result = start(bundle, path.join(blocked, "cache"));
      assert.equal(result.output, expected);
      assert.equal(result.use, "compiled");
    }
  });
});
