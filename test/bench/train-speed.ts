/**
 * Training speed (and reconstruction quality) of the V3 network on synthetic data of the real
 * data's size and label distribution. Reads no data file.
 *
 *   node --import tsx test/bench/train-speed.ts                 wasm: 150 epochs; cpu: 5 epochs, extrapolated
 *   node --import tsx test/bench/train-speed.ts --cpu-epochs 150   the full cpu run (~4 minutes)
 *   node --import tsx test/bench/train-speed.ts --quality       held-out MSE: 900 training rows, 220 unseen,
 *                                                               both contrastive balances × both LR schedules
 *   node --import tsx test/bench/train-speed.ts --recipe [--rounds N] [--tfjs]
 *       what `eqp train` runs (SAFE-DB rows from ../shared/data plus the coverage rows, the default
 *       network and options, 150 epochs), side by side with PyTorch on the same rows (one thread,
 *       trainingPeer.ts), N rounds alternating; --tfjs adds our tfjs-op step (the one used before
 *       the wasm kernels) to every round.
 * Options: --backend wasm|cpu|both (default both), --epochs N (wasm, default 150), --rows N (default 1100).
 * EQPRESET_TRAINING_STEP=tfjs runs the tfjs-op step on wasm too (trainingLoop.ts).
 *
 * The synthetic data: 13 values in [0, 1] per row, a smooth non-linear function of a 6-d latent
 * factor whose mean depends on the label, plus a little noise; two big labels (like warm and
 * bright, ~500 rows each) and twelve small ones (5–8 rows each).
 */
import * as tf from "@tensorflow/tfjs-core";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { backendStatus, initBackend } from "../../server/src/core/network/backend.js";
import { DEFAULT_NETWORK_CONFIG, Network } from "../../server/src/core/network/network.js";
import { SeededRandom } from "../../server/src/core/model/index.js";
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from "../../server/src/core/training/index.js";
import { TRAINING_STEP_ENV, Trainer, trainNetwork } from "../../server/src/core/training/index.js";
import { labelsOf, toMatrix, withCoverageRows } from "../../server/src/core/training/index.js";
import { fixedBounds } from "../../server/src/core/model/index.js";
import { loadDataset } from "../../server/src/core/training/index.js";
import { trainWithPyTorch } from "./trainingPeer.js";

const WIDTH = 13;
const FACTORS = 6;
const MAP_HIDDEN = 16;
const SMALL_CLASS_SIZES = [5, 6, 7, 8, 5, 6, 7, 8, 5, 6, 7, 8];

interface Dataset {
  rows: Float32Array;
  labels: Int32Array;
  n: number;
}

/** Label shares of the real data: two big classes and twelve of 5–8 rows (per 1,100). */
function labelWeights(): number[] {
  const small = SMALL_CLASS_SIZES.reduce((a, b) => a + b, 0);
  const big = (1100 - small) / 2;
  return [big + 10, big - 10, ...SMALL_CLASS_SIZES];
}

/** `n` rows; the smooth map and the class means are fixed, `seed` draws the rows. */
function syntheticEqData(n: number, seed: number): Dataset {
  const map = new SeededRandom(1234);
  const w1 = Array.from({ length: MAP_HIDDEN * FACTORS }, () => map.normal() * 0.8);
  const b1 = Array.from({ length: MAP_HIDDEN }, () => map.normal() * 0.3);
  const w2 = Array.from({ length: WIDTH * MAP_HIDDEN }, () => map.normal() * 0.5);
  const b2 = Array.from({ length: WIDTH }, () => map.normal() * 0.3);
  const weights = labelWeights();
  const means = weights.map(() => Array.from({ length: FACTORS }, () => map.normal() * 0.8));
  const total = weights.reduce((a, b) => a + b, 0);

  const random = new SeededRandom(seed);
  const rows = new Float32Array(n * WIDTH);
  const labels = new Int32Array(n);
  const hidden = new Float64Array(MAP_HIDDEN);
  for (let i = 0; i < n; i++) {
    let draw = random.next() * total;
    let label = 0;
    while (label < weights.length - 1 && draw >= weights[label]!) draw -= weights[label++]!;
    labels[i] = label;
    const factors = means[label]!.map((mean) => mean + random.normal() * 0.7);
    for (let h = 0; h < MAP_HIDDEN; h++) {
      let sum = b1[h]!;
      for (let f = 0; f < FACTORS; f++) sum += w1[h * FACTORS + f]! * factors[f]!;
      hidden[h] = Math.tanh(sum);
    }
    for (let j = 0; j < WIDTH; j++) {
      let sum = b2[j]!;
      for (let h = 0; h < MAP_HIDDEN; h++) sum += w2[j * MAP_HIDDEN + h]! * hidden[h]!;
      rows[i * WIDTH + j] = Math.min(1, Math.max(0, 1 / (1 + Math.exp(-sum)) + random.normal() * 0.005));
    }
  }
  return { rows, labels, n };
}

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && index + 1 < process.argv.length ? process.argv[index + 1]! : fallback;
}

function heldOutMse(network: Network, data: Dataset): number {
  const reconstruction = network.reconstructRows(data.rows, data.n);
  let sum = 0;
  for (let i = 0; i < reconstruction.length; i++) sum += (reconstruction[i]! - data.rows[i]!) ** 2;
  return sum / reconstruction.length;
}

/** Mean silhouette of the latents of the two big labels (how well SupCon separates them). */
function bigLabelSilhouette(network: Network, data: Dataset): number {
  const latentSize = network.config.latentSize;
  const latents = network.encodeRows(data.rows, data.n);
  const members = [0, 1].map((label) => [...data.labels.keys()].filter((i) => data.labels[i] === label));
  const distance = (a: number, b: number): number => {
    let sum = 0;
    for (let k = 0; k < latentSize; k++) sum += (latents[a * latentSize + k]! - latents[b * latentSize + k]!) ** 2;
    return Math.sqrt(sum);
  };
  const meanDistance = (i: number, group: number[]): number =>
    group.reduce((sum, j) => sum + (j === i ? 0 : distance(i, j)), 0) /
    Math.max(1, group.length - (group.includes(i) ? 1 : 0));
  let total = 0;
  let count = 0;
  members.forEach((group, g) => {
    for (const i of group) {
      const own = meanDistance(i, group);
      const other = meanDistance(i, members[1 - g]!);
      total += (other - own) / Math.max(own, other);
      count++;
    }
  });
  return total / count;
}

/** Kernels of one training step, counted with tf.profile. */
async function kernelsPerStep(
  data: Dataset,
  options: TrainOptions,
): Promise<{ all: number; compute: number; byName: Map<string, number> } | undefined> {
  const trainer = new Trainer(DEFAULT_NETWORK_CONFIG, options, data.rows, data.n, data.labels);
  try {
    // The native step is one EqpTrainingStep kernel per step: tf.profile counts it like the others.
    const size = Math.min(options.batchSize, data.n);
    trainer.trainStep(data.rows.slice(0, size * WIDTH), data.labels.slice(0, size), 0.3);
    const profile = await tf.profile(() => {
      trainer.trainStep(data.rows.slice(0, size * WIDTH), data.labels.slice(0, size), 0.3);
    });
    const byName = new Map<string, number>();
    for (const kernel of profile.kernels) byName.set(kernel.name, (byName.get(kernel.name) ?? 0) + 1);
    // Reshape only relabels a buffer, and "fusedMatMul__op" is tf.fused.matMul's wrapper
    // around the _FusedMatMul kernel that is listed separately.
    const compute = profile.kernels.filter(
      (kernel) => kernel.name !== "Reshape" && !kernel.name.endsWith("__op"),
    ).length;
    return { all: profile.kernels.length, compute, byName };
  } finally {
    trainer.dispose();
  }
}

async function speed(backend: "wasm" | "cpu", epochs: number, data: Dataset, unseen: Dataset): Promise<void> {
  const active = await initBackend(backend);
  if (active !== backend) {
    console.log(`${backend}: not available (${backendStatus()?.fallbackReason ?? "unknown reason"})`);
    return;
  }
  const options: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, epochs };
  const kernels = await kernelsPerStep(data, options);
  const tensorsBefore = tf.memory().numTensors;
  const start = performance.now();
  const { network, history } = await trainNetwork(data.rows, data.n, data.labels, DEFAULT_NETWORK_CONFIG, options);
  const seconds = (performance.now() - start) / 1000;
  const steps = history.length * Math.ceil(data.n / options.batchSize);
  const last = history[history.length - 1]!;
  const extrapolated = (seconds / history.length) * DEFAULT_TRAIN_OPTIONS.epochs;
  console.log(
    kernels
      ? `${backend}: ${network.parameterCount()} parameters: ${kernels.compute} compute kernels per training step (${kernels.all} entries in tf.profile, incl. free reshapes)`
      : `${backend}: ${network.parameterCount()} parameters, the wasm kernels' step (nativeTrainer.ts)`,
  );
  console.log(
    `${backend}: ${history.length} epochs × ${data.n} rows in ${seconds.toFixed(2)} s, ${((seconds * 1000) / steps).toFixed(2)} ms per step` +
      (history.length === DEFAULT_TRAIN_OPTIONS.epochs
        ? ""
        : `; 150 epochs ≈ ${extrapolated.toFixed(0)} s (extrapolated)`),
  );
  console.log(
    `${backend}: last epoch: reconstruction MSE ${last.reconstructionLoss.toFixed(5)}, SupCon ${last.contrastiveLoss.toFixed(3)}; MSE on ${unseen.n} unseen rows ${heldOutMse(network, unseen).toFixed(5)}`,
  );
  network.dispose();
  if (tf.memory().numTensors !== tensorsBefore)
    console.log(`${backend}: WARNING ${tf.memory().numTensors - tensorsBefore} tensors leaked`);
}

async function quality(): Promise<void> {
  await initBackend("wasm");
  const train = syntheticEqData(900, 1);
  const unseen = syntheticEqData(220, 2);
  const variants: [string, Partial<TrainOptions>][] = [
    ["no SupCon (reference)", { contrastiveWeightStart: 0, contrastiveWeightEnd: 0 }],
    ["balance loss, constant LR", { contrastiveBalance: "loss", learningRateSchedule: "constant" }],
    ["balance loss, cosine LR", { contrastiveBalance: "loss", learningRateSchedule: "cosine" }],
    ["balance gradient, constant LR", { contrastiveBalance: "gradient", learningRateSchedule: "constant" }],
    ["balance gradient, cosine LR (default)", { contrastiveBalance: "gradient", learningRateSchedule: "cosine" }],
    [
      "balance gradient, cosine, λ 1→1",
      {
        contrastiveBalance: "gradient",
        learningRateSchedule: "cosine",
        contrastiveWeightStart: 1,
        contrastiveWeightEnd: 1,
      },
    ],
  ];
  console.log(
    `${train.n} training rows, ${unseen.n} unseen rows; MSE in normalised units; silhouette of the two big labels' latents`,
  );
  for (const seed of [1, 2]) {
    for (const [name, overrides] of variants) {
      const { network, history } = await trainNetwork(train.rows, train.n, train.labels, DEFAULT_NETWORK_CONFIG, {
        ...DEFAULT_TRAIN_OPTIONS,
        ...overrides,
        seed,
      });
      const last = history[history.length - 1]!;
      console.log(
        `seed ${seed}  ${name.padEnd(38)} train MSE ${last.reconstructionLoss.toFixed(5)}  unseen MSE ${heldOutMse(network, unseen).toFixed(5)}  silhouette unseen ${bigLabelSilhouette(network, unseen).toFixed(3)}`,
      );
      network.dispose();
    }
  }
}

/**
 * Wall-clock and CPU seconds of one 150-epoch run of the `eqp train` recipe with our step of
 * `kind`. CPU seconds count every thread of the process (V8's compiler and GC helpers too), as
 * Python's process_time does for PyTorch; on a loaded machine they vary less than the wall's.
 */
async function oursSeconds(
  training: { rows: Float32Array; labels: Int32Array; n: number },
  kind: "native" | "tfjs",
): Promise<{ seconds: number; cpuSeconds: number }> {
  const previous = process.env[TRAINING_STEP_ENV];
  if (kind === "tfjs") process.env[TRAINING_STEP_ENV] = "tfjs";
  else delete process.env[TRAINING_STEP_ENV];
  try {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const { network } = await trainNetwork(training.rows, training.n, training.labels, DEFAULT_NETWORK_CONFIG, {
      ...DEFAULT_TRAIN_OPTIONS,
      seed: 1,
    });
    const cpu = process.cpuUsage(cpuStart);
    const seconds = (performance.now() - start) / 1000;
    network.dispose();
    return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } finally {
    if (previous === undefined) delete process.env[TRAINING_STEP_ENV];
    else process.env[TRAINING_STEP_ENV] = previous;
  }
}

/** The `eqp train` recipe (as bench.ts runs it), ours against PyTorch in the same process, alternating. */
async function recipe(): Promise<void> {
  await initBackend("wasm");
  const file = path.resolve("..", "shared", "data", "SAFEEqualiserUserData.csv");
  if (!existsSync(file)) throw new Error(`--recipe needs the SAFE-DB file at ${file}`);
  const dataset = loadDataset(file);
  const words = dataset.words.map((word) => word.word);
  const training = withCoverageRows(
    toMatrix(dataset.rows, fixedBounds("plugin")),
    labelsOf(dataset.rows, words),
    dataset.rows.length,
    1,
  );
  const rounds = Number(argument("rounds", "1"));
  const withTfjs = process.argv.includes("--tfjs");
  console.log(`${training.n} rows (${dataset.rows.length} SAFE-DB + coverage), ${DEFAULT_TRAIN_OPTIONS.epochs} epochs`);
  for (let round = 1; round <= rounds; round++) {
    const ours = await oursSeconds(training, "native");
    const tfjsStep = withTfjs ? await oursSeconds(training, "tfjs") : undefined;
    const peer = trainWithPyTorch(training.rows, training.n, training.labels, DEFAULT_NETWORK_CONFIG, {
      ...DEFAULT_TRAIN_OPTIONS,
      seed: 1,
    });
    const torch = typeof peer === "string" ? undefined : peer;
    const show = (run: { seconds: number; cpuSeconds: number }): string =>
      `${run.seconds.toFixed(1)} s (CPU ${run.cpuSeconds.toFixed(1)} s)` +
      (torch === undefined
        ? ""
        : ` ×${(run.seconds / torch.seconds).toFixed(2)} (CPU ×${(run.cpuSeconds / torch.cpuSeconds).toFixed(2)})`);
    console.log(
      `round ${round}: ours ${show(ours)}` +
        (tfjsStep === undefined ? "" : `; tfjs step ${show(tfjsStep)}`) +
        `; PyTorch ${torch === undefined ? String(peer) : `${torch.seconds.toFixed(1)} s (CPU ${torch.cpuSeconds.toFixed(1)} s)`}`,
    );
  }
}

async function main(): Promise<void> {
  if (process.argv.includes("--quality")) return quality();
  if (process.argv.includes("--recipe")) return recipe();
  const backends = argument("backend", "both");
  const n = Number(argument("rows", "1100"));
  const data = syntheticEqData(n, 1);
  const unseen = syntheticEqData(220, 2);
  if (backends === "both" || backends === "wasm") await speed("wasm", Number(argument("epochs", "150")), data, unseen);
  if (backends === "both" || backends === "cpu") await speed("cpu", Number(argument("cpu-epochs", "5")), data, unseen);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
