/**
 * The setup every preview-page suite shares: the real bundles built, the real language server's
 * previews, the page's site and headless Chromium once per suite, and a fresh page per test. When
 * Chromium is missing a suite is one skipped test that says how to install it (a failure with
 * EQP_REQUIRE_E2E=1, as CI sets it).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { after, afterEach, before, beforeEach, it } from "node:test";
import type { PreviewData } from "../../../client/src/preview/protocol.js";
import {
  CHROMIUM,
  launchChromium,
  openPreviewPage,
  ROOT,
  startPreviewSite,
  type PreviewBrowser,
  type PreviewPage,
  type PreviewSite,
} from "./previewSite.js";
import { previewsFromServer, type PresetName } from "./serverPreviews.js";

const required = process.env["EQP_REQUIRE_E2E"] === "1";
const missing = existsSync(CHROMIUM) ? undefined : `Chromium is not installed (expected ${CHROMIUM})`;
const howToInstall = "install it with `bash scripts/setup-code-server.sh` (or set EQP_CHROMIUM)";

/** What a test of the suite works with. */
export interface PreviewSuite {
  readonly previews: Record<PresetName, PreviewData>;
  readonly site: PreviewSite;
  readonly preview: PreviewPage;
}

export interface PreviewSuiteOptions {
  /** After each test's page has opened (e.g. to show a preset first). */
  opened?(suite: PreviewSuite): Promise<void>;
  /** Before each test's page closes (e.g. to check it logged no problems). */
  closing?(suite: PreviewSuite): Promise<void>;
}

/**
 * Registers the suite's hooks inside a `describe`; undefined when Chromium is missing (then the
 * suite registered its skipped test and should register nothing else).
 */
export function usePreviewSuite(options: PreviewSuiteOptions = {}): PreviewSuite | undefined {
  if (missing) {
    if (!required) {
      const line = "=".repeat(100);
      console.warn(
        `\n${line}\nSKIPPING the preview page's browser tests: ${missing}.\n${howToInstall} (set EQP_REQUIRE_E2E=1 to make this a failure)\n${line}\n`,
      );
    }
    it("needs Chromium", { skip: required ? false : `SKIPPED: ${missing}: ${howToInstall}` }, () => {
      assert.fail(`${missing}: ${howToInstall} (EQP_REQUIRE_E2E=1 makes this a failure)`);
    });
    return undefined;
  }
  let previews: Record<PresetName, PreviewData> | undefined;
  let site: PreviewSite | undefined;
  let chromium: PreviewBrowser | undefined;
  let preview: PreviewPage | undefined;
  const suite: PreviewSuite = {
    get previews() {
      return previews!;
    },
    get site() {
      return site!;
    },
    get preview() {
      return preview!;
    },
  };
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
  });
  beforeEach(async () => {
    preview = await openPreviewPage(chromium!.browser, site!);
    await options.opened?.(suite);
  });
  afterEach(async () => {
    try {
      if (preview) await options.closing?.(suite);
    } finally {
      await preview?.close();
    }
  });
  return suite;
}
