/**
 * The filters around SAFE's five bands: Butterworth high- and low-pass filters of order 1 to 8
 * (6 dB/oct per order) and the cookbook notch, as cascades of biquads, and each one's exact
 * response from its definition, which the biquads and every export are measured against.
 *
 * A Butterworth filter of order n has |H|² = 1 / (1 + Ω^2n); through the bilinear transform with
 * the corner prewarped (as the RBJ cookbook does), Ω = tan(ω/2) / tan(ω0/2). It factors into
 * second-order sections with the pole Qs 1 / (2 sin((2k − 1)π / 2n)), k = 1 … ⌊n/2⌋, and one
 * first-order section when n is odd. At 12 dB/oct a user Q makes it one cookbook section.
 */
import { DEFAULT_BELL_Q, SHELF_Q, type BandId, type EqBand } from "./bands.js";
import type { Biquad } from "./biquad.js";

/** The slopes a pass filter may have, in dB/oct: 6 per order. */
export const PASS_SLOPES: readonly number[] = [6, 12, 18, 24, 36, 48];
export const DEFAULT_PASS_SLOPE = 12;
/** The Butterworth Q: a pass filter's Q at 12 dB/oct when none is written. */
export const BUTTERWORTH_Q = Math.SQRT1_2;
/** A notch's Q when none is written: Equalizer APO's default for `NO`, so an import reads back the same. */
export const DEFAULT_NOTCH_Q = 30;
/** A notch may be much narrower than a bell. */
export const NOTCH_Q_RANGE = { min: 0.1, max: 100 };

export type PassType = "highpass" | "lowpass";

export function isPassFilter(id: BandId): id is PassType {
  return id === "highpass" || id === "lowpass";
}

/** The default Q of a band of this kind when its line has none. */
export function defaultQ(id: BandId): number {
  if (isPassFilter(id)) return BUTTERWORTH_Q;
  if (id === "notch") return DEFAULT_NOTCH_Q;
  return id === "lowShelf" || id === "highShelf" ? SHELF_Q : DEFAULT_BELL_Q;
}

/** The order of a Butterworth filter of this slope (6 dB/oct per order). */
export function passOrder(slopeDbPerOctave: number): number {
  return Math.round(slopeDbPerOctave / 6);
}

/** The Qs of a Butterworth filter's second-order sections, highest first. */
export function butterworthQs(order: number): number[] {
  const qs: number[] = [];
  for (let k = 1; k <= Math.floor(order / 2); k++) qs.push(1 / (2 * Math.sin(((2 * k - 1) * Math.PI) / (2 * order))));
  return qs;
}

/** The cookbook's second-order filters without a gain (band-pass and all-pass for imports of APO files). */
export type GainlessKind = PassType | "notch" | "bandpass" | "allpass";

/** One cookbook second-order section of a gainless kind at `q`. */
export function secondOrderSection(type: GainlessKind, frequencyHz: number, q: number, sampleRate: number): Biquad {
  const w0 = (2 * Math.PI * frequencyHz) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const numerators: Record<GainlessKind, [number, number, number]> = {
    lowpass: [(1 - cos) / 2, 1 - cos, (1 - cos) / 2],
    highpass: [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2],
    bandpass: [alpha, 0, -alpha],
    notch: [1, -2 * cos, 1],
    allpass: [1 - alpha, -2 * cos, 1 + alpha],
  };
  const [b0, b1, b2] = numerators[type];
  const a0 = 1 + alpha;
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

/** The first-order Butterworth section (bilinear, corner prewarped), as a biquad with b2 = a2 = 0. */
export function firstOrderSection(type: PassType, frequencyHz: number, sampleRate: number): Biquad {
  const k = Math.tan((Math.PI * frequencyHz) / sampleRate);
  const norm = 1 / (1 + k);
  const [b0, b1] = type === "lowpass" ? [k * norm, k * norm] : [norm, -norm];
  return { b0, b1, b2: 0, a1: (k - 1) * norm, a2: 0 };
}

/** The sections a pass filter runs as: one cookbook section with its Q at 12 dB/oct, else the Butterworth cascade. */
export function passSections(type: PassType, band: EqBand, sampleRate: number): Biquad[] {
  const order = passOrder(band.slopeDbPerOctave ?? DEFAULT_PASS_SLOPE);
  if (order === 2) return [secondOrderSection(type, band.frequencyHz, band.q, sampleRate)];
  const sections = butterworthQs(order).map((q) => secondOrderSection(type, band.frequencyHz, q, sampleRate));
  if (order % 2 === 1) sections.push(firstOrderSection(type, band.frequencyHz, sampleRate));
  return sections;
}

/**
 * The exact response (dB) of a pass filter or notch at one frequency, from its definition (not its
 * biquads): Butterworth 1 / (1 + Ω^2n), or the analogue second-order prototype at its Q, through
 * the prewarped bilinear transform.
 */
export function exactFilterResponseDb(band: EqBand, frequencyHz: number, sampleRate: number): number {
  const omega = Math.tan((Math.PI * frequencyHz) / sampleRate) / Math.tan((Math.PI * band.frequencyHz) / sampleRate);
  if (band.slot === "notch") {
    const real = 1 - omega * omega;
    return 10 * Math.log10((real * real) / (real * real + (omega / band.q) ** 2));
  }
  // Ω for a low-pass, 1/Ω for a high-pass: the high-pass is the low-pass with s → 1/s.
  const x = band.slot === "lowpass" ? omega : 1 / omega;
  const order = passOrder(band.slopeDbPerOctave ?? DEFAULT_PASS_SLOPE);
  if (order === 2) {
    const real = 1 - x * x;
    return -10 * Math.log10(real * real + (x / band.q) ** 2);
  }
  return -10 * Math.log10(1 + x ** (2 * order));
}
