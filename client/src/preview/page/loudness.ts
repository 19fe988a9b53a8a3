/**
 * Loudness matching for the A/B toggle. An EQ that boosts sounds "better" simply because it is
 * louder; so when the EQ is bypassed, the dry signal is turned up or down to the loudness the EQ'd
 * signal would have, and the comparison is about tone only.
 *
 * The method: the loudness change the EQ causes on pink noise, measured the way ITU-R BS.1770
 * (LUFS) measures loudness. Pink noise has equal power per octave, the usual stand-in for the
 * long-term spectrum of music and speech; BS.1770's K-weighting (a +4 dB shelf above ~1.5 kHz and
 * a high-pass below ~60 Hz) models how loud each part of the spectrum sounds. So the match is
 *
 *   10·log10( ∫ K(f)²·|H(f)|² d(ln f) / ∫ K(f)² d(ln f) )  over the response's grid (20 Hz–20 kHz),
 *
 * with H the EQ's response (output gain included) as the server computed it for the preset. It is
 * computed from the response, not measured on the playing signal, so it is the same for the loop
 * and for any file, does not drift while the music plays, and is exact the moment the preset changes.
 */

/** A biquad as BS.1770-4 gives it, for 48 kHz. */
interface WeightingBiquad {
  b: readonly [number, number, number];
  a: readonly [number, number, number];
}

/** BS.1770-4, stage 1: the head's acoustic effect, a high shelf. */
const K_PRE_FILTER: WeightingBiquad = {
  b: [1.53512485958697, -2.69169618940638, 1.19839281085285],
  a: [1.0, -1.69065929318241, 0.73248077421585],
};
/** BS.1770-4, stage 2: the RLB weighting, a high-pass. */
const K_RLB_FILTER: WeightingBiquad = {
  b: [1.0, -2.0, 1.0],
  a: [1.0, -1.99004745483398, 0.99007225036621],
};
const K_SAMPLE_RATE = 48_000;

function biquadPower(filter: WeightingBiquad, frequencyHz: number): number {
  const w = (2 * Math.PI * frequencyHz) / K_SAMPLE_RATE;
  const [b0, b1, b2] = filter.b;
  const [a0, a1, a2] = filter.a;
  const numeratorRe = b0 + b1 * Math.cos(w) + b2 * Math.cos(2 * w);
  const numeratorIm = -(b1 * Math.sin(w) + b2 * Math.sin(2 * w));
  const denominatorRe = a0 + a1 * Math.cos(w) + a2 * Math.cos(2 * w);
  const denominatorIm = -(a1 * Math.sin(w) + a2 * Math.sin(2 * w));
  return (numeratorRe ** 2 + numeratorIm ** 2) / (denominatorRe ** 2 + denominatorIm ** 2);
}

/** |K(f)|² of BS.1770's K-weighting (as a power ratio). */
export function kWeightingPower(frequencyHz: number): number {
  return biquadPower(K_PRE_FILTER, frequencyHz) * biquadPower(K_RLB_FILTER, frequencyHz);
}

/**
 * The gain (dB) that gives the dry signal the loudness of the EQ'd one: the K-weighted loudness
 * change of pink noise through a response sampled at increasing `frequencies` (trapezoids on a
 * log-frequency axis, where pink noise is flat).
 */
export function loudnessMatchDb(frequencies: readonly number[], responseDb: readonly number[]): number {
  if (frequencies.length !== responseDb.length || frequencies.length < 2)
    throw new Error("loudnessMatchDb needs a response of at least two points, one per frequency");
  let weighted = 0;
  let total = 0;
  let previous: { logF: number; weight: number; power: number } | undefined;
  for (let i = 0; i < frequencies.length; i++) {
    const frequency = frequencies[i]!;
    const point = {
      logF: Math.log(frequency),
      weight: kWeightingPower(frequency),
      power: Math.pow(10, responseDb[i]! / 10),
    };
    if (previous) {
      const width = point.logF - previous.logF;
      weighted += (width * (previous.weight * previous.power + point.weight * point.power)) / 2;
      total += (width * (previous.weight + point.weight)) / 2;
    }
    previous = point;
  }
  return 10 * Math.log10(weighted / total);
}
