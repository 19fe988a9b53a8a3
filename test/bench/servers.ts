/**
 * Language-server measurements for the benchmark: the same hover and edit workload against our
 * server and against yaml-language-server (the peer), start-up time, memory, package size.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { LspTestClient, type StartOptions } from "../support/lspClient.js";
import { median, percentile } from "./stats.js";

const HOVERS = 300;
const EDITS = 60;

export interface ServerMeasurements {
  openMs: number;
  hoverMedianMs: number;
  hoverP95Ms: number;
  editMedianMs: number;
  editP95Ms: number;
  rssMB: number;
}

/** yaml-language-server from node_modules, told to validate and hover with the bench's schema. */
export function yamlServerOptions(): StartOptions {
  const bin = path.resolve("node_modules", "yaml-language-server", "bin", "yaml-language-server");
  return { command: [process.execPath, bin, "--stdio"] };
}

/** The JSON schema that gives yaml-language-server the presets' structure, ranges and descriptions. */
export const YAML_SCHEMA_URI = pathToFileURL(path.resolve("test", "bench", "preset-schema.json")).toString();

async function configureYaml(client: LspTestClient): Promise<void> {
  const schema = YAML_SCHEMA_URI;
  await client.connection.sendNotification("workspace/didChangeConfiguration", {
    settings: {
      yaml: {
        validate: true,
        hover: true,
        completion: true,
        schemas: { [schema]: "**/*.yaml" },
        schemaStore: { enable: false },
      },
    },
  });
}

function residentMB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/**
 * Opens `text`, hovers at `HOVERS` band lines (position from `hoverColumn`), then makes `EDITS`
 * one-value edits (the first `editPattern` match on a band line replaced by `replacement(i)`),
 * each timed until the server publishes diagnostics for it.
 */
export async function measureServer(
  options: StartOptions,
  fileName: string,
  languageId: string,
  text: string,
  bandLine: RegExp,
  hoverColumn: (line: string) => number,
  editPattern: RegExp,
  replacement: (i: number) => string,
): Promise<ServerMeasurements> {
  const client = await LspTestClient.start(options);
  try {
    if (languageId === "yaml") await configureYaml(client);
    const uri = client.uriFor(fileName);
    const openStart = performance.now();
    await client.open(uri, text, languageId);
    const openMs = performance.now() - openStart;

    const lines = text.split("\n");
    const bandLines = lines.map((line, index) => ({ line, index })).filter(({ line }) => bandLine.test(line));
    const hoverTimes: number[] = [];
    for (let i = 0; i < HOVERS; i++) {
      const { line, index } = bandLines[(i * 7919) % bandLines.length]!;
      const t0 = performance.now();
      const hover = await client.request<unknown>("textDocument/hover", {
        textDocument: { uri },
        position: { line: index, character: hoverColumn(line) },
      });
      hoverTimes.push(performance.now() - t0);
      if (i === 0 && !hover)
        throw new Error(`${fileName}: no hover at line ${index + 1} — the comparison would be meaningless`);
    }

    const editTimes: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const { line, index } = bandLines[(i * 104729) % bandLines.length]!;
      const match = editPattern.exec(lines[index] ?? line)!;
      const current = lines[index]!;
      const next = replacement(i);
      const t0 = performance.now();
      await client.change(uri, next, {
        start: { line: index, character: match.index },
        end: { line: index, character: match.index + match[0].length },
      });
      editTimes.push(performance.now() - t0);
      lines[index] = current.slice(0, match.index) + next + current.slice(match.index + match[0].length);
    }
    return {
      openMs,
      hoverMedianMs: median(hoverTimes),
      hoverP95Ms: percentile(hoverTimes, 0.95),
      editMedianMs: median(editTimes),
      editP95Ms: percentile(editTimes, 0.95),
      rssMB: residentMB(client.process.pid),
    };
  } finally {
    await client.stop();
  }
}

/** From spawning our server with the bundled model to the first diagnostics of a sample, and to the loaded network. */
export async function measureStartup(): Promise<{ startToDiagnosticsMs: number; startToNetworkMs: number }> {
  const sample = path.resolve("samples", "dialogue.eqp");
  const t0 = performance.now();
  const client = await LspTestClient.start();
  try {
    await client.open(pathToFileURL(sample).toString(), readFileSync(sample, "utf8"));
    const startToDiagnosticsMs = performance.now() - t0;
    for (;;) {
      const loaded = client.notifications.some(
        (n) => n.method === "eqpreset/modelStatus" && (n.params as { network?: boolean }).network,
      );
      if (loaded) break;
      if (performance.now() - t0 > 20000) throw new Error(`the network did not load: ${client.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return { startToDiagnosticsMs, startToNetworkMs: performance.now() - t0 };
  } finally {
    await client.stop();
  }
}

/** Packages the extension (`npm run package`) and returns the .vsix size in bytes. */
export function packageSize(): number | undefined {
  const result = spawnSync("npm", ["run", "--silent", "package"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const vsix = path.resolve("dist", "eqpreset.vsix");
  if (result.status !== 0 || !existsSync(vsix)) {
    console.error(`npm run package failed:\n${result.stdout}\n${result.stderr}`);
    return undefined;
  }
  return statSync(vsix).size;
}
