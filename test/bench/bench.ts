/**
 * `npm run bench`: on a generated 10,000-line file, parse+validate throughput next to JSON.parse
 * of the same content (timed in alternation, three pairs); hover and edit→diagnostics latency and
 * memory over a real LSP connection, next to yaml-language-server on the same presets as YAML
 * (with a JSON schema, so it validates and hovers too); server start-up; team words
 * (team-index.ts); training time, on SAFE-DB next to PyTorch and on both crowds; model load and
 * morph decode; the .vsix size; `eqp apply` next to sox (audioApply.ts); the C runtime's throughput next to sox (cRuntime.ts). Prints a table and writes test-results/bench.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import type * as Core from "../../server/src/core/index.js";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { DEFAULT_NETWORK_CONFIG, initBackend, loadSemanticModel } from "../../server/src/core/network/index.js";
import { DEFAULT_TRAIN_OPTIONS } from "../../server/src/core/training/index.js";
import { labelsOf, toMatrix, withCoverageRows } from "../../server/src/core/training/index.js";
import { trainNetwork } from "../../server/src/core/training/index.js";
import { fixedBounds } from "../../server/src/core/model/index.js";
import { loadDataset, parseDataset } from "../../server/src/core/training/index.js";
import { loadSocialFx } from "../../server/src/core/training/index.js";
import { prepareCrowdData } from "../../server/src/core/training/index.js";
import { generateRows, toCsv } from "../support/safeCsv.js";
import { generatePresets, toErrorHeavyText, toJsonText, toPresetText, toYamlText } from "./generate.js";
import { measureServer, measureStartup, packageSize, YAML_SCHEMA_URI, yamlServerOptions } from "./servers.js";

import { median } from "./stats.js";
import { measureTeamWords } from "./team-index.js";
import { trainWithPyTorch } from "./trainingPeer.js";
import { applyRows, measureApply } from "./audioApply.js";
import { cRuntimeRows, measureCRuntime } from "./cRuntime.js";

/** The 1-minute load average when the bench started: a ratio taken on a busy machine is not a result. */
const LOAD_AT_START = loadavg()[0]!;

/** The machine's load beside the table, and whether its figures can be compared at all. */
function loadRow(): [string, string] {
  const atEnd = loadavg()[0]!;
  const busy = Math.max(LOAD_AT_START, atEnd) >= 1;
  return [
    "machine load (1-minute average, start / end)",
    `${LOAD_AT_START.toFixed(2)} / ${atEnd.toFixed(2)}${busy ? ": BUSY, the ratios above are not results" : ": quiet"}`,
  ];
}

const LINES = 10_000;

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
  // The machine's speed drifts over seconds (other tenants): the two are timed one after the other
  // three times, and the pair with the median ratio is reported, rather than one timing each.
  const pairs = [0, 1, 2].map(() => {
    const ours = timeIt(() => validateDocument(parsePresetDocument(text), { vocabulary }));
    const peer = timeIt(() => JSON.parse(json));
    return { parseValidateSeconds: ours, jsonSeconds: peer, ratio: ours / peer };
  });
  const ratios = pairs.map((pair) => pair.ratio);
  const { parseValidateSeconds, jsonSeconds } = pairs.find((pair) => pair.ratio === median(ratios))!;
  // The same file with half its lines damaged: error recovery does most of the work.
  const errorText = toErrorHeavyText(text);
  const errorCount = parsePresetDocument(errorText).syntaxErrors.length;
  const errorSeconds = timeIt(() => validateDocument(parsePresetDocument(errorText), { vocabulary }), 3);
  const errorParseSeconds = timeIt(() => parsePresetDocument(errorText), 3);

  const ours = await measureServer(
    { validationDelay: 0 },
    "bench.eqp",
    "eqpreset",
    text,
    /^\s+(bell|lowshelf|highshelf) /,
    (line) => line.indexOf(" ", 2) + 2,
    /[+-]?\d+(\.\d+)?dB/,
    (i) => `${i % 2 ? "+" : "-"}${(i % 11) + 0.5}dB`,
  );
  const yamlText = toYamlText(presets, YAML_SCHEMA_URI);
  const peer = await measureServer(
    yamlServerOptions(),
    "bench.yaml",
    "yaml",
    yamlText,
    /^\s+- \{ type: (bell|lowshelf|highshelf),/,
    (line) => line.indexOf("frequencyHz") + 2,
    /gainDb: [+-]?\d+(\.\d+)?/,
    (i) => `gainDb: ${i % 2 ? "" : "-"}${(i % 11) + 0.5}`,
  );
  const startup = await measureStartup();
  const team = await measureTeamWords();
  const results = {
    lines: lineCount,
    presetBytes: Buffer.byteLength(text),
    jsonBytes: Buffer.byteLength(json),
    parseMBps: megabytes / parseSeconds,
    parseValidateMBps: megabytes / parseValidateSeconds,
    jsonParseMBps: jsonMegabytes / jsonSeconds,
    parseValidateMs: parseValidateSeconds * 1000,
    jsonParseMs: jsonSeconds * 1000,
    parseValidateVsJsonParse: parseValidateSeconds / jsonSeconds,
    parseValidateVsJsonParseRuns: ratios,
    errorHeavyBytes: Buffer.byteLength(errorText),
    errorHeavySyntaxErrors: errorCount,
    errorHeavyParseValidateMBps: Buffer.byteLength(errorText) / 1e6 / errorSeconds,
    errorHeavyParseMBps: Buffer.byteLength(errorText) / 1e6 / errorParseSeconds,
    yamlLines: yamlText.split("\n").length - 1,
    openToDiagnosticsMs: ours.openMs,
    hoverMedianMs: ours.hoverMedianMs,
    hoverP95Ms: ours.hoverP95Ms,
    editToDiagnosticsMedianMs: ours.editMedianMs,
    editToDiagnosticsP95Ms: ours.editP95Ms,
    serverMemoryMB: ours.rssMB,
    yamlOpenToDiagnosticsMs: peer.openMs,
    yamlHoverMedianMs: peer.hoverMedianMs,
    yamlHoverP95Ms: peer.hoverP95Ms,
    yamlEditToDiagnosticsMedianMs: peer.editMedianMs,
    yamlEditToDiagnosticsP95Ms: peer.editP95Ms,
    yamlServerMemoryMB: peer.rssMB,
    hoverRatio: ours.hoverMedianMs / peer.hoverMedianMs,
    editRatio: ours.editMedianMs / peer.editMedianMs,
    ...startup,
    teamFiles: team.files,
    teamIndexMs: team.indexMs,
    teamServerIndexMs: team.serverIndexMs,
    teamServerStartToTeamWordMs: team.serverStartToTeamWordMs,
    teamTagEdits: team.tagEdits,
    teamTagEditMedianMs: team.tagEditMedianMs,
    teamTagEditP95Ms: team.tagEditP95Ms,
    vsixBytes: packageSize(),
  };
  const model = await modelBenchmarks();
  Object.assign(results, model);
  const crowd = await crowdTraining();
  Object.assign(results, crowd);
  const apply = measureApply();
  Object.assign(results, { apply });
  const cRuntime = measureCRuntime();
  Object.assign(results, { cRuntime });
  const f = (value: number) => value.toFixed(value < 10 ? 2 : 1);
  const rows = [
    ["measure", "value"],
    [
      "document",
      `${results.lines} lines, ${(results.presetBytes / 1024).toFixed(0)} KiB (.eqp) / ${(results.jsonBytes / 1024).toFixed(0)} KiB (JSON)`,
    ],
    ["parse", `${f(results.parseMBps)} MB/s`],
    ["parse + validate", `${f(results.parseValidateMBps)} MB/s (${f(results.parseValidateMs)} ms)`],
    ["JSON.parse of the same presets", `${f(results.jsonParseMBps)} MB/s (${f(results.jsonParseMs)} ms)`],
    [
      "parse + validate / JSON.parse (time; median of 3 pairs)",
      `${f(results.parseValidateVsJsonParse)}× (target ≤ 10; pairs ${results.parseValidateVsJsonParseRuns.map(f).join(", ")})`,
    ],
    [
      `error-heavy text (${results.errorHeavySyntaxErrors} syntax errors): parse + validate / parse`,
      `${f(results.errorHeavyParseValidateMBps)} / ${f(results.errorHeavyParseMBps)} MB/s (target ≥ 1)`,
    ],
    ["YAML of the same presets", `${results.yamlLines} lines`],
    [
      "LSP open → diagnostics: ours / yaml-language-server",
      `${f(results.openToDiagnosticsMs)} / ${f(results.yamlOpenToDiagnosticsMs)} ms`,
    ],
    [
      "LSP hover median: ours / yaml-ls (ratio)",
      `${f(results.hoverMedianMs)} / ${f(results.yamlHoverMedianMs)} ms (${results.hoverRatio.toFixed(2)}; target ≤ 0.5)`,
    ],
    ["LSP hover p95: ours / yaml-ls", `${f(results.hoverP95Ms)} / ${f(results.yamlHoverP95Ms)} ms`],
    [
      "LSP edit → diagnostics median: ours / yaml-ls (ratio)",
      `${f(results.editToDiagnosticsMedianMs)} / ${f(results.yamlEditToDiagnosticsMedianMs)} ms (${results.editRatio.toFixed(2)}; target ≤ 1)`,
    ],
    [
      "LSP edit → diagnostics p95: ours / yaml-ls",
      `${f(results.editToDiagnosticsP95Ms)} / ${f(results.yamlEditToDiagnosticsP95Ms)} ms`,
    ],
    [
      "server memory (RSS, 10k-line file open): ours / yaml-ls",
      `${f(results.serverMemoryMB)} / ${f(results.yamlServerMemoryMB)} MB`,
    ],
    ["server start → first diagnostics (bundled model)", `${f(startup.startToDiagnosticsMs)} ms (target < 500)`],
    ["server start → model network loaded", `${f(startup.startToNetworkMs)} ms`],
    [
      `team words: index ${team.files} files in process (walk, read, parse, words)`,
      `${f(team.indexMs)} ms (target ≤ 2000)`,
    ],
    [
      `team words: server initialize → index of ${team.files} files complete`,
      team.serverIndexMs === undefined ? "not logged by the server" : `${f(team.serverIndexMs)} ms (target ≤ 2000)`,
    ],
    [
      "team words: server start → a word tagged only in an unopened file resolves",
      `${f(team.serverStartToTeamWordMs)} ms`,
    ],
    [
      `team words: tag edit → another open file's diagnostics (median of ${team.tagEdits})`,
      `${f(team.tagEditMedianMs)} ms, p95 ${f(team.tagEditP95Ms)} ms (target ≤ 300)`,
    ],
    [
      ".vsix size",
      results.vsixBytes === undefined
        ? "not built (npm run package failed)"
        : `${(results.vsixBytes / 1e6).toFixed(2)} MB (target < 5)`,
    ],
    [
      `training, ${model.trainingEpochs} epochs (${model.trainingBackend}, ${model.trainingRows} rows of ${model.trainingData})`,
      `${f(model.trainingSeconds)} s`,
    ],
    [
      `training, the same rows and recipe in PyTorch ${model.peerTraining ?? ""} (ratio ours / PyTorch)`,
      model.peerTrainingSeconds === undefined
        ? (model.peerTrainingFailure ?? "not run")
        : `${f(model.peerTrainingSeconds)} s (${f(model.trainingVsPyTorch!)}; target ≤ 1)`,
    ],
    [
      "training on the bigger data (SAFE-DB + SocialFX, the shipped recipe, one run)",
      "crowdTrainingSkipped" in crowd
        ? crowd.crowdTrainingSkipped
        : `${f(crowd.crowdTrainingSeconds)} s (${crowd.crowdTrainingBackend}), ${crowd.crowdTrainingRows} rows (${crowd.crowdRows} SAFE-DB + SocialFX rows of ${crowd.crowdWords} words, the rest coverage rows); data preparation ${f(crowd.crowdPrepareSeconds)} s`,
    ],
    ["model load (metadata + network)", `${f(model.modelLoadMs)} ms`],
    ["morph decode, single (uncached)", `${model.morphDecodeSingleMs.toFixed(3)} ms`],
    ["morph decode, batched 100 (per morph)", `${model.morphDecodeBatchedMs.toFixed(3)} ms`],
    ...applyRows(apply),
    ...cRuntimeRows(cRuntime),
    loadRow(),
  ];
  for (const [name, value] of rows) console.log(`| ${name!.padEnd(58)} | ${value!.padEnd(60)} |`);
  mkdirSync("test-results", { recursive: true });
  writeFileSync("test-results/bench.json", `${JSON.stringify(results, null, 2)}\n`);
}

/** Training time for 150 epochs (the real data when present, else generated rows of its size) and decode times. */
async function modelBenchmarks() {
  const backend = await initBackend();
  const realData = path.resolve("..", "shared", "data", "SAFEEqualiserUserData.csv");
  const dataset = existsSync(realData)
    ? loadDataset(realData)
    : parseDataset(toCsv(generateRows(1095, 1)), "generated");
  const bounds = fixedBounds("plugin");
  const words = dataset.words.map((word) => word.word);
  // Exactly what `eqp train` runs for the shipped model: the real rows plus the coverage rows.
  const training = withCoverageRows(
    toMatrix(dataset.rows, bounds),
    labelsOf(dataset.rows, words),
    dataset.rows.length,
    1,
  );
  const options = { ...DEFAULT_TRAIN_OPTIONS, seed: 1 };
  const t0 = performance.now();
  const { network } = await trainNetwork(training.rows, training.n, training.labels, DEFAULT_NETWORK_CONFIG, options);
  const trainingSeconds = (performance.now() - t0) / 1000;
  network.dispose();
  // Side by side, in this run: the same rows, network and options in PyTorch.
  const peer = trainWithPyTorch(training.rows, training.n, training.labels, DEFAULT_NETWORK_CONFIG, options);

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
    peerTraining: typeof peer === "string" ? undefined : `${peer.torch}, ${peer.threads} thread`,
    peerTrainingSeconds: typeof peer === "string" ? undefined : peer.seconds,
    peerTrainingFailure: typeof peer === "string" ? peer : undefined,
    trainingVsPyTorch: typeof peer === "string" ? undefined : trainingSeconds / peer.seconds,
    modelLoadMs,
    morphDecodeSingleMs: median(single),
    morphDecodeBatchedMs: median(batched),
  };
}

/**
 * One training run of what `eqp train --data SAFE… --socialfx SocialFX…` trains for the shipped
 * model (trainingRun.ts: both crowds prepared, words chosen by confidence, coverage rows, 150
 * epochs, seed 1), without its held-out or cross-validation runs. Skipped without ../shared/data.
 */
async function crowdTraining(): Promise<
  | { crowdTrainingSkipped: string }
  | {
      crowdTrainingBackend: string;
      crowdRows: number;
      crowdWords: number;
      crowdTrainingRows: number;
      crowdPrepareSeconds: number;
      crowdTrainingSeconds: number;
    }
> {
  const dir = path.resolve("..", "shared", "data");
  const safeFile = path.join(dir, "SAFEEqualiserUserData.csv");
  const socialFile = path.join(dir, "SocialFX_eq_contributions.csv");
  const missing = [safeFile, socialFile].filter((file) => !existsSync(file));
  if (missing.length > 0)
    return {
      crowdTrainingSkipped: `skipped: ${missing.map((file) => path.basename(file)).join(" and ")} not in ${dir}`,
    };
  const seed = 1;
  const backend = await initBackend();
  const prepareStart = performance.now();
  // As trainingRun.ts loads them: every SAFE-DB word (the crowds together decide which ship).
  const crowd = prepareCrowdData(loadDataset(safeFile, { minExamples: 1 }), loadSocialFx(socialFile), { seed });
  const bounds = fixedBounds("plugin");
  const words = crowd.words.map((entry) => entry.word);
  const training = withCoverageRows(toMatrix(crowd.rows, bounds), labelsOf(crowd.rows, words), crowd.rows.length, seed);
  const crowdPrepareSeconds = (performance.now() - prepareStart) / 1000;
  const t0 = performance.now();
  const { network } = await trainNetwork(training.rows, training.n, training.labels, DEFAULT_NETWORK_CONFIG, {
    ...DEFAULT_TRAIN_OPTIONS,
    seed,
  });
  const crowdTrainingSeconds = (performance.now() - t0) / 1000;
  network.dispose();
  return {
    crowdTrainingBackend: backend,
    crowdRows: crowd.rows.length,
    crowdWords: words.length,
    crowdTrainingRows: training.n,
    crowdPrepareSeconds,
    crowdTrainingSeconds,
  };
}

await main();
