/**
 * `eqp` in a workspace that used to hang it or multiply its files (test/support/hostileWorkspace.ts):
 * links in a cycle, FIFOs, a `.gitignore` folder, a link to /dev/zero, a 50 MB file. `eqp check`
 * ends with the right diagnostics, each file counted once; `eqp lock` records each morph once.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { CLI } from "../support/cli.js";
import { hostileWorkspace } from "../support/hostileWorkspace.js";

const root = hostileWorkspace("hostile");
after(() => rmSync(root, { recursive: true, force: true }));

function eqpIn(...args: string[]) {
  // A timeout: before the walk was fixed, these never ended.
  return spawnSync(process.execPath, [CLI, ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
}

describe("eqp in a hostile workspace", () => {
  it("checks it: the 50 MB file refused by a diagnostic, the tagged preset counted once", () => {
    const check = eqpIn("check", ".");
    assert.equal(check.status, 1, `signal ${check.signal}: ${check.stdout}${check.stderr}`);
    assert.match(check.stdout, /^big\.eqp:1:1 error file-not-read big\.eqp is 50 MB, over the 8 MB limit/m);
    assert.match(check.stdout, /the team's 'punchy' \(1 tagged preset:/);
    assert.match(check.stderr, /^3 files checked/m);
    assert.doesNotMatch(check.stdout, /^(x|y|loop)\//m);
    assert.match(check.stderr, /kept\/\.gitignore is not a regular file/);
  });

  it("locks each morph once", () => {
    const lock = eqpIn("lock");
    assert.equal(lock.status, 0, `signal ${lock.signal}: ${lock.stdout}${lock.stderr}`);
    const written = JSON.parse(readFileSync(path.join(root, "eqpreset.lock"), "utf8")) as { presets: object };
    assert.deepEqual(Object.keys(written.presets), ["b.eqp"]);
  });
});

describe("a model folder whose metadata.json is a FIFO", () => {
  it("gives a clear error instead of blocking eqp", () => {
    const models = path.join(root, "fifo-model");
    mkdirSync(models, { recursive: true });
    spawnSync("mkfifo", [path.join(models, "metadata.json")]);
    const preset = path.join(root, "fifo-model-check.eqp");
    writeFileSync(preset, 'preset "A" {\n  morph warm 0.5\n}\n');
    // Before: readFileSync on the FIFO waited for a writer forever (the timeout kills it).
    const check = eqpIn("check", "--model", models, preset);
    assert.equal(check.signal, null, "eqp blocked on the FIFO");
    assert.equal(check.status, 2, check.stdout + check.stderr);
    assert.match(check.stderr, /^eqp: .*fifo-model\/metadata\.json: is not a regular file: not read$/m);
    assert.doesNotMatch(check.stderr, /^\s+at /m);
  });
});
