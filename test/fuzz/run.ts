/**
 * `npm run fuzz`: a longer fuzz run than the test suite's. Every failing document is written to
 * .fuzz-failures/ (the text as is, and what failed), and the exit code is 1 if any failed.
 *
 *   npm run fuzz -- --count 1000000 --seed 42 --max-size 4000
 *   npm run fuzz -- --seed 42 --start 1234 --count 1        # replay one document
 */
import { Command, InvalidArgumentError } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { DEFAULT_GENERATE_OPTIONS } from "./generate.js";
import { describeFailure, runFuzz, type FailedDocument } from "./runner.js";

function wholeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new InvalidArgumentError(`expected a whole number ≥ 0, not ${JSON.stringify(text)}`);
  return value;
}

function fraction(text: string): number {
  const value = Number(text);
  if (!(value >= 0 && value <= 1))
    throw new InvalidArgumentError(`expected a number from 0 to 1, not ${JSON.stringify(text)}`);
  return value;
}

const program = new Command()
  .name("npm run fuzz --")
  .description("fuzz the parser, validation and language service with seeded documents")
  .option("--count <n>", "documents to check", wholeNumber, 200_000)
  .option("--seed <n>", "seed of the run (default: from the clock, printed)", wholeNumber)
  .option("--start <n>", "index of the first document (replay: --start <index> --count 1)", wholeNumber, 0)
  .option("--max-size <chars>", "rough upper bound of a document's size", wholeNumber, 2000)
  .option("--long-line <chars>", "length of the rare very long line", wholeNumber, DEFAULT_GENERATE_OPTIONS.longLine)
  .option(
    "--long-line-rate <p>",
    "chance that a mutation is the very long line",
    fraction,
    DEFAULT_GENERATE_OPTIONS.longLineRate,
  )
  .option("--probes <n>", "hover and completion positions per document", wholeNumber, 3)
  .option("--scaling-every <n>", "time every n-th document at ×1, ×4, ×16 (0: never)", wholeNumber, 500)
  .option("--max-failures <n>", "stop after this many failures", wholeNumber, 100)
  .option("--out <dir>", "where failing documents are written", ".fuzz-failures")
  .parse();

const options = program.opts<{
  count: number;
  seed?: number;
  start: number;
  maxSize: number;
  longLine: number;
  longLineRate: number;
  probes: number;
  scalingEvery: number;
  maxFailures: number;
  out: string;
}>();
const seed = options.seed ?? Date.now() % 2_147_483_647;
process.stdout.write(
  `fuzz: seed ${seed}, documents ${options.start}–${options.start + options.count - 1}, max size ${options.maxSize}\n`,
);

const save = (failure: FailedDocument) => {
  mkdirSync(options.out, { recursive: true });
  const base = path.join(options.out, `seed-${failure.document.seed}-index-${failure.document.index}`);
  writeFileSync(`${base}.eqp`, failure.document.text);
  writeFileSync(`${base}.txt`, `${describeFailure(failure)}\n`);
  process.stdout.write(`FAIL ${describeFailure(failure)}\n  written to ${base}.eqp\n`);
};

// In chunks, so that a long run shows it is alive.
const CHUNK = 10_000;
let documents = 0;
let characters = 0;
let formatted = 0;
let seconds = 0;
let worstRatio = 0;
let failures = 0;
for (
  let start = options.start;
  start < options.start + options.count && failures < options.maxFailures;
  start += CHUNK
) {
  const report = runFuzz({
    seed,
    start,
    count: Math.min(CHUNK, options.start + options.count - start),
    generate: { maxSize: options.maxSize, longLine: options.longLine, longLineRate: options.longLineRate },
    probes: options.probes,
    scalingEvery: options.scalingEvery,
    maxFailures: options.maxFailures - failures,
    onFailure: save,
  });
  documents += report.documents;
  characters += report.characters;
  formatted += report.formatted;
  seconds += report.seconds;
  worstRatio = Math.max(worstRatio, report.worstRatio);
  failures += report.failures.length;
  process.stdout.write(
    `  ${documents} documents, ${(characters / 1e6).toFixed(1)} MB, ${formatted} formatted, ${seconds.toFixed(0)} s, ${failures} failures\n`,
  );
}
process.stdout.write(
  `fuzz: ${documents} documents (${(characters / 1e6).toFixed(1)} MB, ${formatted} without syntax errors) in ${seconds.toFixed(1)} s; worst ×16 time ratio ${worstRatio.toFixed(1)}; ${failures} failures\n`,
);
process.exitCode = failures > 0 ? 1 : 0;
