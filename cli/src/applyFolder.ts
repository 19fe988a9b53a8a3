/**
 * `eqp apply … --out-dir`: many files through one preset, spread over worker threads (one per core,
 * at most one per file), each file streamed by applyFile.ts. A progress line on a terminal, a
 * line per file written, every failure as "file: reason" and a summary at the end; a bad file
 * never stops the others.
 */
import { availableParallelism } from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { formatDecimal } from "../../server/src/core/index.js";
import type { ApplyJob, ApplyReport } from "./applyFile.js";
import { terminalText } from "./terminal.js";

export type WorkerAnswer = { ok: true; report: ApplyReport } | { ok: false; reason: string };

export interface FolderOutcome {
  written: number;
  failed: number;
}

/** The reason as a "file: reason" line (most reasons already begin with the file they are about). */
function failureLine(job: ApplyJob, reason: string): string {
  return reason.startsWith(job.input) || reason.startsWith(job.output) ? reason : `${job.input}: ${reason}`;
}

class Progress {
  private done = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly total: number) {}

  /** Prints `line` (to stdout, or stderr for failures) above the progress line. */
  report(line: string, stream: NodeJS.WriteStream): void {
    this.done++;
    if (this.tty) process.stderr.write("\r\x1b[K");
    stream.write(`${terminalText(line)}\n`);
    if (this.tty && this.done < this.total) process.stderr.write(`eqp apply: ${this.done}/${this.total} files`);
  }
}

export async function applyInWorkers(jobs: ApplyJob[], workerScript: string): Promise<FolderOutcome> {
  const started = performance.now();
  const progress = new Progress(jobs.length);
  const outcome: FolderOutcome = { written: 0, failed: 0 };
  let seconds = 0;
  let next = 0;
  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(workerScript);
      let current: ApplyJob | undefined;
      const feed = () => {
        current = jobs[next++];
        if (current) worker.postMessage(current);
        else void worker.terminate().then(() => resolve());
      };
      worker.on("message", (answer: WorkerAnswer) => {
        if (answer.ok) {
          outcome.written++;
          seconds += answer.report.seconds;
          progress.report(answer.report.summary, process.stdout);
          if (answer.report.warning) progress.report(`eqp apply: warning: ${answer.report.warning}`, process.stderr);
        } else {
          outcome.failed++;
          progress.report(failureLine(current!, answer.reason), process.stderr);
        }
        feed();
      });
      worker.on("error", reject);
      feed();
    });
  const count = Math.max(1, Math.min(jobs.length, availableParallelism()));
  await Promise.all(Array.from({ length: count }, runWorker));
  const wall = (performance.now() - started) / 1000;
  process.stderr.write(
    `eqp apply: ${outcome.written} of ${jobs.length} file${jobs.length === 1 ? "" : "s"} written` +
      `${outcome.failed > 0 ? `, ${outcome.failed} failed` : ""} (${formatDecimal(seconds, 1)} s of audio in ${formatDecimal(wall, 1)} s, ${count} thread${count === 1 ? "" : "s"})\n`,
  );
  return outcome;
}

/** The output of each input in `outDir`: its own name; two inputs of one name would overwrite each other. */
export function outputsIn(outDir: string, inputs: readonly string[]): Map<string, string> | string {
  const outputs = new Map<string, string>();
  const taken = new Map<string, string>();
  for (const input of inputs) {
    const output = path.join(outDir, path.basename(input));
    const earlier = taken.get(output);
    if (earlier !== undefined) return `${earlier} and ${input} would both be written to ${output}`;
    if (path.resolve(output) === path.resolve(input)) return `${input} would be overwritten: choose another --out-dir`;
    taken.set(output, input);
    outputs.set(input, output);
  }
  return outputs;
}
