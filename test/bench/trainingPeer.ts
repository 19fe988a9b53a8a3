/**
 * The training-speed peer: the same V3 recipe in PyTorch (Debian's python3-torch, one thread; see
 * torch_train.py), on exactly the rows, labels, network shape and options our training gets.
 * scripts/setup-bench-tools.sh installs it when missing; without it the bench says so and goes on.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface PeerTraining {
  /** Wall-clock seconds of the training loop. */
  seconds: number;
  /** CPU seconds of the process during the loop (all its threads). */
  cpuSeconds: number;
  torch: string;
  threads: number;
}

const PYTHON = "/usr/bin/python3";

export function trainWithPyTorch(
  rows: Float32Array,
  n: number,
  labels: Int32Array,
  config: object,
  options: object,
): PeerTraining | string {
  const setup = spawnSync("bash", [path.resolve("scripts", "setup-bench-tools.sh")], { encoding: "utf8" });
  if (setup.status !== 0) return `python3-torch could not be installed: ${setup.stderr.trim() || setup.stdout.trim()}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "eqp-torch-"));
  try {
    const rowsFile = path.join(dir, "rows.f32");
    writeFileSync(rowsFile, Buffer.from(rows.buffer, rows.byteOffset, n * (rows.length / n) * 4));
    const spec = path.join(dir, "spec.json");
    writeFileSync(spec, JSON.stringify({ n, rowsFile, labels: Array.from(labels), config, options }));
    const run = spawnSync(PYTHON, [path.resolve("test", "bench", "torch_train.py"), spec], {
      encoding: "utf8",
      env: { ...process.env, OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" },
    });
    if (run.status !== 0) return `the PyTorch run failed: ${run.stderr.trim().split("\n").slice(-3).join(" ")}`;
    return JSON.parse(run.stdout.trim().split("\n").pop()!) as PeerTraining;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
