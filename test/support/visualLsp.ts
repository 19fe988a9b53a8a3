/**
 * Shared by the "see it" LSP tests (test/lsp/visual*.test.ts): one server per test file with the
 * fixture model, and helpers to read its pictures and previews back.
 */
import type { PreviewData } from "../../server/src/protocol/index.js";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before } from "node:test";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node.js";
import type { Hover, Position } from "vscode-languageserver-protocol";
import { parsePresetDocument, resolvePresets, type EqBand } from "../../server/src/core/index.js";
import { fixtureModelDir } from "./fixtureModel.js";
import { LspTestClient, SERVER_BUNDLE } from "./lspClient.js";
import { hoverText } from "./lspExpect.js";
import { expectedPoint, parseCurveSvg } from "./svgExpect.js";

export type PreviewResult = PreviewData;

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const networkLoaded = (notifications: { method: string; params: unknown }[]) =>
  notifications.some((n) => n.method === "eqpreset/modelStatus" && (n.params as { network: boolean }).network);

/**
 * One server per test file (started before its tests, stopped after): read `client` and
 * `modelDir` inside the tests, once `before` has run.
 */
export function useVisualClient(): { readonly client: LspTestClient; readonly modelDir: string } {
  const state = {} as { client: LspTestClient; modelDir: string };
  before(async () => {
    Object.assign(state, await startVisualClient());
  });
  after(async () => {
    await state.client.stop();
  });
  return state;
}

/** A server on the fixture model whose network has loaded. */
export async function startVisualClient(): Promise<{ client: LspTestClient; modelDir: string }> {
  const modelDir = await fixtureModelDir();
  const client = await LspTestClient.start({ modelPath: modelDir });
  await waitFor(() => networkLoaded(client.notifications), "the network");
  return { client, modelDir };
}

export async function hoverAt(client: LspTestClient, uri: string, position: Position): Promise<string> {
  return hoverText(await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position }));
}

export function previewAt(client: LspTestClient, uri: string, position: Position): Promise<PreviewResult | null> {
  return client.request<PreviewResult | null>("eqpreset/preview", { uri, position });
}

export function bandsOfText(text: string, presetIndex = 0): EqBand[] {
  const preset = resolvePresets(parsePresetDocument(text))[presetIndex]!;
  return preset.bands.map((band) => ({
    slot: band.slot.id,
    frequencyHz: band.frequencyHz!,
    gainDb: band.gainDb!,
    q: band.q,
  }));
}

export function expectMarkersAt(svg: string, bands: readonly { slot: string; frequencyHz: number; gainDb: number }[]) {
  const picture = parseCurveSvg(svg);
  assert.deepEqual(
    picture.markers.map((marker) => marker.slot),
    bands.map((band) => band.slot),
  );
  for (const band of bands) {
    const marker = picture.markers.find((candidate) => candidate.slot === band.slot)!;
    const expected = expectedPoint(picture, band.frequencyHz, band.gainDb);
    assert.ok(
      Math.abs(marker.cx - expected.x) <= 0.05 + 1e-9 && Math.abs(marker.cy - expected.y) <= 0.05 + 1e-9,
      `${band.slot}: ${JSON.stringify(marker)} vs ${JSON.stringify(expected)}`,
    );
  }
  return picture;
}

export const VO_CLEAN = `preset "VO clean" {
  lowshelf 120Hz -4dB
  bell 300Hz -2dB q 1.4
  bell 3kHz +2.5dB q 1
  bell 6.5kHz -3dB q 4
  highshelf 12kHz +1.5dB
  gain -1dB
}
`;

/**
 * A bare client for what the shared test client cannot say in its initialize request (inlay hint
 * refresh support, its name): records notifications, answers the server's requests with null, or
 * through `onRequest` handlers set before `initialize`.
 */
export async function startBareClient(
  modelDir: string,
  initialize: { clientInfo?: { name: string }; capabilities: object },
  onRequest: Record<string, (...args: unknown[]) => unknown> = {},
) {
  const child = spawn(process.execPath, [SERVER_BUNDLE, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const notifications: { method: string; params: unknown }[] = [];
  connection.onNotification((method: string, params: unknown) => notifications.push({ method, params }));
  for (const [method, handler] of Object.entries(onRequest)) connection.onRequest(method, handler);
  connection.onRequest((_method: string) => null);
  connection.listen();
  await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: null,
    ...initialize,
    initializationOptions: { modelPath: modelDir, validationDelay: 0 },
  });
  await connection.sendNotification("initialized", {});
  const open = (uri: string, text: string) =>
    connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "eqpreset", version: 1, text },
    });
  const stop = async () => {
    await connection.sendRequest("shutdown").catch(() => undefined);
    connection.dispose();
    child.kill();
  };
  return { connection, notifications, open, stop };
}
