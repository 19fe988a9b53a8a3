/**
 * A fuzz run: `count` documents of one seed through every check, and every `scalingEvery`-th
 * through the linearity check. Shared by the fixed-seed test and `npm run fuzz`.
 */
import { performance } from "node:perf_hooks";
import { EqLanguageService } from "../../server/src/lsp/features/languageService.js";
import { checkDocument, FuzzFailure } from "./check.js";
import {
  DEFAULT_GENERATE_OPTIONS,
  fuzzDocument,
  readSamples,
  type FuzzDocument,
  type GenerateOptions,
} from "./generate.js";
import { isLinear, MAX_LAST_STEP, MAX_RATIO } from "./scaling.js";

export interface FuzzOptions {
  seed: number;
  count: number;
  /** The first index (to replay one document: start = its index, count = 1). */
  start?: number;
  generate?: Partial<GenerateOptions>;
  probes?: number;
  /** Every n-th document is also timed at ×1, ×4, ×16 (0: never). */
  scalingEvery?: number;
  /** Stop after this many failures. */
  maxFailures?: number;
  onFailure?: (failure: FailedDocument) => void;
}

export interface FailedDocument {
  document: FuzzDocument;
  /** What made the document: needed to replay it, since the size limits shape the text. */
  generate: GenerateOptions;
  check: string;
  message: string;
}

export interface FuzzReport {
  documents: number;
  characters: number;
  /** Documents without syntax errors, so formatted and checked for idempotence and meaning. */
  formatted: number;
  seconds: number;
  scalingChecked: number;
  worstRatio: number;
  failures: FailedDocument[];
}

export function runFuzz(options: FuzzOptions): FuzzReport {
  const samples = readSamples();
  const generate = { ...DEFAULT_GENERATE_OPTIONS, ...options.generate };
  // The bundled model's vocabulary (metadata.json); no network, so hover and validation never wait.
  const service = new EqLanguageService();
  const context = service.validationContext();
  const failures: FailedDocument[] = [];
  const started = performance.now();
  const start = options.start ?? 0;
  let characters = 0;
  let formatted = 0;
  let scalingChecked = 0;
  let worstRatio = 0;
  const fail = (failure: FailedDocument) => {
    failures.push(failure);
    options.onFailure?.(failure);
  };
  let index = start;
  for (; index < start + options.count && failures.length < (options.maxFailures ?? 20); index++) {
    const document = fuzzDocument(options.seed, index, samples, generate);
    characters += document.text.length;
    try {
      if (checkDocument(document, service, index + 1, { probes: options.probes ?? 2 })) formatted++;
    } catch (error) {
      const check = error instanceof FuzzFailure ? error.check : "check threw";
      fail({ document, generate, check, message: (error as Error).message });
      continue;
    }
    if (options.scalingEvery && index % options.scalingEvery === 0) {
      const { linear, scaling } = isLinear(document.text, context);
      scalingChecked++;
      worstRatio = Math.max(worstRatio, scaling.ratio);
      if (!linear) {
        fail({
          document,
          generate,
          check: "linear time",
          message: `parse+validate of ${scaling.sizes.join(" / ")} characters took ${scaling.times.map((ms) => ms.toFixed(2)).join(" / ")} ms: ×${scaling.ratio.toFixed(1)} for ×16 (limit ×${MAX_RATIO}), ×${scaling.lastStep.toFixed(1)} for the last ×4 (limit ×${MAX_LAST_STEP})`,
        });
      }
    }
  }
  return {
    documents: index - start,
    characters,
    formatted,
    seconds: (performance.now() - started) / 1000,
    scalingChecked,
    worstRatio,
    failures,
  };
}

/** A failure as a reader needs it: how to replay it, what broke, and the text (escaped). */
export function describeFailure(failure: FailedDocument): string {
  const { seed, index, recipe, text } = failure.document;
  const shown =
    text.length > 600 ? `${JSON.stringify(text.slice(0, 600))}… (${text.length} characters)` : JSON.stringify(text);
  const { maxSize, longLine, longLineRate } = failure.generate;
  const replay = `npm run fuzz -- --seed ${seed} --start ${index} --count 1 --max-size ${maxSize} --long-line ${longLine} --long-line-rate ${longLineRate}`;
  return `seed ${seed} index ${index} (${recipe}) — ${failure.message}\n  replay: ${replay}\n  text: ${shown}`;
}
