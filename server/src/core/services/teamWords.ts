/**
 * The team's own words: every preset with a `tags` line is an example of each tagged word. A team
 * word is known at once (its name, from the tags) and, once the network is loaded, it has a
 * centroid in the shipped encoder's latent, exactly as the bundled words do: no training needed.
 * Team words are layered over the bundled vocabulary and never replace a bundled word.
 */
import { logFrequencies, responseDb, type EqBand } from "../eq/index.js";
import { displayRoundRange, type MorphTermValue, type Range } from "../language/index.js";
import {
  normalise,
  PARAMETER_COUNT,
  parameterValuesOf,
  type SemanticModel,
  type WordConfidence,
  type WordInfo,
} from "../model/index.js";
import { effectiveBands, morphTerms, presetLabel, type ResolvedPreset } from "../presets/index.js";
import type { DocumentMeaning } from "../presets/index.js";

/** One tagged preset, as an example of one word. */
export interface TeamExample {
  /** The file it is in (a path or URI, as the index knows it). */
  file: string;
  preset: string;
  /** The tag's range in that file. */
  range: Range;
  bands: EqBand[];
}

export interface TeamWord {
  word: string;
  examples: TeamExample[];
  /** The centroid in the encoder's latent; undefined until the network is loaded. */
  centroid?: Float32Array;
  /** RMS distance (dB, 20 Hz–20 kHz) of each example's curve from the examples' mean curve. */
  spreadDb: number;
  /** The example furthest from the others, when there are several. */
  outlier?: { example: TeamExample; distanceDb: number };
  confidence: WordConfidence;
  summary: string;
}

/** Beyond this spread the examples disagree wildly: a warning says so instead of averaging silently. */
export const TEAM_DISAGREEMENT_DB = 4;

const CURVE_POINTS = logFrequencies(60);

function curveOf(bands: readonly EqBand[]): Float64Array {
  return responseDb(bands, CURVE_POINTS, 48000);
}

function rms(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum / a.length);
}

function meanCurve(curves: readonly Float64Array[]): Float64Array {
  const mean = new Float64Array(CURVE_POINTS.length);
  for (const curve of curves) for (let i = 0; i < mean.length; i++) mean[i]! += curve[i]! / curves.length;
  return mean;
}

/** Split-half reliability: the correlation of the two halves' mean curves, over fixed alternating splits. */
function splitHalfReliability(curves: readonly Float64Array[]): number | undefined {
  if (curves.length < 4) return undefined;
  const first = meanCurve(curves.filter((_, i) => i % 2 === 0));
  const second = meanCurve(curves.filter((_, i) => i % 2 === 1));
  const mean = (values: Float64Array) => values.reduce((s, v) => s + v, 0) / values.length;
  const ma = mean(first);
  const mb = mean(second);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < first.length; i++) {
    num += (first[i]! - ma) * (second[i]! - mb);
    da += (first[i]! - ma) ** 2;
    db += (second[i]! - mb) ** 2;
  }
  return da > 0 && db > 0 ? Math.round((num / Math.sqrt(da * db)) * 100) / 100 : undefined;
}

/** "lifts 80–250 Hz by 4 dB": the largest feature of a curve, in a sound designer's words. */
export function teamCurveSummary(curve: Float64Array): string {
  let peak = 0;
  for (let i = 1; i < curve.length; i++) if (Math.abs(curve[i]!) > Math.abs(curve[peak]!)) peak = i;
  const value = curve[peak]!;
  if (Math.abs(value) < 0.5) return "nearly flat";
  let low = peak;
  let high = peak;
  while (low > 0 && Math.abs(curve[low - 1]!) >= Math.abs(value) / 2 && Math.sign(curve[low - 1]!) === Math.sign(value))
    low--;
  while (
    high < curve.length - 1 &&
    Math.abs(curve[high + 1]!) >= Math.abs(value) / 2 &&
    Math.sign(curve[high + 1]!) === Math.sign(value)
  )
    high++;
  const region = displayRoundRange(CURVE_POINTS[low]!, CURVE_POINTS[high]!);
  return `${value > 0 ? "lifts" : "cuts"} ${region} by up to ${Math.abs(value).toFixed(1)} dB`;
}

function confidenceOf(examples: number, spreadDb: number, agreement: number | undefined): WordConfidence {
  const level =
    examples >= 5 && spreadDb < 2.5 && (agreement ?? 1) >= 0.7
      ? "high"
      : examples >= 2 && spreadDb < TEAM_DISAGREEMENT_DB
        ? "medium"
        : "low";
  const confidence: WordConfidence = { sources: { team: examples }, level };
  if (agreement !== undefined) confidence.agreement = agreement;
  return confidence;
}

export interface TeamWordInputs {
  documents: readonly { file: string; meaning: DocumentMeaning }[];
  /** Bands of a bundled morph (a tagged preset may itself be written as a morph of bundled words). */
  resolveBundled: (terms: MorphTermValue[]) => EqBand[] | undefined;
  /** True for a word of the bundled model. */
  isBundled: (word: string) => boolean;
  /**
   * What a preset's `use` lines bring in (the used chains, flattened), or undefined when they
   * cannot be followed or a used morph needs a team word (words must not depend on each other).
   */
  usedChain?: (preset: ResolvedPreset, meaning: DocumentMeaning) => EqBand[] | undefined;
}

/** Collects every tagged preset of the documents into team words (centroids with `withCentroids`). */
export function collectTeamWords(inputs: TeamWordInputs): Map<string, TeamWord> {
  const byWord = new Map<string, TeamExample[]>();
  for (const { file, meaning } of inputs.documents) {
    for (const preset of meaning.presets) {
      if (preset.tags.length === 0) continue;
      const bands = exampleBands(preset, meaning, inputs);
      if (!bands) continue;
      // Each word once, at its first place; one pass (a preset may carry 150,000 tags).
      const firstRanges = new Map<string, Range>();
      for (const tag of preset.tags) if (!firstRanges.has(tag.word)) firstRanges.set(tag.word, tag.range);
      for (const [tag, range] of firstRanges) {
        const list = byWord.get(tag) ?? [];
        list.push({ file, preset: presetLabel(preset), range, bands });
        byWord.set(tag, list);
      }
    }
  }
  const words = new Map<string, TeamWord>();
  for (const [word, examples] of byWord) {
    const curves = examples.map((example) => curveOf(example.bands));
    const mean = meanCurve(curves);
    const distances = curves.map((curve) => rms(curve, mean));
    const spreadDb = Math.sqrt(distances.reduce((s, d) => s + d * d, 0) / distances.length);
    // A loop, not Math.max(...distances): a word may have 125,000 examples, too many arguments.
    const worst = distances.reduce((best, distance, index) => (distance > distances[best]! ? index : best), 0);
    const teamWord: TeamWord = {
      word,
      examples,
      spreadDb: Math.round(spreadDb * 100) / 100,
      confidence: confidenceOf(examples.length, spreadDb, splitHalfReliability(curves)),
      summary: teamCurveSummary(mean),
    };
    if (examples.length > 1)
      teamWord.outlier = { example: examples[worst]!, distanceDb: Math.round(distances[worst]! * 10) / 10 };
    words.set(word, teamWord);
  }
  return words;
}

/**
 * What a tagged preset sounds like: the chains of the presets it uses, then its explicit bands
 * over the bands of its morph. A preset whose morph (or a used preset's morph) uses a team word is
 * no example (a word defined through another team word would make the words depend on each
 * other's order), nor one whose morph cannot be resolved yet.
 */
function exampleBands(preset: ResolvedPreset, meaning: DocumentMeaning, inputs: TeamWordInputs): EqBand[] | undefined {
  if (preset.uses.length === 0) return ownExampleBands(preset, inputs);
  const used = inputs.usedChain?.(preset, meaning);
  if (!used) return undefined;
  const own = preset.morph ? ownExampleBands(preset, inputs) : effectiveBands(preset, undefined);
  return own && used.length + own.length > 0 ? [...used, ...own] : undefined;
}

function ownExampleBands(preset: ResolvedPreset, inputs: TeamWordInputs): EqBand[] | undefined {
  if (!preset.morph) return preset.bands.length > 0 ? effectiveBands(preset, undefined) : undefined;
  const terms = morphTerms(preset.morph);
  if (!terms || !terms.every((term) => inputs.isBundled(term.word))) return undefined;
  const generated = inputs.resolveBundled(terms);
  return generated ? effectiveBands(preset, generated) : undefined;
}

/** The team words' centroids in the model's latent: the mean of their examples' encodings (one batch). */
export function withCentroids(words: Map<string, TeamWord>, semantic: SemanticModel, flat?: ArrayLike<number>): void {
  const all = [...words.values()];
  const examples = all.flatMap((word) => word.examples);
  if (examples.length === 0) return;
  const matrix = new Float32Array(examples.length * PARAMETER_COUNT);
  examples.forEach((example, row) =>
    normalise(parameterValuesOf(example.bands, flat), semantic.bounds, matrix, row * PARAMETER_COUNT),
  );
  const latents = semantic.network.encodeRows(matrix, examples.length);
  const size = semantic.latentSize;
  let row = 0;
  for (const word of all) {
    const centroid = new Float32Array(size);
    for (let i = 0; i < word.examples.length; i++, row++) {
      for (let k = 0; k < size; k++) centroid[k]! += latents[row * size + k]! / word.examples.length;
    }
    word.centroid = centroid;
  }
}

/** The team words as vocabulary entries (those that do not shadow a bundled word). */
export function teamWordInfos(words: Map<string, TeamWord>, isBundled: (word: string) => boolean): WordInfo[] {
  return [...words.values()]
    .filter((word) => !isBundled(word.word))
    .map((word) => ({
      word: word.word,
      examples: word.examples.length,
      confidence: word.confidence,
      summary: word.summary,
    }));
}
