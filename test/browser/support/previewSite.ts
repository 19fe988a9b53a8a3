/**
 * The preview panel's page outside VS Code, as close to a webview as a plain browser gets:
 *
 * - the page is the real one (client/src/preview/html.ts) with the real bundled script
 *   (dist/preview.js), style sheet and loop, and a fresh nonce per load;
 * - it is served from one origin (http://localhost:PORT) and its resources from another
 *   (http://127.0.0.1:PORT, the "CSP source"), with `Access-Control-Allow-Origin: *` on resources
 *   as VS Code's webview service worker sends it, and only from media/ and dist/, like the panel's
 *   localResourceRoots;
 * - `acquireVsCodeApi` is a stand-in installed before the page's scripts (page.addInitScript) that
 *   records what the page posts; messages "from the extension" are posted to the window, as VS Code
 *   delivers them.
 *
 * Debian's Chromium runs it headless through playwright-core.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { previewHtml } from "../../../client/src/preview/html.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const CHROMIUM = process.env["EQP_CHROMIUM"] || "/usr/bin/chromium";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".map": "application/json",
  ".css": "text/css",
  ".wav": "audio/wav",
  ".svg": "image/svg+xml",
};
/** What the panel's localResourceRoots allow. */
const RESOURCE_ROOTS = ["media", "dist"];

export interface PreviewSite {
  /** Where the page is (its own origin). */
  pageUrl: string;
  /** The origin resources come from: the page's `webview.cspSource`. */
  cspSource: string;
  /** The nonce of the page served last. */
  lastNonce(): string | undefined;
  close(): Promise<void>;
}

export async function startPreviewSite(): Promise<PreviewSite> {
  let port = 0;
  let nonce: string | undefined;
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://placeholder");
    const host = request.headers.host ?? "";
    if (host === `localhost:${port}` && url.pathname === "/index.html") {
      nonce = randomBytes(18).toString("base64");
      const html = previewHtml({
        cspSource: `http://127.0.0.1:${port}`,
        nonce,
        scriptUri: `http://127.0.0.1:${port}/dist/preview.js`,
        styleUri: `http://127.0.0.1:${port}/media/preview/preview.css`,
        loopUri: `http://127.0.0.1:${port}/media/loop.wav`,
      });
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html);
      return;
    }
    const relative = path.normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, "");
    const file = path.join(ROOT, relative);
    const allowed =
      host === `127.0.0.1:${port}` &&
      RESOURCE_ROOTS.some((root) => relative.startsWith(`${root}${path.sep}`)) &&
      !relative.includes("..");
    if (!allowed || !existsSync(file)) {
      response.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    response
      .writeHead(200, {
        "Content-Type": CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream",
        "Access-Control-Allow-Origin": "*",
      })
      .end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  return {
    pageUrl: `http://localhost:${port}/index.html`,
    cspSource: `http://127.0.0.1:${port}`,
    lastNonce: () => nonce,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface PreviewBrowser {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<PreviewBrowser> {
  // Chromium writes settings and crash-report files under HOME / XDG_*: a private HOME.
  const home = mkdtempSync(path.join(tmpdir(), "eqp-browser-"));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--autoplay-policy=no-user-gesture-required",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, ".config"),
      XDG_CACHE_HOME: path.join(home, ".cache"),
    },
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Installed before the page's scripts: VS Code's webview API, recording instead of sending. */
const FAKE_VSCODE_API = `(() => {
  const posted = [];
  let state;
  let acquired = false;
  window.__posted = posted;
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(event.effectiveDirective + " blocked " + (event.blockedURI || "inline"));
  }, true);
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error("acquireVsCodeApi may only be called once");
    acquired = true;
    return Object.freeze({
      postMessage: (message) => posted.push(JSON.parse(JSON.stringify(message))),
      getState: () => state,
      setState: (value) => { state = JSON.parse(JSON.stringify(value)); },
    });
  };
  window.__vscodeState = () => state;
})();`;

export interface PreviewPage {
  page: Page;
  /** Console errors, uncaught exceptions and CSP violations seen so far. */
  problems(): Promise<string[]>;
  /** What the page posted to the "extension". */
  posted(): Promise<unknown[]>;
  /** Sends a message as the extension does (webview.postMessage). */
  send(message: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function openPreviewPage(browser: Browser, site: PreviewSite): Promise<PreviewPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  await page.addInitScript(FAKE_VSCODE_API);
  await page.goto(site.pageUrl);
  // The page announces itself once its script has run.
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  return {
    page,
    problems: async () => [
      ...errors,
      ...(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)),
    ],
    posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
    send: (message) => page.evaluate((payload) => window.postMessage(payload, "*"), message),
    close: () => page.close(),
  };
}
