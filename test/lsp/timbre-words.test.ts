/**
 * Timbre words first (issue 21): after `morph ` the list holds words that describe a sound; sad,
 * love, cat and rock come only once the user types, after every timbre word, and stay valid.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CompletionItem } from "vscode-languageserver-protocol";
import { isTimbreWord } from "../../server/src/core/index.js";
import { LspTestClient } from "../support/lspClient.js";
import { expectCompletion, openWithCursor } from "../support/lspExpect.js";

let client: LspTestClient;
before(async () => {
  client = await LspTestClient.start();
});
after(async () => {
  await client.stop();
});

/** The labels in the order the editor shows them. */
function ordered(items: CompletionItem[]): string[] {
  return [...items]
    .sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label))
    .map((item) => item.label);
}

describe("LSP: timbre words first", () => {
  it("offers only timbre words after `morph `", async () => {
    const items = await expectCompletion(
      client,
      "morph <|>",
      ["warm", "harsh", "thin", "muffled", "boxy"],
      ["sad", "happy", "love", "rock", "cat", "fast"],
    );
    assert.ok(items.length >= 50, `${items.length} words`);
    for (const label of ordered(items)) assert.ok(isTimbreWord(label), label);
  });

  it("offers the other words once typed, after every timbre word", async () => {
    const items = await expectCompletion(client, "morph s<|>", ["sad", "sharp", "smooth"]);
    const labels = ordered(items);
    const firstOther = labels.findIndex((label) => !isTimbreWord(label));
    assert.ok(firstOther > 0, labels.join(", "));
    assert.ok(
      labels.slice(firstOther).every((label) => !isTimbreWord(label)),
      labels.join(", "),
    );
  });

  it("keeps the other words valid in files", async () => {
    const { diagnostics } = await openWithCursor(client, 'preset "A" {\n  morph sad 0.5 rock 0.2<|>\n}\n');
    assert.deepEqual(
      diagnostics.filter((diagnostic) => diagnostic.severity === 1),
      [],
    );
  });
});
