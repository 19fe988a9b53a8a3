// Renders media/icon.svg into media/icon.png (128×128), the extension's icon: the marketplace and
// vsce take PNG only. Uses Debian's Chromium through playwright-core, like the browser tests.
// Usage: node scripts/make-icon.mjs
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const svg = readFileSync(path.join(root, "media", "icon.svg"), "utf8");
const browser = await chromium.launch({
  executablePath: process.env["EQP_CHROMIUM"] || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg.replace('width="256" height="256"', 'width="128" height="128"')}</body></html>`,
  );
  writeFileSync(path.join(root, "media", "icon.png"), await page.screenshot({ omitBackground: true }));
} finally {
  await browser.close();
}
console.log("media/icon.png written");
