/**
 * A worker thread of `eqp apply --out-dir` (bundled as dist/apply-worker.js): takes one file's job
 * at a time from the main thread and answers with its report or the reason it failed, so that one
 * bad file never stops the others.
 */
import { parentPort } from "node:worker_threads";
import { applyToFile, type ApplyJob } from "./applyFile.js";
import type { WorkerAnswer } from "./applyFolder.js";

parentPort?.on("message", (job: ApplyJob) => {
  let answer: WorkerAnswer;
  try {
    answer = { ok: true, report: applyToFile(job) };
  } catch (error) {
    answer = { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(answer);
});
