/**
 * The preview panel's page in a real browser: Debian's Chromium, headless, driven by
 * playwright-core. The page is the real one (html.ts + dist/preview.js, built here with
 * `node esbuild.mjs`), the data is the real language server's answer to `eqpreset/preview`, and
 * everything asserted about audio is read back from the Web Audio nodes or measured on rendered
 * samples, not taken from the page's own bookkeeping.
 *
 * Needs Chromium (/usr/bin/chromium, or EQP_CHROMIUM): `bash scripts/setup-code-server.sh`
 * installs it. Without it the tests are skipped with a loud message, or fail when
 * EQP_REQUIRE_E2E=1 (set that in CI).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import type { Page } from "playwright-core";
import wavefile from "wavefile";
import { contentSecurityPolicy } from "../../client/src/preview/html.js";
import type { AuditionState } from "../../client/src/preview/page/audition.js";
import type { ChainState } from "../../client/src/preview/page/chain.js";
import { levelAt } from "../../client/src/preview/page/curve.js";
import { loudnessMatchDb } from "../../client/src/preview/page/loudness.js";
import type { PreviewData } from "../../client/src/preview/protocol.js";
import { displayFrequency, displayGain } from "../../server/src/core/language/index.js";
import {
  CHROMIUM,
  launchChromium,
  openPreviewPage,
  ROOT,
  startPreviewSite,
  type PreviewBrowser,
  type PreviewPage,
  type PreviewSite,
} from "./support/previewSite.js";
import { previewsFromServer, type PresetName } from "./support/serverPreviews.js";

const required = process.env["EQP_REQUIRE_E2E"] === "1";
const missing = existsSync(CHROMIUM) ? undefined : `Chromium is not installed (expected ${CHROMIUM})`;
const howToInstall = "install it with `bash scripts/setup-code-server.sh` (or set EQP_CHROMIUM)";
if (missing && !required) {
  const line = "=".repeat(100);
  console.warn(
    `\n${line}\nSKIPPING the preview page's browser tests: ${missing}.\n${howToInstall} (set EQP_REQUIRE_E2E=1 to make this a failure)\n${line}\n`,
  );
}

/** The page's test hook, window.__eqpPreview (see client/src/preview/page/main.ts). */
interface PreviewHook {
  data(): PreviewData | undefined;
  matchGainDb(): number | undefined;
  chain(): ChainState | undefined;
  chainResponseDb(frequencies: number[]): number[] | undefined;
  audition(): AuditionState;
  levelDb(): number;
  measureGainDb(frequencyHz: number, bypassed: boolean): Promise<number>;
}
type HookWindow = Window & { __eqpPreview: PreviewHook };

// Each runs inside the page (playwright serialises the function), on the page's own hook.
const chainOf = (page: Page) => page.evaluate(() => (window as unknown as HookWindow).__eqpPreview.chain());
const auditionOf = (page: Page) => page.evaluate(() => (window as unknown as HookWindow).__eqpPreview.audition());
const chainResponseOf = (page: Page, frequencies: number[]) =>
  page.evaluate((grid) => (window as unknown as HookWindow).__eqpPreview.chainResponseDb(grid), frequencies);
const measure = (page: Page, frequencyHz: number, bypassed: boolean) =>
  page.evaluate(
    ([frequency, bypass]) => (window as unknown as HookWindow).__eqpPreview.measureGainDb(frequency, bypass),
    [frequencyHz, bypassed] as const,
  );

/** AudioParams hold single-precision floats. */
function assertParam(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-5 * Math.max(1, Math.abs(expected)),
    `${what}: the node holds ${actual}, the preset says ${expected}`,
  );
}

/** The filters as the preset says, read back from the nodes; empty slots at 0 dB. */
function assertChainMatches(chain: ChainState | undefined, data: PreviewData): void {
  assert.ok(chain, "the page has no audio chain");
  assertParam(chain.outputGainDb, data.outputGainDb, "output gain (dB)");
  for (const filter of chain.filters) {
    const band = data.bands.find((candidate) => candidate.slot === filter.slot);
    assert.equal(filter.active, band !== undefined, `${filter.slot}: active`);
    if (!band) {
      assert.equal(filter.gainDb, 0, `${filter.slot} is not in the preset, so its node should be at 0 dB`);
      continue;
    }
    assert.equal(filter.type, band.type, `${filter.slot}: node type`);
    assertParam(filter.frequencyHz, band.frequencyHz, `${filter.slot} frequency`);
    assertParam(filter.gainDb, band.gainDb, `${filter.slot} gain`);
    assertParam(filter.q, band.q, `${filter.slot} Q`);
  }
}

/** The path's points back in Hz and dB, through the scales the SVG states. */
async function curvePoints(page: Page): Promise<{ hz: number; db: number }[]> {
  const svg = await page.evaluate(() => {
    const element = document.querySelector("#curve svg");
    const path = element?.querySelector("path.response");
    if (!element || !path) return undefined;
    return {
      d: path.getAttribute("d") ?? "",
      plot: element.getAttribute("data-plot") ?? "",
      dbTop: Number(element.getAttribute("data-db-top")),
      dbBottom: Number(element.getAttribute("data-db-bottom")),
      lowHz: Number(element.getAttribute("data-low-hz")),
      highHz: Number(element.getAttribute("data-high-hz")),
    };
  });
  assert.ok(svg, "no curve (svg with path.response) in #curve");
  const [left, top, width, height] = svg.plot.split(" ").map(Number) as [number, number, number, number];
  const points = [...svg.d.matchAll(/[ML]\s*(-?[\d.]+)\s+(-?[\d.]+)/g)].map((match) => ({
    x: Number(match[1]),
    y: Number(match[2]),
  }));
  return points.map(({ x, y }) => ({
    hz: svg.lowHz * Math.pow(svg.highHz / svg.lowHz, (x - left) / width),
    db: svg.dbTop - ((y - top) / height) * (svg.dbTop - svg.dbBottom),
  }));
}

async function showPreset(preview: PreviewPage, data: PreviewData): Promise<void> {
  await preview.send({ type: "preview", data });
  await preview.page.waitForFunction(
    (name) => document.getElementById("preset-name")?.textContent === name,
    data.presetName,
  );
}

async function assertNoProblems(preview: PreviewPage): Promise<void> {
  assert.deepEqual(await preview.problems(), [], "console errors, uncaught exceptions or CSP violations on the page");
}

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

describe("the preview panel's page in Chromium", () => {
  if (missing) {
    it("needs Chromium", { skip: required ? false : `SKIPPED: ${missing}: ${howToInstall}` }, () => {
      assert.fail(`${missing}: ${howToInstall} (EQP_REQUIRE_E2E=1 makes this a failure)`);
    });
    return;
  }

  let previews: Record<PresetName, PreviewData>;
  let site: PreviewSite;
  let chromium: PreviewBrowser;
  let preview: PreviewPage;

  before(async () => {
    // The real bundles: the page script, and the server that answers eqpreset/preview.
    const build = spawnSync(process.execPath, ["esbuild.mjs"], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    assert.equal(build.status, 0, `node esbuild.mjs failed:\n${build.stdout}\n${build.stderr}`);
    previews = await previewsFromServer();
    site = await startPreviewSite();
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await site?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    preview = await openPreviewPage(chromium.browser, site);
  });
  afterEach(async () => {
    await preview?.close();
  });

  it("loads under the strict Content-Security-Policy and tells the extension it is ready", async () => {
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

  it("A/B: bypass routes around the filters at the loudness-matched level, and switching back restores the EQ", async () => {
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

  it("drops messages that do not fit the protocol, reports them, and never renders text as markup", async () => {
    const data = previews["VO clean"];
    await preview.send({
      type: "preview",
      data: { ...data, bands: [{ slot: "bell9", type: "peaking", frequencyHz: 1000, gainDb: 3, q: 1 }] },
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
