/**
 * The trained model as the product uses it: words → latent centroids → decoded EQ parameters.
 * A morph `a 0.3 b 0.7` decodes z_flat + Σ wᵢ (c_wᵢ − z_flat): weights are intensities relative
 * to a flat EQ. Deterministic, cached per morph, batched per document.
 */
import type { MorphTermValue } from "../language/index.js";
import { Vocabulary, type WordConfidence, type WordInfo } from "./vocabulary.js";
import { denormalise, normalise, PARAMETER_COUNT, type ParameterBounds } from "./parameters.js";
import { hasLessOf, lessOfSetting } from "./lessOf.js";
import { isTimbreWord } from "./timbre.js";
import { evaluationCurve } from "./metrics.js";
import { describeCurve, type WordCurve } from "./describeCurve.js";

/**
 * What inference needs of a network: latents to normalised parameters and back, in row-major
 * batches. The tfjs `Network` (core/network) implements it; inference never imports tfjs.
 */
export interface LatentDecoder {
  /** `n` latents (row-major) → `n` rows of normalised parameters. */
  decodeRows(latents: Float32Array, n: number): Float32Array;
  /** `n` rows of normalised parameters → `n` latents. */
  encodeRows(rows: Float32Array, n: number): Float32Array;
  dispose(): void;
}

export interface WordModel {
  word: string;
  examples: number;
  /** The mean latent of its examples: where they live, what `describe` compares against. */
  centroid: number[];
  /** What `morph word` decodes, when it is not the centroid (see wordModels in modelBuilding.ts). */
  outputLatent?: number[];
  /** 10th, 50th and 90th percentiles of the word's 13 parameters in the data. */
  percentiles: { p10: number[]; p50: number[]; p90: number[] };
  /** Examples, sources and agreement (models trained on two crowds). */
  confidence?: WordConfidence;
  /** What its curve does, in one line. */
  summary?: string;
}

export class UnknownWordError extends Error {
  override name = "UnknownWordError";
}

/** A low-confidence word may be named by `describe` with this many examples that agree at least {@link DESCRIBABLE_AGREEMENT}. */
export const DESCRIBABLE_MIN_EXAMPLES = 3;
export const DESCRIBABLE_AGREEMENT = 0.8;

function isBackedEnough(word: WordModel): boolean {
  const confidence = word.confidence;
  if (!confidence || confidence.level !== "low") return true;
  return word.examples >= DESCRIBABLE_MIN_EXAMPLES && (confidence.agreement ?? 0) >= DESCRIBABLE_AGREEMENT;
}

export class SemanticModel<Decoder extends LatentDecoder = LatentDecoder> {
  readonly vocabulary: Vocabulary;
  private readonly words: Map<string, WordModel>;
  private readonly cache = new Map<string, Float64Array>();
  private static readonly CACHE_LIMIT = 5000;
  private extraTargets: (word: string) => ArrayLike<number> | undefined = () => undefined;

  constructor(
    readonly network: Decoder,
    readonly bounds: ParameterBounds,
    readonly flatLatent: Float32Array,
    words: WordModel[],
  ) {
    this.words = new Map(words.map((word) => [word.word, word]));
    this.vocabulary = new Vocabulary(
      words.map(({ word, examples, confidence, summary }) => {
        const info: WordInfo = { word, examples };
        if (confidence) info.confidence = confidence;
        if (summary) info.summary = summary;
        return info;
      }),
    );
  }

  get latentSize(): number {
    return this.flatLatent.length;
  }

  word(word: string): WordModel | undefined {
    return this.words.get(word.trim().toLowerCase());
  }

  /** Every word's model, in the order the model was given them (a saved model keeps it). */
  wordModels(): WordModel[] {
    return [...this.words.values()];
  }

  /**
   * Lets morphs use words the model does not own (a team's tagged words), by their latent target;
   * the model's own words keep theirs. Forgets decoded morphs, since a team word's target may move.
   */
  useExtraWords(targetOf: (word: string) => ArrayLike<number> | undefined): void {
    this.extraTargets = targetOf;
    this.cache.clear();
  }

  /** What `morph word` alone decodes: the model's own target (see wordModels), else an extra word's. */
  private targetOf(word: string): ArrayLike<number> | undefined {
    const own = this.word(word);
    return own ? (own.outputLatent ?? own.centroid) : this.extraTargets(word.trim().toLowerCase());
  }

  /** The latent of a morph. Throws UnknownWordError for a word the model does not know. */
  morphLatent(terms: readonly MorphTermValue[]): Float32Array {
    const latent = mixLatent(this.flatLatent, terms, (word) => this.targetOf(word));
    if (latent) return latent;
    throw this.unknownWord(terms);
  }

  private unknownWord(terms: readonly MorphTermValue[]): UnknownWordError {
    const unknown = terms.find((term) => !this.targetOf(term.word));
    return new UnknownWordError(`unknown word '${unknown?.word}'`);
  }

  /** The 13 parameters (plug-in units, in range) of a morph. */
  generate(terms: readonly MorphTermValue[]): Float64Array {
    return this.generateMany([terms])[0]!;
  }

  /** Decodes every morph not yet cached in one batch; one with a negative weight is "less of" (lessOf.ts). */
  generateMany(morphs: readonly (readonly MorphTermValue[])[]): Float64Array[] {
    return this.generateKnown(morphs).map((values, index) => {
      if (!values) throw this.unknownWord(morphs[index]!);
      return values;
    });
  }

  /** As generateMany, with undefined for a morph that names a word the model does not know. */
  generateKnown(morphs: readonly (readonly MorphTermValue[])[]): (Float64Array | undefined)[] {
    const keys = morphs.map(morphKey);
    const firstIndex = new Map<string, number>();
    keys.forEach((key, index) => firstIndex.set(key, firstIndex.get(key) ?? index));
    // Kept apart from the cache, which may be cleared on the way (lessOfSetting decodes through it).
    const fresh = new Map<string, Float64Array | undefined>();
    const latents = new Map<string, Float32Array>();
    for (const [key, index] of firstIndex) {
      const terms = morphs[index]!;
      const cached = this.cache.get(key);
      if (cached) fresh.set(key, cached);
      else if (terms.some((term) => !this.targetOf(term.word))) fresh.set(key, undefined);
      else if (hasLessOf(terms)) fresh.set(key, lessOfSetting(terms, (positive) => this.generate(positive)));
      else latents.set(key, mixLatent(this.flatLatent, terms, (word) => this.targetOf(word))!);
    }
    if (latents.size > 0) {
      const rows = new Float32Array(latents.size * this.latentSize);
      [...latents.values()].forEach((latent, row) => rows.set(latent, row * this.latentSize));
      const decoded = this.network.decodeRows(rows, latents.size);
      [...latents.keys()].forEach((key, index) =>
        fresh.set(key, denormalise(decoded, this.bounds, index * PARAMETER_COUNT)),
      );
    }
    if (this.cache.size + fresh.size > SemanticModel.CACHE_LIMIT) this.cache.clear();
    for (const [key, values] of fresh) if (values) this.cache.set(key, values);
    return keys.map((key) => fresh.get(key));
  }

  /** The latent of concrete parameters (plug-in units). */
  encode(values: ArrayLike<number>): Float32Array {
    return this.network.encodeRows(normalise(values, this.bounds), 1);
  }

  /**
   * The words nearest to a concrete setting, by its curve: non-negative weights over the words'
   * curves (what `morph word` adds to flat, in dB on the evaluation grid) that best rebuild the
   * setting's curve, largest contribution (weight × the word's RMS dB) first (describeCurve.ts).
   * The encoder's latent was used before; it named the radio-like "Radio chatter" (−12 dB
   * shelves at 400 Hz and 3.5 kHz, +6 dB at 1.8 kHz) "1.5 warm, 0.8 sharp, 0.6 thin", warm lifting
   * the lows the preset cuts by 12 dB (model/README.md, "Describe").
   */
  describe(values: ArrayLike<number>, maxWords = 3): MorphTermValue[] {
    const flat = this.flatCurve();
    const goal = evaluationCurve(values).map((value, i) => value - flat[i]!);
    return describeCurve(goal, this.describableCurves(), maxWords);
  }

  private flatCurveCache?: Float64Array;
  private describable?: WordCurve[];

  private flatCurve(): Float64Array {
    return (this.flatCurveCache ??= evaluationCurve(this.generate([])));
  }

  /** The describable words' curves relative to flat, decoded once (in one batch). */
  private describableCurves(): WordCurve[] {
    if (!this.describable) {
      const flat = this.flatCurve();
      const words = this.describableWords();
      const decoded = this.generateMany(words.map((word) => [{ word: word.word, weight: 1 }]));
      this.describable = words.map((word, i) => ({
        word: word.word,
        examples: word.examples,
        curveDb: evaluationCurve(decoded[i]!).map((value, k) => value - flat[k]!),
      }));
    }
    return this.describable;
  }

  /**
   * The words a description may name: timbre words (timbre.ts: "sad" or "fast" say nothing of how
   * a preset sounds) that the data back, when the model measured confidence: high or medium, or
   * low only for want of people, with 3+ examples that agree (split-half agreement ≥ 0.8: radio,
   * airy, hard, presence, toppy). A low word whose people disagree (dull 0.36) or that rests on two
   * examples is a guess, and naming a preset after one says more than the data do.
   */
  private describableWords(): WordModel[] {
    const all = [...this.words.values()].filter((word) => isTimbreWord(word.word));
    const trusted = all.filter((word) => word.confidence && isBackedEnough(word));
    return trusted.length > 0 ? trusted : all;
  }

  dispose(): void {
    this.network.dispose();
    this.cache.clear();
  }
}

/**
 * The latent of a morph: z_flat + Σ wᵢ (c_wᵢ − z_flat), weights being intensities relative to a
 * flat EQ. The one mixing rule for the model's words and a team's; undefined when a word has no target.
 */
export function mixLatent(
  flat: Float32Array,
  terms: readonly MorphTermValue[],
  targetOf: (word: string) => ArrayLike<number> | undefined,
): Float32Array | undefined {
  const latent = Float32Array.from(flat);
  for (const term of terms) {
    const target = targetOf(term.word);
    if (!target) return undefined;
    for (let k = 0; k < latent.length; k++) latent[k]! += term.weight * (target[k]! - flat[k]!);
  }
  return latent;
}

export function morphKey(terms: readonly MorphTermValue[]): string {
  return terms.map((term) => `${term.word.toLowerCase()}:${term.weight}`).join(" ");
}
