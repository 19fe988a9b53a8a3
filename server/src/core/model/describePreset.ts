/**
 * The words nearest to concrete bands: bands → the model's 13 parameters → the encoder →
 * `SemanticModel.describe` → "0.7 warm, 0.2 bright". Shared by `eqp describe` and the editor's
 * hover on explicit presets, so both name the same words.
 */
import { clamp, DEFAULT_BELL_Q, type EqBand } from "../eq/index.js";
import type { ModelMetadata } from "./metadata.js";
import { displayFrequency, filterName, formatDecimal, type MorphTermValue } from "../language/index.js";
import { PARAMETER_COUNT, PARAMETERS, sortBells } from "./parameters.js";
import type { SemanticModel } from "./semanticModel.js";

export interface DescribeOptions {
  /** At most this many words (default 3). */
  maxWords?: number;
  /**
   * The 13 values that stand for a slot the bands leave empty (the model folder's
   * `flatParameters`). Default: gain 0 dB, the geometric middle of the slot's frequency range,
   * Q 0.71. Only the empty slots' values are used; their gain is always 0 dB.
   */
  flat?: ArrayLike<number>;
}

/** The model folder's flat setting (`model.flatParameters`), when its metadata has a usable one. */
export function flatParametersOf(metadata: ModelMetadata): number[] | undefined {
  const model = metadata.model as { flatParameters?: unknown } | undefined;
  const flat = model?.flatParameters;
  return Array.isArray(flat) && flat.length === PARAMETER_COUNT && flat.every((value) => typeof value === "number") ? (flat) : undefined;
}

/**
 * The model's 13 parameters (LS gain, LS freq, B1 gain, B1 freq, B1 Q, …, HS gain, HS freq) of
 * concrete bands, clamped into the plug-in's ranges as the model was trained, with the bells
 * sorted by frequency as in its training data. An empty slot counts as flat (0 dB).
 */
export function parameterValuesOf(bands: readonly EqBand[], flat?: ArrayLike<number>): number[] {
  const values = PARAMETERS.map((parameter, index) => {
    const band = bands.find((candidate) => candidate.slot === parameter.slot);
    const range = parameter.pluginRange;
    const empty = parameter.kind === "gain" ? 0 : (flat?.[index] ?? (parameter.kind === "q" ? DEFAULT_BELL_Q : Math.sqrt(range.min * range.max)));
    if (!band) return clamp(empty, range);
    if (parameter.kind === "gain") return clamp(band.gainDb, range);
    if (parameter.kind === "q") return clamp(band.q, range);
    return clamp(band.frequencyHz, range);
  });
  return sortBells(values);
}

/** The nearest words with their weights, largest first; empty when no word comes close. */
export function describeBands(model: SemanticModel, bands: readonly EqBand[], options: DescribeOptions = {}): MorphTermValue[] {
  return model.describe(parameterValuesOf(bands, options.flat), options.maxWords ?? 3);
}

/**
 * "0.7 warm, 0.2 bright"; "no word of the model comes close" for none. The pass filters and
 * notches, which no word describes, are named as filters after the words: "0.8 thin, with a 300 Hz
 * high-pass and a 3.4 kHz low-pass".
 */
export function formatDescription(terms: readonly MorphTermValue[], bands: readonly EqBand[] = []): string {
  const words =
    terms.length === 0
      ? "no word of the model comes close"
      : terms.map((term) => `${formatDecimal(term.weight, 1)} ${term.word}`).join(", ");
  const filters = filterPhrase(bands);
  return filters ? `${words}, with ${filters}` : words;
}

/** "a 300 Hz high-pass and an 8 kHz low-pass"; empty when the bands have no pass filter or notch. */
export function filterPhrase(bands: readonly EqBand[]): string {
  const named = bands.flatMap((band) => {
    const kind = filterName(band.slot);
    if (kind === undefined) return [];
    const frequency = displayFrequency(band.frequencyHz);
    // "an 80 Hz", "an 11 kHz", "an 18 kHz" (but "a 110 Hz"): the article follows the number as it is spoken.
    const article = /^(8|1[18](?!\d))/.test(frequency) ? "an" : "a";
    return [`${article} ${frequency} ${kind}`];
  });
  if (named.length <= 1) return named.join("");
  return `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}`;
}
