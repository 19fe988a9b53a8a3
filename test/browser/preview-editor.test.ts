/**
 * The preview page as an editor, in Chromium (setup in support/previewSuite.ts): dragging a
 * band's handle posts one edit with the new values (and the audio follows while dragging), the
 * wheel and Shift+drag change a bell's Q, per-band bypass and solo reach the Web Audio filters,
 * the volume reaches its node, the meter is labelled, and a comparison is drawn as a second curve
 * that A/B can play.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Page } from "playwright-core";
import type { ChainState } from "../../client/src/preview/page/chain.js";
import type { PreviewData } from "../../client/src/preview/protocol.js";
import type { PreviewPage } from "./support/previewSite.js";
import { usePreviewSuite } from "./support/previewSuite.js";
import { curvePoints } from "./support/pageHooks.js";

interface EditorHook {
  chain(): ChainState | undefined;
  comparison(): { label: string; data: PreviewData | null } | undefined;
  hearingB(): boolean;
  measureGainDb(frequencyHz: number, bypassed: boolean): Promise<number>;
}
type HookWindow = Window & { __eqpPreview: EditorHook };
const chainOf = async (page: Page) => {
  const chain = await page.evaluate(() => (window as unknown as HookWindow).__eqpPreview.chain());
  assert.ok(chain, "no audio chain");
  return chain;
};
const filterOf = async (page: Page, slot: string) => (await chainOf(page)).filters.find((f) => f.slot === slot)!;
const measure = (page: Page, frequencyHz: number) =>
  page.evaluate((hz) => (window as unknown as HookWindow).__eqpPreview.measureGainDb(hz, false), frequencyHz);
const edits = async (preview: PreviewPage) =>
  (await preview.posted()).filter((message) => (message as { type: string }).type === "edit") as {
    type: "edit";
    version: number;
    slot: string;
    frequencyHz: number;
    gainDb: number;
    q: number;
  }[];

/** The drawn curve's level nearest a frequency. */
async function drawnAt(page: Page, frequencyHz: number): Promise<number> {
  const points = await curvePoints(page);
  const distance = (hz: number) => Math.abs(Math.log(hz / frequencyHz));
  return points.reduce((best, point) => (distance(point.hz) < distance(best.hz) ? point : best)).db;
}

async function handleCentre(page: Page, slot: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(`#curve .handle[data-slot="${slot}"] circle.grip`).boundingBox();
  assert.ok(box, `no handle for ${slot}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

describe("the preview page as an editor, in Chromium", () => {
  const suite = usePreviewSuite({
    async opened({ preview, previews }) {
      await preview.page.setViewportSize({ width: 900, height: 900 });
      await preview.send({ type: "preview", data: previews["VO clean"] });
      await preview.page.waitForSelector('#curve .handle[data-slot="bell2"]');
    },
    async closing({ preview }) {
      assert.deepEqual(await preview.problems(), [], "console errors or CSP violations on the page");
    },
  });
  if (!suite) return;

  it("a drag posts one edit for the version shown, higher and louder; the filter follows while dragging", async () => {
    const { previews, preview } = suite;
    const data = previews["VO clean"];
    assert.equal(typeof data.version, "number", "the server's preview says which version it shows");
    const page = preview.page;
    const start = await handleCentre(page, "bell2");
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    for (let step = 1; step <= 5; step++) await page.mouse.move(start.x + step * 6, start.y - step * 6);
    const during = await filterOf(page, "bell2");
    assert.ok(during.frequencyHz > 3000 && during.gainDb > 2.5, `the node follows the drag: ${JSON.stringify(during)}`);
    assert.deepEqual(await edits(preview), [], "no edit before the button is released");
    await page.mouse.up();
    const posted = await edits(preview);
    assert.equal(posted.length, 1, "one drag, one edit");
    const edit = posted[0]!;
    assert.equal(edit.version, data.version);
    assert.equal(edit.slot, "bell2");
    assert.ok(edit.frequencyHz > 3000 * 1.1, `frequency ${edit.frequencyHz}`);
    assert.ok(edit.gainDb > 2.5 + 0.5, `gain ${edit.gainDb}`);
    assert.equal(edit.q, 1, "a plain drag leaves the Q alone");
    // The handle was dragged to where the pointer is: the frequency under the pointer's x.
    const end = await handleCentre(page, "bell2");
    assert.ok(Math.abs(end.x - (start.x + 30)) < 1.5, `the handle is at x ${end.x}, the pointer at ${start.x + 30}`);
  });

  it("the wheel narrows a bell and commits once; Shift+drag changes only the Q; a shelf's Q stays", async () => {
    const { preview } = suite;
    const page = preview.page;
    const bell = await handleCentre(page, "bell1");
    await page.mouse.move(bell.x, bell.y);
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -100);
    await page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === "edit"),
    );
    const [wheeled] = await edits(preview);
    assert.ok(wheeled!.q > 1.4 * 1.3, `Q ${wheeled!.q} after three steps up from 1.4`);
    assert.equal(wheeled!.frequencyHz, 300);

    const b3 = await handleCentre(page, "bell3");
    await page.keyboard.down("Shift");
    await page.mouse.move(b3.x, b3.y);
    await page.mouse.down();
    await page.mouse.move(b3.x + 30, b3.y - 40);
    await page.mouse.up();
    await page.keyboard.up("Shift");
    const shifted = (await edits(preview)).at(-1)!;
    assert.equal(shifted.slot, "bell3");
    assert.deepEqual([shifted.frequencyHz, shifted.gainDb], [6500, -3]);
    assert.ok(shifted.q > 4, `Q ${shifted.q}`);

    const before = (await edits(preview)).length;
    const shelf = await handleCentre(page, "highShelf");
    await page.mouse.move(shelf.x, shelf.y);
    await page.mouse.wheel(0, -100);
    await page.waitForTimeout(600);
    assert.equal((await edits(preview)).length, before, "no Q edit for a shelf");
  });

  it("per-band bypass and solo reach the filters and the sound", async () => {
    const { preview } = suite;
    const page = preview.page;
    const boosted = await measure(page, 3000);
    await page.locator('#bands tr[data-slot="bell2"] button', { hasText: "Bypass" }).click();
    const bell2 = await filterOf(page, "bell2");
    assert.deepEqual([bell2.gainDb, bell2.heard, bell2.active], [0, false, true]);
    assert.equal((await filterOf(page, "bell1")).gainDb.toFixed(3), "-2.000");
    const withoutBell2 = await measure(page, 3000);
    assert.ok(boosted - withoutBell2 > 1.5, `bypassing the +2.5 dB bell at 3 kHz: ${boosted} → ${withoutBell2} dB`);
    assert.equal(
      await page.locator('#bands tr[data-slot="bell2"] button', { hasText: "Bypass" }).getAttribute("aria-pressed"),
      "true",
    );
    assert.equal(await page.locator('#curve .handle.silent[data-slot="bell2"]').count(), 1);
    // The drawn curve is what is heard: at 3 kHz it reads what the samples measure.
    assert.ok(Math.abs((await drawnAt(page, 3000)) - withoutBell2) < 0.3, "the curve follows the bypass");
    assert.equal(await page.locator("#curve svg").getAttribute("data-heard"), "part");

    await page.locator('#bands tr[data-slot="lowShelf"] button', { hasText: "Solo" }).click();
    const chain = await chainOf(page);
    assert.equal(chain.solo, "lowShelf");
    for (const filter of chain.filters)
      assert.equal(filter.gainDb.toFixed(3), filter.slot === "lowShelf" ? "-4.000" : "0.000", filter.slot);
    // The low shelf alone: −4 dB well below its corner, the output gain −1 dB on top; 0 dB + trim at 3 kHz.
    assert.ok(Math.abs((await measure(page, 40)) - -5) < 0.5);
    assert.ok(Math.abs((await measure(page, 3000)) - -1) < 0.2);
    assert.ok(Math.abs((await drawnAt(page, 3000)) - -1) < 0.2, "the curve shows the soloed shelf alone");
    assert.ok(Math.abs((await drawnAt(page, 40)) - -5) < 0.5);
    await page.locator('#bands tr[data-slot="lowShelf"] button', { hasText: "Solo" }).click();
    assert.equal((await chainOf(page)).solo, null);

    // The whole EQ bypassed: the dry signal at its loudness match, a flat line.
    await page.locator('#bands tr[data-slot="bell2"] button', { hasText: "Bypass" }).click();
    assert.equal(await page.locator("#curve svg").getAttribute("data-heard"), "all");
    await page.locator("#bypass").click();
    assert.equal(await page.locator("#curve svg").getAttribute("data-heard"), "bypassed");
    const match = await page.evaluate(() =>
      (window as unknown as { __eqpPreview: { matchGainDb(): number } }).__eqpPreview.matchGainDb(),
    );
    for (const point of await curvePoints(page))
      assert.ok(Math.abs(point.db - match) < 0.05, `${point.hz} Hz: ${point.db} dB`);
    await page.locator("#bypass").click();
    assert.equal(await page.locator("#curve svg").getAttribute("data-heard"), "all");
  });

  it("has a labelled meter and a volume control that reaches its node", async () => {
    const { preview } = suite;
    const page = preview.page;
    assert.equal(await page.locator('label[for="level"]').textContent(), "Output level");
    assert.equal(await page.locator('label[for="volume"]').textContent(), "Volume");
    assert.match((await page.locator("#level-readout").textContent()) ?? "", /dBFS/);
    await page.locator("#volume").fill("-12");
    assert.ok(Math.abs((await chainOf(page)).volumeDb - -12) < 1e-3);
    assert.equal(await page.locator("#volume-readout").textContent(), "-12 dB");
  });

  it("draws a comparison as a second curve, A/B plays it, and it goes away again", async () => {
    const { previews, preview } = suite;
    const page = preview.page;
    await page.locator("#compare").click();
    assert.deepEqual((await preview.posted()).at(-1), { type: "pickCompare" });
    const other = previews["Radio chatter"];
    await preview.send({ type: "compare", label: '"Radio chatter" at the last commit', data: other });
    await page.waitForSelector("#curve path.compare");
    assert.equal(await page.locator("#compare-label").textContent(), '"Radio chatter" at the last commit');
    // Both curves fit the axis: Radio chatter cuts 12 dB.
    assert.ok(Number(await page.locator("#curve svg").getAttribute("data-db-top")) >= 12);
    const points = (await page.locator("#curve path.compare").getAttribute("d"))!.match(/[ML]/g)!.length;
    assert.equal(points, other.frequencies.length);

    await page.locator("#listen-b").click();
    assert.equal(await page.evaluate(() => (window as unknown as HookWindow).__eqpPreview.hearingB()), true);
    const chain = await chainOf(page);
    assert.equal(chain.filters.find((f) => f.slot === "bell1")!.frequencyHz.toFixed(0), "1800");
    assert.ok(Math.abs(chain.outputGainDb - -3) < 1e-4, "B's output gain");
    await page.locator("#listen-b").click();
    assert.equal((await chainOf(page)).filters.find((f) => f.slot === "bell1")!.frequencyHz.toFixed(0), "300");

    await preview.send({ type: "compare", label: "", data: null });
    await page.waitForSelector("#curve path.compare", { state: "detached" });
    assert.equal(await page.locator("#listen-b").isHidden(), true);
  });

  it("Match to a reference… asks the extension to pick the files and shows what was inserted", async () => {
    const { preview } = suite;
    const page = preview.page;
    await page.locator("#match-reference").click();
    assert.deepEqual((await preview.posted()).at(-1), { type: "pickMatch" });
    assert.equal(await page.locator("#match-reference").isDisabled(), true, "one match at a time");
    const summary =
      'Inserted "Match production": curve error mean 0.21 dB, max 0.80 dB off the measured difference; sounds like 0.4 warm.';
    await preview.send({ type: "matched", ok: true, message: summary });
    await page.waitForFunction((text) => document.getElementById("match-result")?.textContent === text, summary);
    assert.equal(await page.locator("#match-reference").isDisabled(), false);
    await preview.send({ type: "matched", ok: false, message: "Nothing was matched: silent.wav is silent" });
    assert.equal(await page.locator("#match-result").getAttribute("data-kind"), "error");
  });
});
