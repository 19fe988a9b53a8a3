/**
 * Is parse + validate linear in the size of a document? The same document repeated ×1, ×4 and ×16
 * is timed (best of a few runs, so a GC pause or a neighbour on the machine does not count), and
 * only the ratio matters: no absolute time, so a slow machine passes and a quadratic parser fails.
 */
import { performance } from "node:perf_hooks";
import { parsePresetDocument, validateDocument, type ValidationContext } from "../../server/src/core/index.js";

export interface Scaling {
  /** Characters of the ×1, ×4 and ×16 texts. */
  sizes: number[];
  /** Best milliseconds of each. */
  times: number[];
  /** time(×16) / time(×1): 16 when linear. */
  ratio: number;
  /** time(×16) / time(×4): 4 when linear, 16 when quadratic. */
  lastStep: number;
}

/** Linear is 16; 40 leaves room for cache effects and noise, a quadratic parser gives ~256. */
export const MAX_RATIO = 40;
/** Linear is 4 for the last ×4 step; quadratic is 16. */
export const MAX_LAST_STEP = 10;

function best(run: () => void, runs: number): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

/**
 * The ×1 text is the document repeated up to `baseSize` characters, so that the fixed cost of a
 * call does not hide the growth.
 */
export function measureScaling(text: string, context: ValidationContext, baseSize = 2000, runs = 3): Scaling {
  const unit = text.length === 0 ? "\n" : text;
  const base = Array.from({ length: Math.max(1, Math.ceil(baseSize / unit.length)) }, () => unit).join("\n");
  const texts = [1, 4, 16].map((factor) => Array.from({ length: factor }, () => base).join("\n"));
  const parseAndValidate = (source: string) => () => void validateDocument(parsePresetDocument(source), context);
  // Warm up once, so that the first measurement does not pay for the JIT.
  parseAndValidate(texts[0]!)();
  const times = texts.map((source) => best(parseAndValidate(source), runs));
  return {
    sizes: texts.map((source) => source.length),
    times,
    ratio: times[2]! / Math.max(times[0]!, 1e-3),
    lastStep: times[2]! / Math.max(times[1]!, 1e-3),
  };
}

/**
 * Measures again, larger and with more runs, before calling a document non-linear: one slow run is
 * noise, and small texts can be unfairly fast (a 4 KB string of NULs lexes at twice the speed per
 * character of a 64 KB one, then the speed stays flat up to megabytes). Such a one-off step is
 * forgiven when the last ×4 step is linear; quadratic time grows at every step, so it still fails.
 */
export function isLinear(text: string, context: ValidationContext): { linear: boolean; scaling: Scaling } {
  const acceptable = (scaling: Scaling) => scaling.ratio <= MAX_RATIO || scaling.lastStep <= MAX_LAST_STEP;
  const first = measureScaling(text, context);
  if (acceptable(first)) return { linear: true, scaling: first };
  const second = measureScaling(text, context, 8000, 5);
  return { linear: acceptable(second), scaling: second };
}
