/**
 * The CLI as someone without VS Code or this repository gets it: `npm pack`, the tarball installed
 * into an empty prefix, and `eqp check` run from there on a sample with a morph (so the model and
 * the tfjs wasm binaries must be in the tarball and the bundle must need no devDependency).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { temporaryFolder, writeFileIn } from "../support/cli.js";

const work = temporaryFolder("pack");
const prefix = path.join(work, "prefix");
let tarball = "";
let files: string[] = [];

function npm(args: string[], cwd: string) {
  const result = spawnSync("npm", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  assert.equal(result.status, 0, `npm ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

describe("the packed CLI", () => {
  before(() => {
    const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", work], process.cwd())) as {
      filename: string;
      files: { path: string }[];
    }[];
    tarball = path.join(work, packed[0]!.filename);
    files = packed[0]!.files.map((file) => file.path);
    // No registry access: the tarball has no dependencies to fetch.
    npm(["install", "--prefix", prefix, "--offline", "--no-audit", "--no-fund", "--no-package-lock", tarball], work);
  });

  it("holds the CLI bundle, the wasm binaries, the model and nothing of the sources or VS Code", () => {
    for (const needed of [
      "bin/eqp.js",
      "bin/package.json",
      "dist/cli.js",
      "dist/cli-bundle.js",
      "dist/cli-apply.js",
      "dist/cli-network.js",
      "dist/apply-worker.js",
      "dist/server.js",
      "dist/server-bundle.js",
      "dist/package.json",
      "dist/tfjs-backend-wasm.wasm",
      "dist/tfjs-backend-wasm-simd.wasm",
      "model/metadata.json",
      "model/model.json",
      "model/weights.bin",
      // The preset library `use "telephone"` finds.
      "dist/library/game-audio.eqp",
      "dist/library/README.md",
    ])
      assert.ok(files.includes(needed), `${needed} missing from ${files.join(", ")}`);
    for (const file of files) assert.doesNotMatch(file, /^(server|client|test)\/|\.ts$|\.map$|dist\/extension\.js/);
  });

  it("installs into an empty prefix with nothing else, and eqp check runs a sample with a morph", () => {
    // Only the package itself: it pulls in no dependency at install time.
    const installed = readdirSync(path.join(prefix, "node_modules")).filter((name) => !name.startsWith("."));
    assert.deepEqual(installed, ["eqpreset"]);
    const eqp = path.join(prefix, "node_modules", ".bin", "eqp");
    const sample = writeFileIn(work, "sample.eqp", 'preset "Warm" {\n  morph warm 0.8\n  gain -1dB\n}\n');
    // From the temporary folder: nothing of this repository's node_modules can be found from there.
    const check = spawnSync(eqp, ["check", sample], { cwd: work, encoding: "utf8" });
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stderr, /1 file checked: 0 errors/);
    const phone = writeFileIn(work, "phone.eqp", 'preset "Phone" {\n  use "telephone"\n}\n');
    const used = spawnSync(eqp, ["check", phone], { cwd: work, encoding: "utf8" });
    assert.equal(used.status, 0, used.stdout + used.stderr);
    const bad = writeFileIn(work, "bad.eqp", 'preset "Bad" {\n  morph warmm\n}\n');
    const failing = spawnSync(eqp, ["check", bad], { cwd: work, encoding: "utf8" });
    assert.equal(failing.status, 1);
    assert.match(failing.stdout, /bad\.eqp:2:9 error unknown-word /);
    const print = spawnSync(eqp, ["print", sample], { cwd: work, encoding: "utf8" });
    assert.equal(print.status, 0, print.stderr);
    assert.equal(print.stdout.match(/generated/g)?.length, 5, "the network ran from the installed package");
  });
});
