/**
 * `npm run bench`: parse+validate throughput next to JSON.parse of the same content, and hover
 * and edit→diagnostics latency over a real LSP connection, on a generated 10,000-line file.
 * Prints a table and writes test-results/bench.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type * as Core from "../../server/src/core/index.js";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { initBackend } from "../../server/src/core/model/backend.js";
import { loadDataset, parseDataset } from "../../server/src/core/model/dataset.js";
import { loadSemanticModel } from "../../server/src/core/model/modelFolder.js";
import { DEFAULT_NETWORK_CONFIG } from "../../server/src/core/model/network.js";
import { fixedBounds } from "../../server/src/core/model/parameters.js";
import { DEFAULT_TRAIN_OPTIONS, trainNetwork } from "../../server/src/core/model/trainer.js";
import { labelsOf, toMatrix, withCoverageRows } from "../../server/src/core/model/training.js";
import { LspTestClient } from "../support/lspClient.js";
import { generateRows, toCsv } from "../support/safeCsv.js";
import { generatePresets, toJsonText, toPresetText } from "./generate.js";

const LINES = 10_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Median seconds per run of `fn`, after warm-up, over at least `minRuns` runs and ~2 s. */
function timeIt(fn: () => void, minRuns = 10): number {
  for (let i = 0; i < 3; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < 2000) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

async function main(): Promise<void> {
  // Measure the bundled core, as the server runs it (tsx's transpiled sources are slower).
  const bundle = "../../dist/core.js";
  const core = (await import(bundle)) as typeof Core;
  const { bundledModelDir, parsePresetDocument, readModelMetadata, validateDocument, Vocabulary } = core;
  const presets = generatePresets(LINES);
  const text = toPresetText(presets);
  const json = toJsonText(presets);
  const lineCount = text.split("\n").length - 1;
  const vocabulary = new Vocabulary(readModelMetadata(bundledModelDir()).vocabulary);
  const megabytes = Buffer.byteLength(text) / 1e6;
  const jsonMegabytes = Buffer.byteLength(json) / 1e6;

  const parseSeconds = timeIt(() => parsePresetDocument(text));
  const parseValidateSeconds = timeIt(() => validateDocument(parsePresetDocument(text), { vocabulary }));
  const jsonSeconds = timeIt(() => JSON.parse(json));

  const client = await LspTestClient.start({ validationDelay: 0 });
  const uri = client.uriFor("bench.eqp");
  const openStart = performance.now();
  await client.open(uri, text);
  const openMs = performance.now() - openStart;

  const textLines = text.split("\n");
  const bandLines = textLines.map((line, index) => ({ line, index })).filter(({ line }) => /^\s+(bell|lowshelf|highshelf) /.test(line));
  const hoverTimes: number[] = [];
  for (let i = 0; i < 300; i++) {
    const { line, index } = bandLines[(i * 7919) % bandLines.length]!;
    const character = line.indexOf(" ", 2) + 2;
    const t0 = performance.now();
    await client.request("textDocument/hover", { textDocument: { uri }, position: { line: index, character } });
    hoverTimes.push(performance.now() - t0);
  }

  const editTimes: number[] = [];
  for (let i = 0; i < 60; i++) {
    const { line, index } = bandLines[(i * 104729) % bandLines.length]!;
    const gainMatch = /[+-]?\d+(\.\d+)?dB/.exec(line)!;
    const replacement = `${i % 2 ? "+" : "-"}${(i % 11) + 0.5}dB`;
    const t0 = performance.now();
    await client.change(uri, replacement, { start: { line: index, character: gainMatch.index }, end: { line: index, character: gainMatch.index + gainMatch[0].length } });
    editTimes.push(performance.now() - t0);
    textLines[index] = line.slice(0, gainMatch.index) + replacement + line.slice(gainMatch.index + gainMatch[0].length);
  }
  await client.stop();

  const results = {
    lines: lineCount,
    presetBytes: Buffer.byteLength(text),
    jsonBytes: Buffer.byteLength(json),
    parseMBps: megabytes / parseSeconds,
    parseValidateMBps: megabytes / parseValidateSeconds,
    jsonParseMBps: jsonMegabytes / jsonSeconds,
    parseValidateMs: parseValidateSeconds * 1000,
    jsonParseMs: jsonSeconds * 1000,
    openToDiagnosticsMs: openMs,
    hoverMedianMs: median(hoverTimes),
    hoverP95Ms: percentile(hoverTimes, 0.95),
    editToDiagnosticsMedianMs: median(editTimes),
    editToDiagnosticsP95Ms: percentile(editTimes, 0.95),
  };
  const model = await modelBenchmarks();
  Object.assign(results, model);
  const f = (value: number) => value.toFixed(value < 10 ? 2 : 1);
  const rows = [
    ["measure", "value"],
    ["document", `${results.lines} lines, ${(results.presetBytes / 1024).toFixed(0)} KiB (.eqp) / ${(results.jsonBytes / 1024).toFixed(0)} KiB (JSON)`],
    ["parse", `${f(results.parseMBps)} MB/s`],
    ["parse + validate", `${f(results.parseValidateMBps)} MB/s (${f(results.parseValidateMs)} ms)`],
    ["JSON.parse of the same presets", `${f(results.jsonParseMBps)} MB/s (${f(results.jsonParseMs)} ms)`],
    ["LSP open → diagnostics", `${f(results.openToDiagnosticsMs)} ms`],
    ["LSP hover (median / p95)", `${f(results.hoverMedianMs)} / ${f(results.hoverP95Ms)} ms`],
    ["LSP edit → diagnostics, no debounce (median / p95)", `${f(results.editToDiagnosticsMedianMs)} / ${f(results.editToDiagnosticsP95Ms)} ms`],
    [`training, ${model.trainingEpochs} epochs (${model.trainingBackend}, ${model.trainingRows} rows of ${model.trainingData})`, `${f(model.trainingSeconds)} s`],
    ["model load (metadata + network)", `${f(model.modelLoadMs)} ms`],
    ["morph decode, single (uncached)", `${model.morphDecodeSingleMs.toFixed(3)} ms`],
    ["morph decode, batched 100 (per morph)", `${model.morphDecodeBatchedMs.toFixed(3)} ms`],
  ];
  for (const [name, value] of rows) console.log(`| ${name!.padEnd(52)} | ${value!.padEnd(60)} |`);
  mkdirSync("test-results", { recursive: true });
  writeFileSync("test-results/bench.json", `${JSON.stringify(results, null, 2)}\n`);
}

/** Training time for 150 epochs (the real data when present, else generated rows of its size) and decode times. */
async function modelBenchmarks() {
  const backend = await initBackend();
  const realData = path.resolve("..", "shared", "data", "SAFEEqualiserUserData.csv");
  const dataset = existsSync(realData) ? loadDataset(realData) : parseDataset(toCsv(generateRows(1095, 1)), "generated");
  const bounds = fixedBounds("plugin");
  const words = dataset.words.map((word) => word.word);
  // Exactly what `eqp train` runs for the shipped model: the real rows plus the coverage rows.
  const training = withCoverageRows(toMatrix(dataset.rows, bounds), labelsOf(dataset.rows, words), dataset.rows.length, 1);
  const t0 = performance.now();
  const { network } = await trainNetwork(training.rows, training.n, training.labels, DEFAULT_NETWORK_CONFIG, { ...DEFAULT_TRAIN_OPTIONS, seed: 1 });
  const trainingSeconds = (performance.now() - t0) / 1000;
  network.dispose();

  const loadStart = performance.now();
  const { model } = loadSemanticModel(path.resolve("model"));
  const modelLoadMs = performance.now() - loadStart;
  const latent = model.morphLatent([{ word: model.vocabulary.words()[0]!.word, weight: 0.5 }]);
  for (let i = 0; i < 50; i++) model.network.decodeRows(latent, 1);
  const single: number[] = [];
  for (let i = 0; i < 500; i++) {
    const start = performance.now();
    model.network.decodeRows(latent, 1);
    single.push(performance.now() - start);
  }
  const batch = new Float32Array(100 * latent.length);
  for (let i = 0; i < 100; i++) batch.set(latent, i * latent.length);
  const batched: number[] = [];
  for (let i = 0; i < 100; i++) {
    const start = performance.now();
    model.network.decodeRows(batch, 100);
    batched.push((performance.now() - start) / 100);
  }
  model.dispose();
  return {
    trainingBackend: backend,
    trainingEpochs: DEFAULT_TRAIN_OPTIONS.epochs,
    trainingRows: training.n,
    trainingData: existsSync(realData) ? "SAFE-DB" : "generated data",
    trainingSeconds,
    modelLoadMs,
    morphDecodeSingleMs: median(single),
    morphDecodeBatchedMs: median(batched),
  };
}

await main();
