// The README's pictures, from the real editor: installs dist/eqpreset.vsix (npm run package) into a
// private code-server, opens a copy of samples/ in headless Chromium and saves
//   media/screenshots/hover.png        the hover on a preset (picture, numbers, table)
//   media/screenshots/inlay-hints.png  the bands after each morph
//   media/screenshots/preview.png      the preview panel
// Nothing is drawn by hand: what the PNGs show is what VS Code (1.100, code-server) shows.
// Usage: npm run package && node scripts/screenshots.mjs [outDir]
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
/* global fetch, document */
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.resolve(process.argv[2] ?? path.join(root, "media", "screenshots"));
const cache = process.env["EQP_CACHE"] || path.join(homedir(), ".cache", "eqpreset");
const codeServerBin =
  process.env["EQP_CODE_SERVER"] || path.join(cache, "code-server", "node_modules", ".bin", "code-server");
const vsix = path.join(root, "dist", "eqpreset.vsix");

const home = mkdtempSync(path.join(tmpdir(), "eqp-screenshots-"));
const dirs = Object.fromEntries(
  ["config", "data", "cache", "tmp", "user-data", "extensions", "browser"].map((name) => [name, path.join(home, name)]),
);
for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
const workspace = path.join(home, "samples");
cpSync(path.join(root, "samples"), workspace, { recursive: true });
mkdirSync(path.join(dirs["user-data"], "User"), { recursive: true });
writeFileSync(
  path.join(dirs["user-data"], "User", "settings.json"),
  JSON.stringify({
    "workbench.colorTheme": "Default Dark Modern",
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "security.workspace.trust.enabled": false,
    "extensions.autoCheckUpdates": false,
    "telemetry.telemetryLevel": "off",
    "editor.minimap.enabled": false,
    "window.commandCenter": false,
    "chat.commandCenter.enabled": false,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
  }),
);
const env = {
  ...process.env,
  XDG_CONFIG_HOME: dirs.config,
  XDG_DATA_HOME: dirs.data,
  XDG_CACHE_HOME: dirs.cache,
  TMPDIR: dirs.tmp,
  EXTENSIONS_GALLERY: "{}",
};
const common = ["--user-data-dir", dirs["user-data"], "--extensions-dir", dirs.extensions];
const installed = spawnSync(codeServerBin, [...common, "--install-extension", vsix], { env, encoding: "utf8" });
if (installed.status !== 0) throw new Error(`could not install ${vsix}:\n${installed.stdout}\n${installed.stderr}`);

const port = await new Promise((resolve) => {
  const server = createServer().listen(0, "127.0.0.1", () => {
    const { port: free } = server.address();
    server.close(() => resolve(free));
  });
});
const codeServer = spawn(
  codeServerBin,
  [
    "--auth",
    "none",
    "--bind-addr",
    `127.0.0.1:${port}`,
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    "--ignore-last-opened",
    ...common,
  ],
  { env, detached: true, stdio: "ignore" },
);

const browser = await chromium.launch({
  executablePath: process.env["EQP_CHROMIUM"] || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  env: { ...process.env, HOME: dirs.browser },
});
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 }, deviceScaleFactor: 1 });
  // code-server answers /healthz once it serves the workbench.
  for (let attempt = 0; ; attempt++) {
    const healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    if (attempt > 150) throw new Error("code-server did not start");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  mkdirSync(outDir, { recursive: true });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 60_000 }).catch(async (error) => {
    await page.screenshot({ path: path.join(outDir, "failed.png") });
    throw error;
  });

  const openFile = async (name) => {
    // The explorer lists the folder once the workbench has restored it.
    const item = page.locator(".explorer-folders-view .monaco-list-row", { hasText: name }).first();
    await item.waitFor({ timeout: 60_000 });
    await item.click();
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 20_000 });
    await page.waitForTimeout(1500);
  };
  const line = (text) => page.locator(".monaco-editor .view-line", { hasText: text }).first();

  await openFile("dialogue.eqp").catch(async (error) => {
    await page.screenshot({ path: path.join(outDir, "failed.png") });
    throw error;
  });
  // The network loads in the background: the inlay hints and lenses come with it.
  await page.waitForSelector(".monaco-editor .codelens-decoration", { timeout: 30_000 });
  await page
    .waitForFunction(() => document.querySelectorAll('.monaco-editor [class*="dyn-rule"]').length > 0, null, {
      timeout: 30_000,
    })
    .catch(() => undefined);
  await page.waitForTimeout(3000);

  // The hover on a preset's keyword.
  await line('preset "VO clean"')
    .locator("span", { hasText: /^\s*preset\s*$/ })
    .first()
    .hover();
  await page.locator('.monaco-hover img[alt*="VO clean"]').waitFor({ state: "visible", timeout: 20_000 });
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(outDir, "hover.png") });
  await page.mouse.move(5, 500);
  await page.keyboard.press("Escape");

  // A hover on a morph, for the record (not in the README).
  // The inlay hints, with the tooltip of the last one (the full bands).
  await page.waitForTimeout(1000);
  // The hint is drawn after the morph's last token: hover a little to the right of it.
  const weight = await line("morph warm 0.6 bright 0.4")
    .locator("span", { hasText: /^\s*0\.4\s*$/ })
    .last()
    .boundingBox();
  await page.mouse.move(weight.x + weight.width + 80, weight.y + weight.height / 2);
  await page.locator(".monaco-hover", { hasText: "The bands this morph makes" }).waitFor({ state: "visible" });
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(outDir, "inlay-hints.png") });
  await page.mouse.move(5, 500);
  await page.waitForTimeout(1000);
  await line("morph warm 0.6 bright 0.4")
    .locator("span", { hasText: /^\s*morph\s*$/ })
    .first()
    .hover();
  await page
    .locator('.monaco-hover img[alt*="a little brighter"]')
    .waitFor({ state: "visible", timeout: 20_000 })
    .catch(async (error) => {
      await page.screenshot({ path: path.join(outDir, "failed.png") });
      throw error;
    });
  await page.waitForTimeout(800);
  await page.screenshot({ path: path.join(outDir, "hover-morph.png") });
  await page.mouse.move(5, 500);

  // The preview on "VO clean".
  await line("bell 3kHz +2.5dB").click();
  await page.keyboard.press("F1");
  await page.keyboard.type("EQ: Open preview");
  await page.waitForTimeout(600);
  await page.keyboard.press("Enter");
  const webview = page.frameLocator("iframe.webview").frameLocator("iframe");
  await webview.locator("#curve .handle").first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: path.join(outDir, "preview.png") });
  console.log(`screenshots in ${path.relative(process.cwd(), outDir) || "."}`);
} finally {
  await browser.close();
  try {
    process.kill(-codeServer.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
  rmSync(home, { recursive: true, force: true });
}
