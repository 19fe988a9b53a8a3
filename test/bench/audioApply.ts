/**
 * `eqp apply` next to sox on the same file and the same five filters ("VO clean" of
 * samples/dialogue.eqp, written as sox effects): wall time and peak memory (RSS) of each process,
 * by /usr/bin/time, on 60 s and 600 s of stereo 48 kHz 16-bit pink noise generated here (in
 * blocks, so the bench's own memory stays small). sox comes from scripts/setup-bench-tools.sh.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { encodeSamples, wavHeader } from "../../server/src/core/audio/index.js";
import { pinkNoise } from "../support/signals.js";

const RATE = 48000;
const SOX_EFFECTS =
  "bass -4 120 0.71q equalizer 300 1.4q -2 equalizer 3000 1q 2.5 equalizer 6500 4q -3 treble 1.5 12000 0.71q gain -1";

export interface ApplyRun {
  seconds: number;
  maxRssMB: number;
}

export interface ApplyBench {
  audioSeconds: number;
  eqp: ApplyRun | string;
  sox: ApplyRun | string;
}

function writeNoise(file: string, seconds: number): void {
  const format = { kind: "int", bits: 16 } as const;
  const frames = seconds * RATE;
  const fd = openSync(file, "w");
  try {
    writeSync(fd, wavHeader({ sampleRate: RATE, channels: 2, format, bytesPerSample: 2 }, frames));
    const block = RATE * 10;
    const bytes = new Uint8Array(block * 4);
    for (let done = 0; done < frames; done += block) {
      const left = pinkNoise(block, done + 1, 0.3);
      const right = pinkNoise(block, done + 2, 0.3);
      const interleaved = new Float64Array(block * 2);
      for (let i = 0; i < block; i++) [interleaved[2 * i], interleaved[2 * i + 1]] = [left[i]!, right[i]!];
      encodeSamples(interleaved, format, block * 2, bytes);
      writeSync(fd, bytes);
    }
  } finally {
    closeSync(fd);
  }
}

/** Wall seconds and peak RSS of a command, by GNU time (its last line: "<seconds> <KB>"). */
function timed(command: string, args: string[]): ApplyRun | string {
  const run = spawnSync("/usr/bin/time", ["-f", "%e %M", command, ...args], { encoding: "utf8" });
  if (run.error) return `not run: ${run.error.message}`;
  if (run.status !== 0) return `failed: ${run.stderr.trim().split("\n").slice(-2).join(" ")}`;
  const [seconds, kb] = run.stderr.trim().split("\n").pop()!.split(" ").map(Number) as [number, number];
  return { seconds, maxRssMB: kb / 1024 };
}

export function measureApply(): ApplyBench[] {
  const setup = spawnSync("bash", [path.resolve("scripts", "setup-bench-tools.sh"), "--audio"], { encoding: "utf8" });
  const dir = mkdtempSync(path.join(os.tmpdir(), "eqp-apply-bench-"));
  try {
    return [60, 600].map((audioSeconds) => {
      const input = path.join(dir, `noise${audioSeconds}.wav`);
      writeNoise(input, audioSeconds);
      const eqpArgs = [
        path.resolve("bin", "eqp.js"),
        "apply",
        path.resolve("samples", "dialogue.eqp"),
        "--preset",
        "VO clean",
        input,
        path.join(dir, "eqp.wav"),
      ];
      // `eqp apply` runs its own bundle (dist/cli-apply.js) whose code cache only an earlier apply
      // writes (the second, on a machine where eqp never ran): two untimed runs first, as a folder
      // script's third file would find it.
      if (audioSeconds === 60) for (let i = 0; i < 2; i++) spawnSync(process.execPath, eqpArgs, { stdio: "ignore" });
      const eqp = timed(process.execPath, eqpArgs);
      const sox =
        setup.status === 0
          ? timed("sox", [input, path.join(dir, "sox.wav"), ...SOX_EFFECTS.split(" ")])
          : `sox could not be installed: ${setup.stderr.trim()}`;
      rmSync(input);
      return { audioSeconds, eqp, sox };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench table's rows: time and memory side by side, with the ratio. */
export function applyRows(results: readonly ApplyBench[]): string[][] {
  const text = (run: ApplyRun | string) =>
    typeof run === "string" ? run : `${run.seconds.toFixed(2)} s, ${run.maxRssMB.toFixed(0)} MB`;
  return results.map(({ audioSeconds, eqp, sox }) => [
    `eqp apply / sox, ${audioSeconds} s stereo 48 kHz 16-bit, 5 filters (time, peak RSS)`,
    `${text(eqp)} / ${text(sox)}` +
      (typeof eqp === "string" || typeof sox === "string"
        ? ""
        : ` (${(eqp.seconds / sox.seconds).toFixed(2)}×; target ≤ 1)`),
  ]);
}
