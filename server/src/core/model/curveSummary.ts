/**
 * What a curve does, in one line: "cuts lows, lifts 3–8 kHz". Regions where the curve stays beyond
 * ±{@link SUMMARY_THRESHOLD_DB} dB are named by their edges, the largest (by area on a log axis)
 * first, at most three. Used for a word's `summary` in the model's metadata.
 */
import { displayRoundFrequency, displayRoundRange } from "../language/index.js";

/** Smaller deviations than this are not worth naming: about what people notice on a broad band. */
export const SUMMARY_THRESHOLD_DB = 1.5;

function region(low: number, high: number, first: boolean, last: boolean): string {
  if (first && last) return "everything";
  if (first) return high <= 300 ? "lows" : `below ${displayRoundFrequency(high)}`;
  if (last) return low >= 6000 ? "highs" : `above ${displayRoundFrequency(low)}`;
  return displayRoundRange(low, high);
}

/** The one-line summary of `curveDb` given at ascending `frequencies` (Hz). */
export function curveRegionsSummary(frequencies: ArrayLike<number>, curveDb: ArrayLike<number>, maxParts = 3): string {
  const n = frequencies.length;
  const parts: { text: string; weight: number }[] = [];
  let i = 0;
  while (i < n) {
    const sign = Math.abs(curveDb[i]!) >= SUMMARY_THRESHOLD_DB ? Math.sign(curveDb[i]!) : 0;
    let j = i;
    let area = 0;
    while (j < n && (sign === 0 ? Math.abs(curveDb[j]!) < SUMMARY_THRESHOLD_DB : Math.sign(curveDb[j]!) === sign && Math.abs(curveDb[j]!) >= SUMMARY_THRESHOLD_DB)) {
      area += Math.abs(curveDb[j]!);
      j++;
    }
    if (sign !== 0) {
      const text = `${sign > 0 ? "lifts" : "cuts"} ${region(frequencies[i]!, frequencies[j - 1]!, i === 0, j === n)}`;
      parts.push({ text, weight: area });
    }
    i = j;
  }
  if (parts.length === 0) return "nearly flat (within ±1.5 dB)";
  const kept = new Set([...parts].sort((a, b) => b.weight - a.weight).slice(0, maxParts));
  return parts.filter((part) => kept.has(part)).map((part) => part.text).join(", ");
}
