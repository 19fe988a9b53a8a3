/**
 * What the preview page's tests read from the page: its test hook (window.__eqpPreview, see
 * client/src/preview/page/main.ts), the Web Audio chain checked against a preset, and the drawn
 * curve read back in Hz and dB.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { AuditionState } from "../../../client/src/preview/page/audition.js";
import type { ChainState } from "../../../client/src/preview/page/chain.js";
import type { PreviewData } from "../../../client/src/preview/protocol.js";
import type { PreviewPage } from "./previewSite.js";

/** The page's test hook, window.__eqpPreview (see client/src/preview/page/main.ts). */
export interface PreviewHook {
  data(): PreviewData | undefined;
  matchGainDb(): number | undefined;
  chain(): ChainState | undefined;
  chainResponseDb(frequencies: number[]): number[] | undefined;
  audition(): AuditionState;
  levelDb(): number;
  measureGainDb(frequencyHz: number, bypassed: boolean): Promise<number>;
}
export type HookWindow = Window & { __eqpPreview: PreviewHook };

// Each runs inside the page (playwright serialises the function), on the page's own hook.
export const chainOf = (page: Page) => page.evaluate(() => (window as unknown as HookWindow).__eqpPreview.chain());
export const auditionOf = (page: Page) =>
  page.evaluate(() => (window as unknown as HookWindow).__eqpPreview.audition());
export const chainResponseOf = (page: Page, frequencies: number[]) =>
  page.evaluate((grid) => (window as unknown as HookWindow).__eqpPreview.chainResponseDb(grid), frequencies);
export const measure = (page: Page, frequencyHz: number, bypassed: boolean) =>
  page.evaluate(
    ([frequency, bypass]) => (window as unknown as HookWindow).__eqpPreview.measureGainDb(frequency, bypass),
    [frequencyHz, bypassed] as const,
  );

/** AudioParams hold single-precision floats. */
export function assertParam(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-5 * Math.max(1, Math.abs(expected)),
    `${what}: the node holds ${actual}, the preset says ${expected}`,
  );
}

/** The filters as the preset says, read back from the nodes; empty slots at 0 dB. */
export function assertChainMatches(chain: ChainState | undefined, data: PreviewData): void {
  assert.ok(chain, "the page has no audio chain");
  assertParam(chain.outputGainDb, data.outputGainDb, "output gain (dB)");
  for (const filter of chain.filters) {
    // A used preset's bands run as IIR nodes (chain.extras): the slot's node is the preset's own band.
    const band = data.bands.find((candidate) => candidate.slot === filter.slot && candidate.from === undefined);
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
export async function curvePoints(page: Page): Promise<{ hz: number; db: number }[]> {
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

export async function showPreset(preview: PreviewPage, data: PreviewData): Promise<void> {
  await preview.send({ type: "preview", data });
  await preview.page.waitForFunction(
    (name) => document.getElementById("preset-name")?.textContent === name,
    data.presetName,
  );
}

export async function assertNoProblems(preview: PreviewPage): Promise<void> {
  assert.deepEqual(await preview.problems(), [], "console errors, uncaught exceptions or CSP violations on the page");
}
