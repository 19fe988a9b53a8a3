/** Langium-style helpers: a text with a `<|>` cursor, and what the server must answer there. */
import assert from "node:assert/strict";
import type { CompletionItem, Hover } from "vscode-languageserver-protocol";
import { withCursor, type LspTestClient } from "./lspClient.js";

let counter = 0;

export async function openWithCursor(client: LspTestClient, textWithMarker: string) {
  const { text, position } = withCursor(textWithMarker);
  const uri = client.uriFor(`doc-${++counter}.eqp`);
  const diagnostics = await client.open(uri, text);
  return { uri, text, position, diagnostics };
}

export function hoverText(hover: Hover | null): string {
  if (!hover) return "";
  const contents = hover.contents;
  if (typeof contents === "string") return contents;
  if (Array.isArray(contents)) return contents.map((part) => (typeof part === "string" ? part : part.value)).join("\n");
  return contents.value;
}

export async function expectHover(
  client: LspTestClient,
  textWithMarker: string,
  ...expected: (string | RegExp)[]
): Promise<string> {
  const { uri, position } = await openWithCursor(client, textWithMarker);
  const hover = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position });
  const text = hoverText(hover);
  assert.ok(hover, `no hover at ${JSON.stringify(position)}`);
  for (const item of expected) {
    if (typeof item === "string") assert.ok(text.includes(item), `hover lacks ${JSON.stringify(item)}:\n${text}`);
    else assert.match(text, item);
  }
  return text;
}

export async function expectCompletion(
  client: LspTestClient,
  textWithMarker: string,
  expected: string[],
  unexpected: string[] = [],
): Promise<CompletionItem[]> {
  const { uri, position } = await openWithCursor(client, textWithMarker);
  const result = await client.request<CompletionItem[] | { items: CompletionItem[] } | null>(
    "textDocument/completion",
    { textDocument: { uri }, position },
  );
  const items = Array.isArray(result) ? result : (result?.items ?? []);
  const labels = items.map((item) => item.label);
  for (const label of expected) assert.ok(labels.includes(label), `completion lacks ${label}: ${labels.join(", ")}`);
  for (const label of unexpected)
    assert.ok(!labels.includes(label), `completion should not offer ${label}: ${labels.join(", ")}`);
  return items;
}
