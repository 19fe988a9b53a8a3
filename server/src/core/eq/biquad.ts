/**
 * RBJ Audio EQ Cookbook biquads (Robert Bristow-Johnson) and their magnitude responses.
 * Shelves use the SAFE plug-in's fixed Q of 0.71.
 */
import { sectionPower } from "../../../../runtime/src/coefficients.js";
import type { Biquad } from "../../../../runtime/src/types.js";
import { SHELF_Q, type BandId, type EqBand } from "./bands.js";
import { isPassFilter, passSections, secondOrderSection } from "./filters.js";

/** Coefficients normalised so that a0 = 1: the runtime package's shape, which the exports write. */
export type { Biquad };

export type FilterKind = "lowshelf" | "peaking" | "highshelf";

/** The cookbook filter of a gain-bearing band (shelves and bells; the pass filters and notches are in filters.ts). */
export function filterKindOf(slot: BandId): FilterKind {
  return slot === "lowShelf" ? "lowshelf" : slot === "highShelf" ? "highshelf" : "peaking";
}

/** Whether a band changes the sound at 0 dB gain: a pass filter or notch always does, a shelf or bell does not. */
export function hasGain(slot: BandId): boolean {
  return !isPassFilter(slot) && slot !== "notch";
}

export function biquad(kind: FilterKind, frequencyHz: number, gainDb: number, q: number, sampleRate: number): Biquad {
  const a = Math.pow(10, gainDb / 40);
  const w0 = (2 * Math.PI * frequencyHz) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  if (kind === "peaking") {
    b0 = 1 + alpha * a;
    b1 = -2 * cos;
    b2 = 1 - alpha * a;
    a0 = 1 + alpha / a;
    a1 = -2 * cos;
    a2 = 1 - alpha / a;
  } else {
    const twoRootAAlpha = 2 * Math.sqrt(a) * alpha;
    if (kind === "lowshelf") {
      b0 = a * (a + 1 - (a - 1) * cos + twoRootAAlpha);
      b1 = 2 * a * (a - 1 - (a + 1) * cos);
      b2 = a * (a + 1 - (a - 1) * cos - twoRootAAlpha);
      a0 = a + 1 + (a - 1) * cos + twoRootAAlpha;
      a1 = -2 * (a - 1 + (a + 1) * cos);
      a2 = a + 1 + (a - 1) * cos - twoRootAAlpha;
    } else {
      b0 = a * (a + 1 + (a - 1) * cos + twoRootAAlpha);
      b1 = -2 * a * (a - 1 + (a + 1) * cos);
      b2 = a * (a + 1 + (a - 1) * cos - twoRootAAlpha);
      a0 = a + 1 - (a - 1) * cos + twoRootAAlpha;
      a1 = 2 * (a - 1 - (a + 1) * cos);
      a2 = a + 1 - (a - 1) * cos - twoRootAAlpha;
    }
  }
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

/** The biquads a band runs as, in series: one for a shelf, bell or notch, a cascade for a pass filter. */
export function bandSections(band: EqBand, sampleRate: number): Biquad[] {
  if (isPassFilter(band.slot)) return passSections(band.slot, band, sampleRate);
  if (band.slot === "notch") return [secondOrderSection("notch", band.frequencyHz, band.q, sampleRate)];
  return [bandBiquad(band, sampleRate)];
}

/** The one biquad of a shelf or bell. */
export function bandBiquad(band: EqBand, sampleRate: number): Biquad {
  const kind = filterKindOf(band.slot);
  return biquad(kind, band.frequencyHz, band.gainDb, kind === "peaking" ? band.q : SHELF_Q, sampleRate);
}

/** |H(e^{jω})| in dB of one biquad at one frequency. */
export function biquadMagnitudeDb(filter: Biquad, frequencyHz: number, sampleRate: number): number {
  return 10 * Math.log10(sectionPower(filter, (2 * Math.PI * frequencyHz) / sampleRate));
}

/** `count` frequencies spaced evenly on a log axis from `low` to `high` inclusive. */
export function logFrequencies(count: number, low = 20, high = 20000): Float64Array {
  const out = new Float64Array(count);
  const ratio = Math.log(high / low);
  for (let i = 0; i < count; i++) out[i] = low * Math.exp((ratio * i) / (count - 1));
  return out;
}

/** The combined magnitude response (dB) of a set of bands, plus an output gain, at each frequency. */
export function responseDb(
  bands: readonly EqBand[],
  frequencies: Float64Array,
  sampleRate: number,
  outputGainDb = 0,
): Float64Array {
  const out = new Float64Array(frequencies.length).fill(outputGainDb);
  for (const band of bands) {
    if (band.gainDb === 0 && hasGain(band.slot)) continue;
    for (const filter of bandSections(band, sampleRate))
      for (let i = 0; i < frequencies.length; i++) out[i]! += biquadMagnitudeDb(filter, frequencies[i]!, sampleRate);
  }
  return out;
}

export function meanAbsoluteDifference(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
