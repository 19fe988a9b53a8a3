/**
 * The server in a workspace that used to hang it, fill its memory or end it
 * (test/support/hostileWorkspace.ts, plus 3,000 presets to index): it indexes each file once,
 * answers hovers while it indexes and after, refuses to analyse a 50 MB document with one
 * diagnostic, and is still alive at the end. The worst hover latency is printed; the bound
 * asserted is generous (this is not a timing test, `npm run bench` measures speed).
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { BIG_FILE_BYTES, hostileWorkspace } from "../support/hostileWorkspace.js";
import { LspTestClient } from "../support/lspClient.js";

const root = hostileWorkspace("hostile-lsp");
// Untagged: the walk and the reads are measured here, not the rebuild of team words at the end.
const PRESET = (index: number) => `preset "P${index}" {\n  bell ${1000 + index}Hz +2dB\n}\n`;
let client: LspTestClient;

before(() => {
  mkdirSync(path.join(root, "many"));
  for (let index = 0; index < 3000; index++) writeFileSync(path.join(root, "many", `p${index}.eqp`), PRESET(index));
});
after(async () => {
  await client?.stop();
  rmSync(root, { recursive: true, force: true });
});

function indexed(): boolean {
  return client.notifications.some(
    ({ method, params }) =>
      method === "window/logMessage" && /workspace index: /.test((params as { message: string }).message),
  );
}

async function hoverLatency(uri: string): Promise<number> {
  const started = performance.now();
  const hover = await client.request<{ contents: unknown } | null>("textDocument/hover", {
    textDocument: { uri },
    position: { line: 2, character: 3 },
  });
  assert.ok(hover, "a hover on the bell");
  return performance.now() - started;
}

describe("the server in a hostile workspace", () => {
  it("answers hovers while indexing and after, and indexes each file once", async () => {
    client = await LspTestClient.start({ rootUri: pathToFileURL(root).toString() });
    const uri = pathToFileURL(path.join(root, "open.eqp")).toString();
    await client.open(uri, 'preset "Open" {\n  tags zzopen\n  bell 2kHz +1dB\n}\n');
    const during: number[] = [];
    const deadline = Date.now() + 120_000;
    while (!indexed() && Date.now() < deadline) during.push(await hoverLatency(uri));
    assert.ok(indexed(), `the index never ended; stderr: ${client.stderr}`);
    const afterward = [];
    for (let round = 0; round < 20; round++) afterward.push(await hoverLatency(uri));
    const worst = (list: number[]) => (list.length ? Math.max(...list).toFixed(1) : "none");
    console.log(
      `hover latency: worst ${worst(during)} ms over ${during.length} hovers while indexing, worst ${worst(afterward)} ms after`,
    );
    assert.ok(Math.max(...during, ...afterward) < 1000, "a hover waited over a second");
    const log = client.notifications.find(
      ({ method, params }) =>
        method === "window/logMessage" && /workspace index: /.test((params as { message: string }).message),
    );
    // 3,000 + a.eqp + b.eqp, each once: not once per link that leads back to the root.
    assert.match((log!.params as { message: string }).message, /workspace index: 3002 preset files/);
    assert.equal(client.process.exitCode, null);
  });

  it("refuses to analyse the 50 MB document with one diagnostic, and stays alive", async () => {
    const uri = pathToFileURL(path.join(root, "big.eqp")).toString();
    const text = readFileSync(path.join(root, "big.eqp"), "latin1");
    assert.equal(text.length, BIG_FILE_BYTES);
    const diagnostics = await client.open(uri, text);
    assert.deepEqual(
      diagnostics.map((diagnostic) => diagnostic.code),
      ["file-not-read"],
    );
    const started = performance.now();
    await hoverLatency(pathToFileURL(path.join(root, "open.eqp")).toString());
    console.log(`hover after opening the 50 MB document: ${(performance.now() - started).toFixed(1)} ms`);
    assert.equal(client.process.exitCode, null);
    assert.equal(client.process.signalCode, null);
  });
});
