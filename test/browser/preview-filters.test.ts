/**
 * The filters around SAFE's five in the preview page, in Chromium (setup in support/previewSuite.ts):
 * each high-pass, low-pass, notch and added bell has its own handle and table row (told apart by
 * its key), is heard (the core's biquads in IIRFilterNodes, measured against the server's curve),
 * and is dragged as its kind allows: a pass filter's or notch's frequency only, an added bell's
 * frequency and gain, a notch's and a bell's Q with the wheel. A used preset's bands are listed,
 * heard and bypassable too, but have no handle.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import { levelAt } from "../../client/src/preview/page/curve.js";
import { assertChainMatches, chainOf, chainResponseOf, curvePoints, measure, showPreset } from "./support/pageHooks.js";
import type { PreviewPage } from "./support/previewSite.js";
import { usePreviewSuite } from "./support/previewSuite.js";

interface Edit {
  type: "edit";
  version: number;
  key: string;
  slot: string;
  frequencyHz: number;
  gainDb: number;
  q: number;
}
const edits = async (preview: PreviewPage) =>
  (await preview.posted()).filter((message) => (message as { type: string }).type === "edit") as Edit[];

async function handleCentre(page: Page, key: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(`#curve .handle[data-key="${key}"] circle.grip`).boundingBox();
  assert.ok(box, `no handle for ${key}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function drag(page: Page, key: string, dx: number, dy: number): Promise<void> {
  const start = await handleCentre(page, key);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  for (let step = 1; step <= 4; step++) await page.mouse.move(start.x + (step * dx) / 4, start.y + (step * dy) / 4);
  await page.mouse.up();
}

describe("the filters around the five in the preview page, in Chromium", () => {
  const suite = usePreviewSuite({
    async opened({ preview, previews }) {
      await preview.page.setViewportSize({ width: 900, height: 900 });
      await preview.send({ type: "preview", data: previews["Radio band"] });
      await preview.page.waitForSelector('#curve .handle[data-key="chain-3"]');
    },
    async closing({ preview }) {
      assert.deepEqual(await preview.problems(), [], "console errors or CSP violations on the page");
    },
  });
  if (!suite) return;

  it("draws a handle and a table row per filter, and plays each one as the curve says", async () => {
    const { previews, preview } = suite;
    const page = preview.page;
    const data = previews["Radio band"];
    const keys = await page
      .locator("#curve .handle")
      .evaluateAll((handles) =>
        handles.map((handle) => [handle.getAttribute("data-key"), handle.getAttribute("data-slot")]),
      );
    assert.deepEqual(keys, [
      ["bell1", "bell1"],
      ["bell2", "bell2"],
      ["bell3", "bell3"],
      ["chain-0", "highpass"],
      ["chain-1", "bell"],
      ["chain-2", "notch"],
      ["chain-3", "lowpass"],
    ]);
    assert.equal(await page.locator('#bands tr[data-key="chain-0"] th').textContent(), "High-pass 24 dB/oct");
    assert.equal(await page.locator('#bands tr[data-key="chain-1"] th').textContent(), "Added bell");
    const chain = await chainOf(page);
    assert.deepEqual(
      chain!.extras.map((extra) => [extra.key, extra.sections]),
      [
        ["chain-0", 2],
        ["chain-1", 1],
        ["chain-2", 1],
        ["chain-3", 1],
      ],
      "a 24 dB/oct Butterworth is two sections",
    );
    // What the nodes do is what the server drew (single-precision nodes: 0.05 dB).
    const grid = [150, 300, 700, 1000 * 1.05, 2000, 3000, 3400, 6000];
    const played = (await chainResponseOf(page, grid))!;
    grid.forEach((hz, i) => {
      const drawn = levelAt(data.frequencies, data.responseDb, hz);
      assert.ok(Math.abs(played[i]! - drawn) < 0.15, `${hz} Hz: the nodes give ${played[i]} dB, the curve ${drawn} dB`);
    });
    // And on samples: the high-pass takes 100 Hz far down, 1.5 kHz passes.
    assert.ok((await measure(page, 100, false)) < -30);
    assert.ok(Math.abs((await measure(page, 1500, false)) - levelAt(data.frequencies, data.responseDb, 1500)) < 0.3);
  });

  it("a pass filter's handle moves its corner only; a notch's only its frequency, the wheel its Q", async () => {
    const { previews, preview } = suite;
    const page = preview.page;
    await drag(page, "chain-0", 40, -60);
    const [highpass] = await edits(preview);
    assert.equal(highpass!.key, "chain-0");
    assert.equal(highpass!.slot, "highpass");
    assert.equal(highpass!.version, previews["Radio band"].version);
    assert.ok(highpass!.frequencyHz > 300 * 1.2, `corner ${highpass!.frequencyHz}`);
    assert.equal(highpass!.gainDb, 0, "a pass filter has no gain to drag");

    await drag(page, "chain-2", -20, 50);
    const notch = (await edits(preview)).at(-1)!;
    assert.deepEqual([notch.key, notch.slot, notch.gainDb, notch.q], ["chain-2", "notch", 0, 10]);
    assert.ok(notch.frequencyHz < 1000, `notch ${notch.frequencyHz}`);

    const before = (await edits(preview)).length;
    const centre = await handleCentre(page, "chain-2");
    await page.mouse.move(centre.x, centre.y);
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -100);
    await page.waitForFunction(
      (count) =>
        (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === "edit").length >
        count,
      before,
    );
    const wheeled = (await edits(preview)).at(-1)!;
    assert.equal(wheeled.key, "chain-2");
    assert.ok(wheeled.q > 10 * 1.3, `notch Q ${wheeled.q}`);

    const lowpass = await handleCentre(page, "chain-3");
    await page.mouse.move(lowpass.x, lowpass.y);
    await page.mouse.wheel(0, -100);
    await page.waitForTimeout(600);
    assert.equal((await edits(preview)).length, before + 1, "no Q edit for a pass filter: its slope sets it");
  });

  it("an added bell drags like SAFE's bells: frequency and gain, the wheel its Q", async () => {
    const { preview } = suite;
    const page = preview.page;
    await drag(page, "chain-1", 30, -40);
    const [bell] = await edits(preview);
    assert.deepEqual([bell!.key, bell!.slot], ["chain-1", "bell"]);
    assert.ok(bell!.frequencyHz > 700 && bell!.gainDb > 4.5, JSON.stringify(bell));
    assert.equal(bell!.q, 2);
  });

  it("bypassing a filter takes it out of the sound and of the drawn curve", async () => {
    const { previews, preview } = suite;
    const page = preview.page;
    const data = previews["Radio band"];
    await page.locator('#bands tr[data-key="chain-0"] button', { hasText: "Bypass" }).click();
    const chain = await chainOf(page);
    assert.deepEqual(
      chain!.extras.find((extra) => extra.key === "chain-0"),
      { key: "chain-0", slot: "highpass", heard: false, sections: 0 },
    );
    assert.ok((await measure(page, 100, false)) > -3, "without the high-pass, 100 Hz is heard");
    const drawn = await curvePoints(page);
    const at100 = drawn.reduce((best, point) =>
      Math.abs(Math.log(point.hz / 100)) < Math.abs(Math.log(best.hz / 100)) ? point : best,
    );
    assert.ok(at100.db > -3, `the drawn curve at 100 Hz is ${at100.db} dB: it shows the high-pass gone`);
    assert.ok(levelAt(data.frequencies, data.responseDb, 100) < -20, "the preset's own curve is far lower there");
    assert.equal(await page.locator("#curve svg").getAttribute("data-heard"), "part");
    assert.equal(await page.locator("#curve path.whole").count(), 1, "the whole preset stays drawn, faint");
  });

  it("lists a used preset's bands, marked with their use line, heard and bypassable, with no handle", async () => {
    const { previews, preview } = suite;
    const page = preview.page;
    const data = previews["Under the sea"];
    await showPreset(preview, data);
    const from = 'use "underwater"';
    assert.deepEqual(
      data.bands.map((band) => [band.key, band.slot, band.from ?? null]),
      [
        ["used-0", "lowShelf", from],
        ["used-1", "lowpass", from],
        ["lowShelf", "lowShelf", null],
      ],
    );
    assert.match((await page.locator("#preset-facts").textContent()) ?? "", /· 3 bands \(2 from used presets\) ·/);
    const rows = await page
      .locator("#bands tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute("data-key"), tr.querySelector("th")?.textContent]));
    assert.deepEqual(rows, [
      ["used-0", `Low shelf (from ${from})`],
      ["used-1", `Low-pass 24 dB/oct (from ${from})`],
      ["lowShelf", "Low shelf"],
    ]);
    // Only the preset's own band is a handle; the used ones are marks nothing can focus or drag.
    const handles = await page
      .locator("#curve .handle")
      .evaluateAll((all) => all.map((h) => h.getAttribute("data-key")));
    assert.deepEqual(handles, ["lowShelf"]);
    const marks = await page
      .locator("#curve .band-marker.used")
      .evaluateAll((all) => all.map((m) => [m.getAttribute("data-key"), m.getAttribute("tabindex")]));
    assert.deepEqual(marks, [
      ["used-0", null],
      ["used-1", null],
    ]);
    // The used low shelf is its own IIR node; the slot's biquad is the preset's own 80 Hz shelf.
    const chain = await chainOf(page);
    assertChainMatches(chain, data);
    assert.deepEqual(
      chain!.extras.map((extra) => [extra.key, extra.sections]),
      [
        ["used-0", 1],
        ["used-1", 2],
      ],
    );
    const grid = [40, 80, 200, 500, 800, 1600];
    const played = (await chainResponseOf(page, grid))!;
    grid.forEach((hz, i) => {
      const drawn = levelAt(data.frequencies, data.responseDb, hz);
      assert.ok(Math.abs(played[i]! - drawn) < 0.15, `${hz} Hz: the nodes give ${played[i]} dB, the curve ${drawn} dB`);
    });
    assert.ok((await measure(page, 3000, false)) < -30, "underwater's low-pass is heard");

    await page.locator('#bands tr[data-key="used-1"] button', { hasText: "Bypass" }).click();
    assert.ok((await measure(page, 3000, false)) > -6, "without the used low-pass, 3 kHz is heard");
    const drawn = await curvePoints(page);
    const at3k = drawn.find((point) => point.hz >= 3000)!;
    assert.ok(at3k.db > -6, `the drawn curve at 3 kHz is ${at3k.db} dB: it shows the low-pass gone`);
    await page.locator('#bands tr[data-key="used-1"] button', { hasText: "Bypass" }).click();
    assert.equal((await chainOf(page))!.extras.find((extra) => extra.key === "used-1")?.sections, 2);
  });
});
