/**
 * Priors for words whose crowd data contradict physics (issue 21). `distant` was learnt from two
 * SocialFX curves that lift the highs (+1.8 dB at 11 kHz), while distance takes them away: air
 * absorbs high frequencies far more than low ones (ISO 9613-1). With so few examples the crowd's
 * mean curve is mostly noise, so it is shrunk toward the physical curve, as a Bayesian mean with
 * the prior counted as {@link PRIOR_EXAMPLES} examples: `(n · crowd + k · prior) / (n + k)`. A word
 * backed by many people keeps its crowd curve almost unchanged; `distant` (n = 2) gets 1/5 of it.
 * Used where the word's target is built (training/modelBuilding.ts wordModels, and
 * scripts/apply-word-priors.ts for the shipped model); measured in model/README.md.
 */

/** The atmosphere of ISO 9613-1's reference conditions used here: 20 °C, 50 % relative humidity, sea level. */
export interface Atmosphere {
  temperatureC: number;
  relativeHumidityPercent: number;
  pressureKPa: number;
}

export const STANDARD_ATMOSPHERE: Atmosphere = { temperatureC: 20, relativeHumidityPercent: 50, pressureKPa: 101.325 };

/**
 * The pure-tone attenuation coefficient of air in dB per metre (ISO 9613-1:1993, equations 3–5 and
 * B.1–B.3): classical absorption plus the relaxation of oxygen and nitrogen molecules.
 */
export function airAbsorptionDbPerMetre(frequencyHz: number, atmosphere: Atmosphere = STANDARD_ATMOSPHERE): number {
  const reference = 101.325;
  const t = atmosphere.temperatureC + 273.15;
  const t0 = 293.15;
  const p = atmosphere.pressureKPa / reference;
  // Molar concentration of water vapour (%), from the relative humidity and the saturation pressure.
  const saturation = 10 ** (-6.8346 * (273.16 / t) ** 1.261 + 4.6151);
  const h = (atmosphere.relativeHumidityPercent * saturation) / p;
  const oxygen = p * (24 + (4.04e4 * h * (0.02 + h)) / (0.391 + h));
  const nitrogen = p * (t / t0) ** -0.5 * (9 + 280 * h * Math.exp(-4.17 * ((t / t0) ** (-1 / 3) - 1)));
  const f2 = frequencyHz * frequencyHz;
  return (
    8.686 *
    f2 *
    (1.84e-11 / p * (t / t0) ** 0.5 +
      (t / t0) ** -2.5 *
        ((0.01275 * Math.exp(-2239.1 / t)) / (oxygen + f2 / oxygen) +
          (0.1068 * Math.exp(-3352 / t)) / (nitrogen + f2 / nitrogen)))
  );
}

/** The prior counts as this many examples: the number of people a word needs for high confidence. */
export const PRIOR_EXAMPLES = 8;

/**
 * How far `distant` is: 50 m, a source well beyond a room but in sight (a street away, across a
 * field). Air takes 5.3 dB at 8 kHz, 9.5 dB at 11 kHz and 0.5 dB at 2 kHz over 50 m, nearly nothing
 * below 1 kHz.
 */
export const DISTANT_METRES = 50;

export interface WordPrior {
  /** Why the prior exists, for the README and hovers. */
  why: string;
  /** The physical curve (dB) at the given frequencies. */
  curveDb(frequencies: ArrayLike<number>): Float64Array;
}

export const WORD_PRIORS: Readonly<Record<string, WordPrior>> = {
  distant: {
    why: `air absorption over ${DISTANT_METRES} m (ISO 9613-1, 20 °C, 50 % humidity): distance takes the highs away`,
    curveDb: (frequencies) => Float64Array.from(frequencies, (f) => -DISTANT_METRES * airAbsorptionDbPerMetre(f)),
  },
};

/** The word's physical prior, if it has one. */
export function wordPrior(word: string): WordPrior | undefined {
  const key = word.trim().toLowerCase();
  return Object.hasOwn(WORD_PRIORS, key) ? WORD_PRIORS[key] : undefined;
}

/** The crowd's mean curve of `examples` examples shrunk toward the word's prior; unchanged without one. */
export function withPrior(word: string, crowdMeanDb: Float64Array, examples: number, frequencies: ArrayLike<number>): Float64Array {
  const prior = wordPrior(word);
  if (!prior) return crowdMeanDb;
  const physical = prior.curveDb(frequencies);
  const crowdShare = examples / (examples + PRIOR_EXAMPLES);
  return crowdMeanDb.map((value, i) => crowdShare * value + (1 - crowdShare) * physical[i]!);
}
