/**
 * The preview page's audio in Chromium (setup as in preview-page.test.ts): A/B against the
 * loudness-matched dry signal, the bundled loop through the chain and its filters gliding to a new
 * preset, and a file the user picks. Gains are measured on rendered samples, not read from the
 * page's bookkeeping.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import wavefile from "wavefile";
import { levelAt } from "../../client/src/preview/page/curve.js";
import { loudnessMatchDb } from "../../client/src/preview/page/loudness.js";
import {
  assertChainMatches,
  assertNoProblems,
  assertParam,
  auditionOf,
  chainOf,
  measure,
  showPreset,
  type HookWindow,
} from "./support/pageHooks.js";
import { usePreviewSuite } from "./support/previewSuite.js";

let workDir: string | undefined;
function tempFile(name: string, contents: Uint8Array): string {
  workDir ??= mkdtempSync(path.join(tmpdir(), "eqp-browser-files-"));
  const file = path.join(workDir, name);
  writeFileSync(file, contents);
  return file;
}

/** A stereo 44.1 kHz 16-bit WAV of a 440 Hz tone: a file "the user picks". */
function toneWav(seconds: number): Uint8Array {
  const rate = 44_100;
  const channel = Int16Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * 440 * i) / rate)),
  );
  const wav = new wavefile.WaveFile();
  wav.fromScratch(2, rate, "16", [channel, channel]);
  return wav.toBuffer();
}

describe("the preview panel's audio in Chromium", () => {
  const suite = usePreviewSuite();
  if (!suite) return;
  after(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("A/B: bypass routes around the filters at the loudness-matched level, and switching back restores the EQ", async () => {
    const { previews, preview } = suite;
    const data = previews["VO clean"];
    await showPreset(preview, data);
    const match = loudnessMatchDb(data.frequencies, data.responseDb);
    assert.ok(Math.abs(match) > 0.1, `the fixture should need a loudness match (it needs ${match} dB)`);

    // A sine through the chain comes out changed by the curve at its frequency...
    for (const frequency of [120, 3000]) {
      const gain = await measure(preview.page, frequency, false);
      const expected = levelAt(data.frequencies, data.responseDb, frequency);
      assert.ok(
        Math.abs(gain - expected) < 0.1,
        `EQ on, ${frequency} Hz: measured ${gain} dB, the curve says ${expected} dB`,
      );
    }

    await preview.page.click("#bypass");
    assert.equal(await preview.page.locator("#bypass").getAttribute("aria-pressed"), "true");
    const bypassed = await chainOf(preview.page);
    assert.ok(bypassed?.bypassed);
    assert.equal(bypassed.wetLevel, 0, "bypassed, the EQ'd path is closed");
    assertParam(bypassed.dryLevel, Math.pow(10, match / 20), "bypassed, the dry path's gain (the loudness match)");
    // ...and bypassed, every frequency comes out at the loudness match: the filters are out of the path.
    for (const frequency of [120, 3000, 6500]) {
      const gain = await measure(preview.page, frequency, true);
      assert.ok(
        Math.abs(gain - match) < 0.02,
        `bypassed, ${frequency} Hz: measured ${gain} dB, expected the match ${match} dB`,
      );
    }
    assert.deepEqual(
      await preview.page.evaluate(() => (window as unknown as { __vscodeState(): unknown }).__vscodeState()),
      { bypassed: true },
      "the A/B setting is kept in the webview state",
    );

    await preview.page.click("#bypass");
    const restored = await chainOf(preview.page);
    assert.equal(restored?.bypassed, false);
    assert.equal(restored.wetLevel, 1);
    assert.equal(restored.dryLevel, 0);
    assertChainMatches(restored, data);
    const gain = await measure(preview.page, 3000, false);
    assert.ok(
      Math.abs(gain - levelAt(data.frequencies, data.responseDb, 3000)) < 0.1,
      `EQ back on, 3 kHz: measured ${gain} dB`,
    );
    await assertNoProblems(preview);
  });

  it("plays the bundled loop through the chain, and glides the filters to a new preset while playing", async () => {
    const { previews, preview } = suite;
    const voice = previews["VO clean"];
    await showPreset(preview, voice);
    await preview.page.click("#play");
    await preview.page.waitForFunction(() => (window as unknown as HookWindow).__eqpPreview.audition().playing);
    const playing = await auditionOf(preview.page);
    assert.equal(playing.contextState, "running");
    assert.equal(playing.source?.kind, "loop");
    assert.ok(
      Math.abs((playing.source?.durationS ?? 0) - 4) < 0.01,
      `the loop lasts ${playing.source?.durationS} s, expected 4 s`,
    );
    assert.equal(playing.source?.channels, 1);
    assert.equal(await preview.page.locator("#play").innerText(), "Stop");
    // Time runs and sound comes out of the chain (the analyser sits after it).
    await preview.page.waitForFunction(
      (start) => (window as unknown as HookWindow).__eqpPreview.audition().currentTime > start + 0.25,
      playing.currentTime,
    );
    await preview.page.waitForFunction(() => (window as unknown as HookWindow).__eqpPreview.levelDb() > -40);

    // While playing, a new preset glides in and the nodes arrive at its values.
    const radio = previews["Radio chatter"];
    await showPreset(preview, radio);
    await preview.page.waitForFunction(
      // No local functions in here: the page gets this function's source text only.
      (expected) => {
        const chain = (window as unknown as HookWindow).__eqpPreview.chain();
        if (
          !chain ||
          Math.abs(chain.outputGainDb - expected.outputGainDb) > 1e-5 * Math.max(1, Math.abs(expected.outputGainDb))
        )
          return false;
        return chain.filters.every((filter) => {
          const band = expected.bands.find((candidate) => candidate.slot === filter.slot);
          if (!band) return Math.abs(filter.gainDb) < 1e-5;
          return (
            Math.abs(filter.gainDb - band.gainDb) <= 1e-5 * Math.max(1, Math.abs(band.gainDb)) &&
            Math.abs(filter.frequencyHz - band.frequencyHz) <= 1e-5 * band.frequencyHz &&
            Math.abs(filter.q - band.q) <= 1e-5 * Math.max(1, band.q)
          );
        });
      },
      { bands: radio.bands, outputGainDb: radio.outputGainDb },
    );
    assertChainMatches(await chainOf(preview.page), radio);
    assert.ok((await auditionOf(preview.page)).playing, "the new preset did not interrupt the audition");

    await preview.page.click("#play");
    await preview.page.waitForFunction(() => !(window as unknown as HookWindow).__eqpPreview.audition().playing);
    assert.equal((await auditionOf(preview.page)).contextState, "suspended", "a stopped audition suspends its context");
    assert.equal(await preview.page.locator("#play").innerText(), "Play");
    await assertNoProblems(preview);
  });

  it("plays an audio file the user picks, and says so when a file is not audio", async () => {
    const { previews, preview } = suite;
    await showPreset(preview, previews["VO clean"]);
    await preview.page.setInputFiles("#file", tempFile("tone.wav", toneWav(1.5)));
    await preview.page.waitForFunction(
      () => (window as unknown as HookWindow).__eqpPreview.audition().source?.kind === "file",
    );
    const picked = await auditionOf(preview.page);
    assert.equal(picked.source?.name, "tone.wav");
    assert.equal(picked.source?.channels, 2);
    assert.ok(
      Math.abs((picked.source?.durationS ?? 0) - 1.5) < 0.01,
      `the file lasts ${picked.source?.durationS} s, expected 1.5 s`,
    );
    assert.match(await preview.page.locator("#source").innerText(), /tone\.wav/);

    await preview.page.click("#play");
    await preview.page.waitForFunction(() => (window as unknown as HookWindow).__eqpPreview.levelDb() > -40);
    assert.equal((await auditionOf(preview.page)).source?.name, "tone.wav");
    await preview.page.click("#use-loop");
    await preview.page.waitForFunction(
      () => (window as unknown as HookWindow).__eqpPreview.audition().source?.kind === "loop",
    );
    assert.ok((await auditionOf(preview.page)).playing, "switching sources does not stop the audition");
    await preview.page.click("#play");

    await preview.page.setInputFiles("#file", {
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("these are not samples"),
    });
    await preview.page.waitForFunction(() => document.getElementById("audition-status")?.dataset["kind"] === "error");
    assert.match(await preview.page.locator("#audition-status").innerText(), /could not decode notes\.txt/);
    assert.equal(
      (await auditionOf(preview.page)).sourceKind,
      "loop",
      "a file that fails to decode does not replace the source",
    );
    await assertNoProblems(preview);
  });
});
