/**
 * The preview panel's page in a real browser: Debian's Chromium, headless, driven by
 * playwright-core. The page is the real one (html.ts + dist/preview.js, built here with
 * `node esbuild.mjs`), the data is the real language server's answer to `eqpreset/preview`, and
 * everything asserted about audio is read back from the Web Audio nodes or measured on rendered
 * samples, not taken from the page's own bookkeeping. This file: the policy, the curve, the
 * filters and the protocol; preview-audio.test.ts plays it, preview-editor.test.ts edits with it.
 *
 * Needs Chromium (/usr/bin/chromium, or EQP_CHROMIUM): `bash scripts/setup-code-server.sh`
 * installs it. Without it the tests are skipped with a loud message, or fail when
 * EQP_REQUIRE_E2E=1 (set that in CI).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contentSecurityPolicy } from "../../client/src/preview/html.js";
import { displayFrequency, displayGain } from "../../server/src/core/language/index.js";
import {
  assertChainMatches,
  assertNoProblems,
  chainOf,
  chainResponseOf,
  curvePoints,
  showPreset,
} from "./support/pageHooks.js";
import { usePreviewSuite } from "./support/previewSuite.js";

describe("the preview panel's page in Chromium", () => {
  const suite = usePreviewSuite();
  if (!suite) return;

  it("loads under the strict Content-Security-Policy and tells the extension it is ready", async () => {
    const { site, preview } = suite;
    const nonce = site.lastNonce();
    assert.ok(nonce);
    const policy = await preview.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    assert.equal(policy, contentSecurityPolicy(site.cspSource, nonce));
    assert.match(policy ?? "", /^default-src 'none'; /);
    assert.doesNotMatch(policy ?? "", /unsafe-inline|unsafe-eval|\*|https?:\/\/(?!127\.0\.0\.1)/);
    assert.equal(await preview.page.locator("script").evaluate((script) => (script as HTMLScriptElement).nonce), nonce);
    assert.deepEqual(await preview.posted(), [{ type: "ready" }]);
    assert.equal(await chainOf(preview.page), undefined, "no audio chain before the first preset");
    await assertNoProblems(preview);
  });

  it("draws the response curve the server computed, one point per frequency, and a marker per band", async () => {
    const { previews, preview } = suite;
    const data = previews["VO clean"];
    await showPreset(preview, data);
    const points = await curvePoints(preview.page);
    assert.equal(points.length, data.frequencies.length);
    points.forEach((point, i) => {
      assert.ok(
        Math.abs(point.hz / data.frequencies[i]! - 1) < 1e-3,
        `point ${i} is at ${point.hz} Hz, the response's at ${data.frequencies[i]} Hz`,
      );
      assert.ok(
        Math.abs(point.db - data.responseDb[i]!) < 0.01,
        `point ${i} is at ${point.db} dB, the response is ${data.responseDb[i]} dB`,
      );
    });

    const markers = await preview.page.locator("#curve .band-marker").evaluateAll((groups) =>
      groups.map((group) => ({
        slot: group.getAttribute("data-slot"),
        frequency: Number(group.getAttribute("data-frequency")),
        label: group.querySelector("text")?.textContent,
      })),
    );
    assert.deepEqual(
      markers.map((marker) => marker.slot),
      data.bands.map((band) => band.slot),
    );
    assert.deepEqual(
      markers.map((marker) => marker.label),
      ["LS", "B1", "B2", "B3", "HS"],
    );

    const rows = await preview.page
      .locator("#bands tbody tr")
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (cell) => cell.textContent)));
    assert.equal(rows.length, data.bands.length);
    data.bands.forEach((band, i) => {
      assert.equal(rows[i]![2], displayFrequency(band.frequencyHz));
      assert.equal(rows[i]![3], displayGain(band.gainDb));
    });
    assert.match(await preview.page.locator("#preset-facts").innerText(), /48 kHz · 5 bands · line 3/);
    await assertNoProblems(preview);
  });

  it("sets each BiquadFilterNode to the preset's band, and their own response matches the server's", async () => {
    const { previews, preview } = suite;
    // Bells only: Web Audio's peaking filter is the RBJ cookbook's, so the curves agree exactly.
    const bells = previews["Bells only"];
    await showPreset(preview, bells);
    const bellChain = await chainOf(preview.page);
    assertChainMatches(bellChain, bells);
    assert.equal(bellChain?.sampleRate, bells.sampleRate, "the AudioContext runs at the preset's sample rate");
    const bellResponse = await chainResponseOf(preview.page, bells.frequencies);
    assert.ok(bellResponse);
    const bellError = Math.max(...bellResponse.map((db, i) => Math.abs(db - bells.responseDb[i]!)));
    assert.ok(bellError < 0.01, `the nodes' response differs from the server's by up to ${bellError} dB`);

    // Shelves: Web Audio's use slope 1 (Q 0.7071) where SAFE's use Q 0.71: a few hundredths of a dB.
    const voice = previews["VO clean"];
    await showPreset(preview, voice);
    assertChainMatches(await chainOf(preview.page), voice);
    const voiceResponse = await chainResponseOf(preview.page, voice.frequencies);
    assert.ok(voiceResponse);
    const voiceError = Math.max(...voiceResponse.map((db, i) => Math.abs(db - voice.responseDb[i]!)));
    assert.ok(
      voiceError < 0.05,
      `with shelves, the nodes' response differs from the server's by up to ${voiceError} dB`,
    );

    // Fewer bands: the empty slots' nodes go to 0 dB; a new sample rate gets a new context.
    const radio = previews["Radio chatter"];
    await showPreset(preview, radio);
    assertChainMatches(await chainOf(preview.page), radio);
    const bass = previews["Bass stem"];
    await showPreset(preview, bass);
    const bassChain = await chainOf(preview.page);
    assertChainMatches(bassChain, bass);
    assert.equal(bassChain?.sampleRate, 96_000);
    await assertNoProblems(preview);
  });

  it("drops messages that do not fit the protocol, reports them, and never renders text as markup", async () => {
    const { previews, preview } = suite;
    const data = previews["VO clean"];
    await preview.send({
      type: "preview",
      data: { ...data, bands: [{ key: "bell9", slot: "bell9", type: "peaking", frequencyHz: 1000, gainDb: 3, q: 1 }] },
    });
    await preview.send({ type: "preview", data: { ...data, responseDb: data.responseDb.slice(1) } });
    await preview.send({ type: "run", code: "alert(1)" });
    await preview.page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length === 4);
    const problems = (await preview.posted()).slice(1) as { type: string; message: string }[];
    assert.deepEqual(
      problems.map((problem) => problem.type),
      ["problem", "problem", "problem"],
    );
    assert.match(problems[0]!.message, /bands\[0\]\.slot/);
    assert.match(problems[1]!.message, /responseDb/);
    assert.match(problems[2]!.message, /unknown message type "run"/);
    assert.equal(
      await preview.page.locator("#preset-name").innerText(),
      "EQ preview",
      "nothing of a rejected preview is shown",
    );
    assert.equal(await chainOf(preview.page), undefined, "nothing of a rejected preview reaches the audio chain");

    const hostile = "<img src=x onerror=alert(1)>";
    await showPreset(preview, { ...data, presetName: hostile });
    assert.equal(await preview.page.locator("img").count(), 0);
    assert.equal(await preview.page.locator("#preset-name").textContent(), hostile);

    await preview.send({
      type: "status",
      kind: "empty",
      message: "No preset at line 12 of voice.eqp: put the cursor inside a preset.",
    });
    await preview.page.waitForFunction(() => document.body.classList.contains("stale"));
    assert.equal(
      await preview.page.locator("#status").innerText(),
      "No preset at line 12 of voice.eqp: put the cursor inside a preset.",
    );
    assert.equal(await preview.page.locator("#status").getAttribute("data-kind"), "empty");
    await showPreset(preview, data);
    assert.equal(await preview.page.evaluate(() => document.body.classList.contains("stale")), false);
    await assertNoProblems(preview);
  });

  it("the policy is enforced: no inline script runs, no fetch leaves the extension's resources", async () => {
    const { site, preview } = suite;
    const blocked = await preview.page.evaluate(async (allowed) => {
      const script = document.createElement("script");
      script.textContent = "window.__inlineRan = true;";
      document.body.append(script);
      let otherOrigin = "fetched";
      try {
        await fetch(location.href);
      } catch {
        otherOrigin = "blocked";
      }
      const resource = await fetch(`${allowed}/media/loop.wav`);
      return {
        inlineRan: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true,
        otherOrigin,
        resource: resource.status,
      };
    }, site.cspSource);
    assert.deepEqual(blocked, { inlineRan: false, otherOrigin: "blocked", resource: 200 });
    const violations = await preview.page.evaluate(
      () => (window as unknown as { __cspViolations: string[] }).__cspViolations,
    );
    assert.ok(
      violations.some((violation) => violation.startsWith("script-src-elem blocked inline")),
      `violations: ${violations.join("; ")}`,
    );
    assert.ok(
      violations.some((violation) => violation.startsWith("connect-src blocked http://localhost")),
      `violations: ${violations.join("; ")}`,
    );
  });
});
