/**
 * Team-word benchmarks (issue "Your team's words"), part of `npm run bench`: indexing a workspace
 * of 2,000 preset files in process (walk, read, parse, team words with centroids); the language
 * server's own time from initialize to its index being complete (from its log, checked from outside
 * by the moment a word tagged only in an unopened file resolves); and a tag edit in one open file
 * reaching the diagnostics of another open file over a real LSP connection, repeated.
 * Alone: node --import tsx test/bench/team-index.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { EqServices, presetFilesIn } from "../../server/src/core/index.js";
import { LspTestClient } from "../support/lspClient.js";
import { median, percentile } from "./stats.js";

const FILES = 2000;
/** Tag edits timed: the median of several, since one rebuild can meet a garbage collection. */
const TAG_EDITS = 9;
const WORDS = ["thwacky", "glassy", "hero-vo", "underwater", "radio"];

export interface TeamMeasurements {
  files: number;
  /** In process: walk, read and parse every file, then build the team words. */
  indexMs: number;
  /** The server's own figure (its log): initialize → every file indexed and the team words built. */
  serverIndexMs: number | undefined;
  /** From outside: spawning the server → a word tagged only in an unopened file resolves in an open one. */
  serverStartToTeamWordMs: number;
  tagEdits: number;
  tagEditMedianMs: number;
  tagEditP95Ms: number;
}

/** 2,000 small preset files in 40 folders, a quarter of them tagged with one of five words. */
function writeWorkspace(root: string): void {
  for (let i = 0; i < FILES; i++) {
    const dir = path.join(root, `folder-${i % 40}`);
    mkdirSync(dir, { recursive: true });
    const word = WORDS[i % WORDS.length]!;
    const tagged = i % 4 === 0 ? `  tags ${word}\n` : "";
    writeFileSync(
      path.join(dir, `preset-${i}.eqp`),
      `preset "P${i}" {\n${tagged}  lowshelf ${80 + (i % 50)}Hz +${(i % 6) + 1}dB\n  bell ${1 + (i % 4)}kHz -2dB q 1.4\n  highshelf 9kHz +1dB\n}\n`,
    );
  }
}

async function until(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function indexInProcess(root: string, services: EqServices): number {
  const started = performance.now();
  for (const file of presetFilesIn(root)) services.workspace.readFile(file);
  services.refreshTeamWords();
  return performance.now() - started;
}

export async function measureTeamWords(): Promise<TeamMeasurements> {
  const root = mkdtempSync(path.join(tmpdir(), "eqp-team-bench-"));
  try {
    writeWorkspace(root);
    const services = await EqServices.withModel(undefined);
    const indexMs = indexInProcess(root, services);
    services.dispose();

    const user = pathToFileURL(path.join(root, "user.eqp")).toString();
    const tagger = pathToFileURL(path.join(root, "tagger.eqp")).toString();
    const spawned = performance.now();
    const client = await LspTestClient.start({
      rootUri: pathToFileURL(root).toString(),
      ...(process.env.PROFILE
        ? { command: [process.execPath, "--cpu-prof", "--cpu-prof-dir=/tmp/sprof", "dist/server.js", "--stdio"] }
        : {}),
    });
    try {
      const unknown = (uri: string) =>
        client.published.get(uri)?.diagnostics.some((d) => d.code === "unknown-word") ?? true;
      // "thwacky" is tagged only in files that are not open: it resolves once the index is built
      // (the server checks open documents again then).
      await client.open(user, 'preset "U" {\n  morph thwacky\n}\n');
      await until("the workspace index", () => !unknown(user));
      const serverStartToTeamWordMs = performance.now() - spawned;
      const logged = client.notifications
        .filter((n) => n.method === "window/logMessage")
        .map((n) =>
          /workspace index: \d+ preset files, complete (\d+) ms after initialize/.exec(
            (n.params as { message: string }).message,
          ),
        )
        .find((match) => match !== null);
      // Team words get centroids with the network: time the edits with it, as an editor sees them.
      await until("the network", () =>
        client.notifications.some((n) => (n.params as { network?: boolean } | undefined)?.network === true),
      );
      await client.open(tagger, 'preset "T" {\n  bell 1kHz +3dB\n}\n');
      const times: number[] = [];
      for (let i = 0; i < TAG_EDITS; i++) {
        const word = `brandnew${i}`;
        await client.change(user, `preset "U" {\n  morph ${word}\n}\n`);
        if (!unknown(user)) throw new Error(`${word} is known before it is tagged`);
        const started = performance.now();
        await client.change(tagger, `preset "T" {\n  tags ${word}\n  bell 1kHz +3dB\n}\n`);
        await until(`${word} to resolve`, () => !unknown(user), 10_000);
        times.push(performance.now() - started);
      }
      if (process.env.EQP_TRACE_TEAM) console.log(client.stderr);
      return {
        files: FILES,
        indexMs,
        serverIndexMs: logged ? Number(logged[1]) : undefined,
        serverStartToTeamWordMs,
        tagEdits: times.length,
        tagEditMedianMs: median(times),
        tagEditP95Ms: percentile(times, 0.95),
      };
    } finally {
      await client.stop();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve("test", "bench", "team-index.ts")) {
  console.log(JSON.stringify(await measureTeamWords()));
}
