/**
 * Team-word benchmarks (issue "Your team's words"): indexing a workspace of 2,000 preset files
 * (walk, read, parse, team words with centroids), and a tag edit reaching the diagnostics of another
 * open file over a real LSP connection. Run: node --import tsx test/bench/team-index.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { EqServices, presetFilesIn } from "../../server/src/core/index.js";
import { LspTestClient } from "../support/lspClient.js";

const FILES = 2000;
const root = mkdtempSync(path.join(tmpdir(), "eqp-team-bench-"));
const words = ["thwacky", "glassy", "hero-vo", "underwater", "radio"];
for (let i = 0; i < FILES; i++) {
  const dir = path.join(root, `folder-${i % 40}`);
  mkdirSync(dir, { recursive: true });
  const word = words[i % words.length]!;
  const tagged = i % 4 === 0 ? `  tags ${word}\n` : "";
  writeFileSync(
    path.join(dir, `preset-${i}.eqp`),
    `preset "P${i}" {\n${tagged}  lowshelf ${80 + (i % 50)}Hz +${(i % 6) + 1}dB\n  bell ${1 + (i % 4)}kHz -2dB q 1.4\n  highshelf 9kHz +1dB\n}\n`,
  );
}

const services = await EqServices.withModel(undefined);
const started = performance.now();
for (const file of presetFilesIn(root)) services.workspace.readFile(file);
services.refreshTeamWords();
const indexMs = performance.now() - started;
services.dispose();

const client = await LspTestClient.start({
  rootUri: pathToFileURL(root).toString(),
  ...(process.env.PROFILE
    ? { command: [process.execPath, "--cpu-prof", "--cpu-prof-dir=/tmp/sprof", "dist/server.js", "--stdio"] }
    : {}),
});
const deadline = Date.now() + 30_000;
while (!client.notifications.some((n) => (n.params as { network?: boolean } | undefined)?.network)) {
  if (Date.now() > deadline) throw new Error("no network");
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const user = pathToFileURL(path.join(root, "user.eqp")).toString();
const tagger = pathToFileURL(path.join(root, "tagger.eqp")).toString();
// Wait until the index is built: a word of the generated files is known.
for (;;) {
  const diagnostics = await client.open(user, 'preset "U" {\n  morph thwacky\n}\n');
  if (!diagnostics.some((d) => d.code === "unknown-word")) break;
  await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: user } });
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await client.change(user, 'preset "U" {\n  morph brandnew\n}\n');
await client.open(tagger, 'preset "T" {\n  bell 1kHz +3dB\n}\n');
const editStarted = performance.now();
const waiting = (async () => {
  for (;;) {
    const published = client.published.get(user);
    if (published && !published.diagnostics.some((d) => d.code === "unknown-word")) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
})();
await client.change(tagger, 'preset "T" {\n  tags brandnew\n  bell 1kHz +3dB\n}\n');
await waiting;
const tagEditMs = performance.now() - editStarted;
if (process.env.EQP_TRACE_TEAM) console.log(client.stderr);
await client.stop();
rmSync(root, { recursive: true, force: true });
const result = { files: FILES, indexMs: Math.round(indexMs), tagEditToOtherFileMs: Math.round(tagEditMs) };
console.log(JSON.stringify(result));
