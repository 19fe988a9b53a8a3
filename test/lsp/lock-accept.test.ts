/**
 * The lock in the editor, through a real stdio LSP connection opened on a subfolder of the
 * project: lock-changed names its cause, its hover draws the locked and the new curve, its quick
 * fixes include "Accept all lock changes", and the `eqpreset/acceptLockChanges` request lists what
 * moved, then rewrites the lock atomically (keeping the entries of files outside the editor's
 * folder) so that the diagnostics go. A morph with an unknown word gets no lock-missing.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import type { CodeAction, Diagnostic, Hover } from "vscode-languageserver-protocol";
import type { Lockfile } from "../../server/src/core/index.js";
import { AcceptLockRequest, type AcceptLockResult } from "../../server/src/protocol/index.js";
import { CLI, temporaryFolder } from "../support/cli.js";
import { LspTestClient } from "../support/lspClient.js";

const GAME =
  'preset "Radio" {\n  morph bright 0.8 warm 0.2\n}\n' +
  'preset "Muffled" {\n  morph warm\n}\n' +
  'preset "Typo" {\n  morph brigth 0.5\n}\n';
const OTHER = 'preset "Elsewhere" {\n  morph warm 0.4\n}\n';

const repo = temporaryFolder("lock-accept");
const game = path.join(repo, "Audio", "Presets", "game.eqp");
const lockFile = path.join(repo, "eqpreset.lock");

function readLock(): Lockfile {
  return JSON.parse(readFileSync(lockFile, "utf8")) as Lockfile;
}

/** A lock written by eqp, then made to look as if an older model had given Radio 3 dB more in Bell 2. */
function buildWorkspace(): void {
  spawnSync("git", ["init", "-q"], { cwd: repo });
  mkdirSync(path.dirname(game), { recursive: true });
  mkdirSync(path.join(repo, "Other"), { recursive: true });
  writeFileSync(game, GAME);
  writeFileSync(path.join(repo, "Other", "other.eqp"), OTHER);
  const locked = spawnSync(process.execPath, [CLI, "lock"], { cwd: repo, encoding: "utf8" });
  assert.equal(locked.status, 0, locked.stderr);
  const lock = readLock();
  lock.model = { id: "an-older-model" };
  lock.presets["Audio/Presets/game.eqp"]![`"Radio"`]!.bands[2]!.gainDb += 3;
  writeFileSync(lockFile, JSON.stringify(lock));
}

async function waitFor(client: LspTestClient, found: (n: { method: string; params: unknown }) => boolean) {
  const deadline = Date.now() + 30_000;
  while (!client.notifications.some(found)) {
    if (Date.now() > deadline) throw new Error(`the server did not get ready within 30 s: ${client.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("accepting lock changes in the editor", () => {
  let client: LspTestClient;
  let diagnostics: Diagnostic[];
  const uri = pathToFileURL(game).toString();

  before(async () => {
    buildWorkspace();
    client = await LspTestClient.start({ rootUri: pathToFileURL(path.dirname(game)).toString() });
    await waitFor(
      client,
      (n) => n.method === "eqpreset/modelStatus" && (n.params as { network: boolean }).network === true,
    );
    await waitFor(
      client,
      (n) => n.method === "window/logMessage" && /workspace index/.test((n.params as { message: string }).message),
    );
    diagnostics = await client.open(uri, GAME);
  });

  after(async () => {
    await client?.stop();
    rmSync(repo, { recursive: true, force: true });
  });

  it("names the cause, and says nothing of the lock on a morph with an unknown word", () => {
    const changed = diagnostics.filter((d) => d.code === "lock-changed");
    assert.equal(changed.length, 1, JSON.stringify(diagnostics));
    assert.equal(changed[0]!.range.start.line, 1);
    assert.match(changed[0]!.message, /the model changed from an-older-model to /);
    assert.ok(diagnostics.some((d) => d.code === "unknown-word" && d.range.start.line === 7));
    assert.deepEqual(
      diagnostics.filter((d) => d.code === "lock-missing"),
      [],
      "Typo's morph has an unknown-word error; a lock-missing note would only repeat it",
    );
  });

  it("draws the locked and the new curve in the hover, with a legend", async () => {
    const hover = await client.request<Hover>("textDocument/hover", {
      textDocument: { uri },
      position: { line: 1, character: 3 },
    });
    const markdown = (hover.contents as { value: string }).value;
    assert.match(
      markdown,
      /\*\*Moved since eqpreset\.lock\*\* by up to [+−-][\d.]+ dB at .*the model changed from an-older-model/,
    );
    const base64 = /data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(markdown)?.[1];
    assert.ok(base64, markdown);
    const svg = Buffer.from(base64, "base64").toString("utf8");
    assert.match(svg, /<path class="curve-locked" d="M[^"]+"[^>]*stroke-dasharray/);
    assert.match(svg, /<path class="curve-now" d="M[^"]+"/);
    assert.match(svg, /<g class="legend"[^>]*>.*>locked<.*>now</s);
    // The two curves differ: the lock had 3 dB more in Bell 2.
    const d = (name: string) => new RegExp(`class="${name}" d="([^"]+)"`).exec(svg)![1];
    assert.notEqual(d("curve-locked"), d("curve-now"));
    // A morph that did not move keeps the ordinary picture.
    const muffled = await client.request<Hover>("textDocument/hover", {
      textDocument: { uri },
      position: { line: 4, character: 3 },
    });
    assert.doesNotMatch((muffled.contents as { value: string }).value, /Moved since/);
  });

  it("offers Accept all as a quick fix of lock-changed", async () => {
    const changed = diagnostics.find((d) => d.code === "lock-changed")!;
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: changed.range,
      context: { diagnostics: [changed] },
    });
    const all = actions.find((action) => action.title.startsWith("Accept all lock changes"));
    assert.equal(all?.command?.command, "eqpreset.acceptLockChanges");
  });

  it("lists what moved without writing, then rewrites the lock atomically and the errors go", async () => {
    const before = readFileSync(lockFile, "utf8");
    const listed = await client.request<AcceptLockResult>(AcceptLockRequest.method, { write: false });
    assert.ok("moved" in listed, JSON.stringify(listed));
    assert.deepEqual(
      listed.moved.map((move) => [move.file, move.preset]),
      [["Audio/Presets/game.eqp", `"Radio"`]],
    );
    assert.match(listed.moved[0]!.cause, /the model changed from an-older-model/);
    assert.ok(Math.abs(listed.moved[0]!.db) > 1, String(listed.moved[0]!.db));
    assert.equal(listed.written, false);
    assert.equal(readFileSync(lockFile, "utf8"), before);

    const republished = client.waitForDiagnostics(uri, undefined, 20_000);
    const written = await client.request<AcceptLockResult>(AcceptLockRequest.method, { write: true });
    assert.ok("written" in written && written.written, JSON.stringify(written));
    assert.equal(written.lockFile, lockFile);
    const lock = readLock();
    assert.notEqual(lock.model.id, "an-older-model");
    // The file outside the editor's folder keeps its entry; the moved morph has its bands of now.
    assert.ok(lock.presets["Other/other.eqp"]?.[`"Elsewhere"`]);
    assert.equal(written.morphs, 3);
    assert.deepEqual(
      readdirSync(repo).filter((name) => name.includes(".partial-")),
      [],
    );
    const after = (await republished).diagnostics;
    assert.deepEqual(
      after.filter((d) => String(d.code).startsWith("lock-")),
      [],
      JSON.stringify(after),
    );
  });

  it("refuses malformed params with InvalidParams", async () => {
    await assert.rejects(client.request(AcceptLockRequest.method, { write: "yes" }), /write must be true or false/);
  });
});
