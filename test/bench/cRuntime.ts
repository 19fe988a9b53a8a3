/**
 * The C runtime's throughput beside sox, in the same run, on the same five filters ("VO clean" of
 * samples/dialogue.eqp: the header `eqp export --format c` writes for runtime/c/eqp_runtime.h, and
 * the same filters as sox effects): stereo 48 kHz float, 600 s of pink noise. The C program is
 * built with `cc -O2` and filters blocks of 512 frames in memory (eqp_process_f32, as an engine's
 * audio callback would), timed around the processing alone; sox reads the same samples as raw
 * 32-bit float from a file and writes nothing (`-n`), timed as a whole process. Reported as frames
 * per second per channel (channel-samples filtered per second) and as times real time.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pinkNoise } from "../support/signals.js";

const RATE = 48000;
const CHANNELS = 2;
const SECONDS = 600;
const SOX_EFFECTS =
  "bass -4 120 0.71q equalizer 300 1.4q -2 equalizer 3000 1q 2.5 equalizer 6500 4q -3 treble 1.5 12000 0.71q gain -1";

export interface ThroughputRun {
  seconds: number;
  /** Channel-samples filtered per second: frames per second per channel. */
  framesPerSecondPerChannel: number;
}

export interface CRuntimeBench {
  audioSeconds: number;
  c: ThroughputRun | string;
  sox: ThroughputRun | string;
}

const C_BENCH = `
#define EQP_RUNTIME_IMPLEMENTATION
#include "eqp_runtime.h"
#include "preset.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
  const char *input = argv[1];
  long frames = atol(argv[2]);
  FILE *file = fopen(input, "rb");
  if (!file) return 2;
  float *source = malloc(sizeof(float) * 2 * frames);
  if (fread(source, sizeof(float) * 2, frames, file) != (size_t)frames) return 3;
  fclose(file);
  static eqp_state state;
  if (eqp_init(&state, &eqp_presets[0], ${RATE}.0) != EQP_OK) return 4;
  float block[512 * 2];
  struct timespec start, end;
  double checksum = 0;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (long done = 0; done < frames; done += 512) {
    long n = frames - done < 512 ? frames - done : 512;
    memcpy(block, source + 2 * done, sizeof(float) * 2 * n);
    eqp_process_f32(&state, block, (size_t)n, 2);
    checksum += block[0];
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  printf("%.9f %g\\n", (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) * 1e-9, checksum);
  return 0;
}
`;

function noiseFile(file: string, frames: number): void {
  const samples = new Float32Array(frames * CHANNELS);
  const left = pinkNoise(frames, 1, 0.3);
  const right = pinkNoise(frames, 2, 0.3);
  for (let i = 0; i < frames; i++) [samples[2 * i], samples[2 * i + 1]] = [left[i]!, right[i]!];
  writeFileSync(file, new Uint8Array(samples.buffer));
}

function cRun(dir: string, input: string, frames: number): ThroughputRun | string {
  const header = spawnSync(
    process.execPath,
    [
      path.resolve("bin", "eqp.js"),
      "export",
      path.resolve("samples", "dialogue.eqp"),
      "--format",
      "c",
      "--preset",
      "VO clean",
    ],
    { encoding: "utf8" },
  );
  if (header.status !== 0) return `export failed: ${header.stderr.trim()}`;
  writeFileSync(path.join(dir, "preset.h"), header.stdout);
  writeFileSync(path.join(dir, "bench.c"), C_BENCH);
  const binary = path.join(dir, "bench");
  const build = spawnSync(
    "cc",
    [
      "-std=c99",
      "-O2",
      "-D_POSIX_C_SOURCE=199309L",
      `-I${path.resolve("runtime", "c")}`,
      `-I${dir}`,
      path.join(dir, "bench.c"),
      "-o",
      binary,
      "-lm",
    ],
    { encoding: "utf8" },
  );
  if (build.error || build.status !== 0) return `cc failed: ${(build.stderr || build.error?.message || "").trim()}`;
  const run = spawnSync(binary, [input, String(frames)], { encoding: "utf8" });
  if (run.status !== 0) return `failed (${run.status})`;
  const seconds = Number(run.stdout.split(" ")[0]);
  return { seconds, framesPerSecondPerChannel: (frames * CHANNELS) / seconds };
}

function soxRun(input: string, frames: number): ThroughputRun | string {
  const setup = spawnSync("bash", [path.resolve("scripts", "setup-bench-tools.sh"), "--audio"], { encoding: "utf8" });
  if (setup.status !== 0) return `sox could not be installed: ${setup.stderr.trim()}`;
  const raw = ["-t", "raw", "-e", "floating-point", "-b", "32", "-r", String(RATE), "-c", String(CHANNELS)];
  const started = performance.now();
  const run = spawnSync("sox", [...raw, input, "-n", ...SOX_EFFECTS.split(" ")], { encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) return `sox failed: ${run.stderr.trim()}`;
  return { seconds, framesPerSecondPerChannel: (frames * CHANNELS) / seconds };
}

export function measureCRuntime(audioSeconds = SECONDS): CRuntimeBench {
  const dir = mkdtempSync(path.join(os.tmpdir(), "eqp-c-bench-"));
  try {
    const frames = audioSeconds * RATE;
    const input = path.join(dir, "noise.f32");
    noiseFile(input, frames);
    return { audioSeconds, c: cRun(dir, input, frames), sox: soxRun(input, frames) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench table's row: both throughputs, times real time, and the ratio. */
export function cRuntimeRows({ audioSeconds, c, sox }: CRuntimeBench): string[][] {
  const text = (run: ThroughputRun | string) =>
    typeof run === "string"
      ? run
      : `${(run.framesPerSecondPerChannel / 1e6).toFixed(1)} M frames/s/ch (${(run.framesPerSecondPerChannel / RATE).toFixed(0)}× real time)`;
  return [
    [
      `C runtime / sox, 5 filters, ${audioSeconds} s stereo 48 kHz float (frames/s per channel)`,
      `${text(c)} / ${text(sox)}` +
        (typeof c === "string" || typeof sox === "string"
          ? ""
          : ` (${(c.framesPerSecondPerChannel / sox.framesPerSecondPerChannel).toFixed(1)}× sox)`),
    ],
  ];
}
