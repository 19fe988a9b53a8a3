/**
 * Team words over a real LSP connection: a word tagged in a file that is not open is usable in a
 * morph of another file; editing or deleting the tags on disk moves the other file's diagnostics.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import type { CompletionItem, CompletionList, Diagnostic, Hover, MarkupContent } from "vscode-languageserver-protocol";
import { LspTestClient } from "../support/lspClient.js";

const root = mkdtempSync(path.join(tmpdir(), "eqp-team-lsp-"));
const kicks = path.join(root, "presets", "kicks.eqp");
const KICKS =
  'preset "Kick A" {\n  tags thwacky\n  lowshelf 90Hz +4dB\n  bell 3kHz +3dB q 1.5\n}\npreset "Kick B" {\n  tags thwacky\n  lowshelf 110Hz +3dB\n  bell 2.5kHz +4dB q 1.2\n}\n';
const SNARE = 'preset "Snare" {\n  morph thwacky\n}\n';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("team words in the language server", () => {
  let client: LspTestClient;
  const snareUri = pathToFileURL(path.join(root, "snare.eqp")).toString();
  const codes = () => (client.published.get(snareUri)?.diagnostics ?? []).map((d: Diagnostic) => String(d.code));

  before(async () => {
    mkdirSync(path.dirname(kicks), { recursive: true });
    writeFileSync(kicks, KICKS);
    client = await LspTestClient.start({ rootUri: pathToFileURL(root).toString() });
    await until("the network", async () =>
      client.notifications.some(
        (n) => n.method === "eqpreset/modelStatus" && (n.params as { network: boolean }).network,
      )
        ? true
        : undefined,
    );
  });

  after(async () => {
    await client?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("knows a word tagged in a file that is not open, and generates bands near its presets", async () => {
    await client.open(snareUri, SNARE);
    await until("thwacky to be known", async () => (codes().includes("unknown-word") ? undefined : true));
    assert.ok(!codes().includes("unknown-word"), codes().join(", "));
    const hover = await client.request<Hover | null>("textDocument/hover", {
      textDocument: { uri: snareUri },
      position: { line: 1, character: 9 },
    });
    const text = JSON.stringify(hover?.contents ?? "");
    assert.match(text, /thwacky/);
    assert.match(text, /2 (tagged presets|examples)/);
  });

  it("lists the presets that define a team word in its hover, as links to their tags, under its curve", async () => {
    const hover = await client.request<Hover | null>("textDocument/hover", {
      textDocument: { uri: snareUri },
      position: { line: 1, character: 9 },
    });
    const value = (hover?.contents as MarkupContent).value;
    const kicksUri = pathToFileURL(kicks).toString();
    assert.match(value, /team word, defined by 2 tagged presets/);
    assert.ok(
      value.includes(`: ["Kick A"](${kicksUri}#L2,8) (kicks.eqp:2), ["Kick B"](${kicksUri}#L7,8) (kicks.eqp:7).`),
      value,
    );
    // The picture comes first, as in the morph hover.
    assert.ok(value.startsWith("![Frequency response of 'thwacky'](data:image/svg+xml;base64,"), value.slice(0, 80));
  });

  it("labels the team word as team after `morph `", async () => {
    const uri = pathToFileURL(path.join(root, "completion.eqp")).toString();
    await client.open(uri, 'preset "C" {\n  morph \n}\n');
    const list = await client.request<CompletionItem[] | CompletionList | null>("textDocument/completion", {
      textDocument: { uri },
      position: { line: 1, character: 8 },
    });
    const items = Array.isArray(list) ? list : (list?.items ?? []);
    const team = items.find((item) => item.label === "thwacky");
    assert.ok(team, items.map((item) => item.label).join(", "));
    assert.match(team.labelDetails?.description ?? "", /^team · \w+ · 2 tagged presets$/);
    const warm = items.find((item) => item.label === "warm");
    assert.doesNotMatch(warm?.labelDetails?.description ?? "", /team/);
  });

  it("loses the word when its tags are deleted on disk", async () => {
    writeFileSync(kicks, KICKS.replaceAll("  tags thwacky\n", ""));
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", {
      changes: [{ uri: pathToFileURL(kicks).toString(), type: 2 }],
    });
    await until("the unknown-word error", async () => (codes().includes("unknown-word") ? true : undefined));
  });
});
