/**
 * Inputs a cloned repository can carry that used to throw out of the core (and, through the wasm
 * backend's rethrowing listeners, end the language server): a tags line of 150,000 words, 125,000
 * tagged examples of one word, and the backend's own process listeners.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collectTeamWords, readDocument, resolvePresets, parsePresetDocument } from "../../server/src/core/index.js";
import { initBackend } from "../../server/src/core/network/backend.js";

describe("the core survives what a workspace carries", () => {
  it("reads a tags line of 150,000 words", () => {
    const words = Array.from({ length: 150_000 }, (_, index) => `w${index}`);
    const text = `preset "P" {\n  tags ${words.join(" ")}\n  bell 1kHz +1dB\n}\n`;
    const [preset] = resolvePresets(parsePresetDocument(text));
    assert.equal(preset!.tags.length, 150_000);
    const team = collectTeamWords({
      documents: [{ file: "/w/p.eqp", meaning: readDocument(text) }],
      resolveBundled: () => undefined,
      isBundled: () => false,
    });
    assert.equal(team.size, 150_000);
  });

  it("makes a team word of 125,000 tagged examples", () => {
    const preset = (index: number) => `preset "P${index}" {\n  tags punchy\n  bell ${1000 + (index % 7)}Hz +2dB\n}\n`;
    const meaning = readDocument(Array.from({ length: 125_000 }, (_, index) => preset(index)).join(""));
    const team = collectTeamWords({
      documents: [{ file: "/w/p.eqp", meaning }],
      resolveBundled: () => undefined,
      isBundled: () => false,
    });
    assert.equal(team.get("punchy")?.examples.length, 125_000);
    assert.ok(team.get("punchy")?.outlier);
  });

  it("leaves no uncaughtException or unhandledRejection listener of the wasm backend behind", async () => {
    const before = [process.listenerCount("uncaughtException"), process.listenerCount("unhandledRejection")];
    await initBackend("wasm");
    assert.deepEqual([process.listenerCount("uncaughtException"), process.listenerCount("unhandledRejection")], before);
  });
});
