/**
 * The "model" section of a model folder's `metadata.json`, checked value by value before anything
 * uses it: a string or a null where a number belongs would otherwise decode as NaN and reach
 * exports ("Fc NaN Hz"), hovers and audio. Each problem names the field, as a path into the file.
 */
import { PARAMETER_COUNT } from "../model/index.js";

/** Every problem of `info` (empty: usable), for a network whose latent has `latentSize` values. */
export function trainedModelProblems(info: Record<string, unknown>, latentSize: number): string[] {
  const problems: string[] = [];
  if (info.latentSize !== latentSize)
    problems.push(`latentSize ${String(info.latentSize)} ≠ the network's ${latentSize}`);
  if (!Array.isArray(info.flatLatent) || info.flatLatent.length !== latentSize)
    problems.push("flatLatent has the wrong length");
  else numbersProblem(info.flatLatent, "model.flatLatent", problems);
  if (info.flatParameters !== undefined)
    vectorProblem(info.flatParameters, PARAMETER_COUNT, "model.flatParameters", problems);
  boundsProblems(info.bounds, problems);
  if (!Array.isArray(info.words) || info.words.length === 0) problems.push("no words");
  else info.words.forEach((word: unknown, index) => wordProblems(word, index, latentSize, problems));
  return problems;
}

function boundsProblems(bounds: unknown, problems: string[]): void {
  const ranges = isRecord(bounds) ? bounds.ranges : undefined;
  if (!Array.isArray(ranges) || ranges.length !== PARAMETER_COUNT) {
    problems.push("bounds must give 13 ranges");
    return;
  }
  ranges.forEach((range: unknown, index) => {
    const at = `model.bounds.ranges[${index}]`;
    if (!isRecord(range)) return problems.push(`${at} is ${shown(range)}, expected {"min", "max", "log"}`);
    const before = problems.length;
    numberProblem(range.min, `${at}.min`, problems);
    numberProblem(range.max, `${at}.max`, problems);
    if (typeof range.log !== "boolean") problems.push(`${at}.log is ${shown(range.log)}, expected true or false`);
    if (problems.length > before) return;
    const [min, max] = [range.min as number, range.max as number];
    if (!(max > min) || (range.log && !(min > 0)))
      problems.push(
        `${at} runs from ${min} to ${max}, expected min < max${range.log ? " and min > 0 (a log scale)" : ""}`,
      );
  });
}

function wordProblems(word: unknown, index: number, latentSize: number, problems: string[]): void {
  if (!isRecord(word) || typeof word.word !== "string" || !word.word.trim()) {
    problems.push(`model.words[${index}].word is ${shown(isRecord(word) ? word.word : word)}, expected a word (text)`);
    return;
  }
  const at = `model.words.${word.word}`;
  if (!(typeof word.examples === "number" && Number.isFinite(word.examples) && word.examples >= 0))
    problems.push(`${at}.examples is ${shown(word.examples)}, expected a count of examples`);
  if (!Array.isArray(word.centroid) || word.centroid.length !== latentSize)
    problems.push(`the centroid of '${word.word}' has the wrong length`);
  else numbersProblem(word.centroid, `${at}.centroid`, problems);
  if (word.outputLatent !== undefined) {
    if (!Array.isArray(word.outputLatent) || word.outputLatent.length !== latentSize)
      problems.push(`the output latent of '${word.word}' has the wrong length`);
    else numbersProblem(word.outputLatent, `${at}.outputLatent`, problems);
  }
  const percentiles = isRecord(word.percentiles) ? word.percentiles : {};
  for (const key of ["p10", "p50", "p90"])
    vectorProblem(percentiles[key], PARAMETER_COUNT, `${at}.percentiles.${key}`, problems);
}

function vectorProblem(values: unknown, length: number, at: string, problems: string[]): void {
  if (!Array.isArray(values) || values.length !== length)
    problems.push(`${at} is ${shown(values)}, expected a list of ${length} numbers`);
  else numbersProblem(values, at, problems);
}

/** The first value of the list that is not a finite number (one per list: a broken list says so once). */
function numbersProblem(values: readonly unknown[], at: string, problems: string[]): void {
  const index = values.findIndex((value) => !isFiniteNumber(value));
  if (index >= 0) numberProblem(values[index], `${at}[${index}]`, problems);
}

function numberProblem(value: unknown, at: string, problems: string[]): void {
  if (!isFiniteNumber(value)) problems.push(`${at} is ${shown(value)}, expected a finite number`);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value as the message shows it: JSON (a string in quotes, null), cut short. */
function shown(value: unknown): string {
  if (value === undefined) return "missing";
  if (typeof value === "number") return String(value);
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
