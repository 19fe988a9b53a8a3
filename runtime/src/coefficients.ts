/**
 * Exact coefficients at any sample rate: RBJ Audio EQ Cookbook biquads (Robert Bristow-Johnson)
 * for shelves, bells and notches; Butterworth high- and low-passes as a cascade of RBJ
 * high/low-pass sections with the Butterworth Qs (all prewarped at the same corner, so the cascade
 * is the bilinear transform of the analogue Butterworth filter) plus a first-order section for an
 * odd order.
 */
import type { Biquad, Filter, PassFilter, Preset } from "./types.js";

/** The Butterworth Q of a single 12 dB/oct section. */
export const BUTTERWORTH_Q = Math.SQRT1_2;

function normalised(b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): Biquad {
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

function shelfOrBell(type: "lowshelf" | "peaking" | "highshelf" | "notch", w0: number, gainDb: number, q: number) {
  const a = Math.pow(10, gainDb / 40);
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  if (type === "notch") return normalised(1, -2 * cos, 1, 1 + alpha, -2 * cos, 1 - alpha);
  if (type === "peaking")
    return normalised(1 + alpha * a, -2 * cos, 1 - alpha * a, 1 + alpha / a, -2 * cos, 1 - alpha / a);
  const root = 2 * Math.sqrt(a) * alpha;
  if (type === "lowshelf")
    return normalised(
      a * (a + 1 - (a - 1) * cos + root),
      2 * a * (a - 1 - (a + 1) * cos),
      a * (a + 1 - (a - 1) * cos - root),
      a + 1 + (a - 1) * cos + root,
      -2 * (a - 1 + (a + 1) * cos),
      a + 1 + (a - 1) * cos - root,
    );
  return normalised(
    a * (a + 1 + (a - 1) * cos + root),
    -2 * a * (a - 1 + (a + 1) * cos),
    a * (a + 1 + (a - 1) * cos - root),
    a + 1 - (a - 1) * cos + root,
    2 * (a - 1 - (a + 1) * cos),
    a + 1 - (a - 1) * cos - root,
  );
}

/** One RBJ high- or low-pass biquad. */
export function passSection(type: "highpass" | "lowpass", w0: number, q: number): Biquad {
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  // b1 is 1 − cos for a low-pass, −(1 + cos) for a high-pass; b0 = b2 = |b1| / 2.
  const b1 = type === "lowpass" ? 1 - cos : -(1 + cos);
  const outer = Math.abs(b1) / 2;
  return normalised(outer, b1, outer, 1 + alpha, -2 * cos, 1 - alpha);
}

/** The bilinear transform of a first-order high- or low-pass, prewarped at w0 (b2 = a2 = 0). */
export function firstOrderSection(type: "highpass" | "lowpass", w0: number): Biquad {
  const k = Math.tan(w0 / 2);
  const a1 = (k - 1) / (k + 1);
  return type === "lowpass"
    ? { b0: k / (k + 1), b1: k / (k + 1), b2: 0, a1, a2: 0 }
    : { b0: 1 / (k + 1), b1: -1 / (k + 1), b2: 0, a1, a2: 0 };
}

/**
 * The Qs of a Butterworth filter's second-order sections, and whether it has a first-order one:
 * its poles' angles φ from the negative real axis give Q = 1 / (2 cos φ).
 */
export function butterworthQs(order: number): { qs: number[]; firstOrder: boolean } {
  const qs: number[] = [];
  const odd = order % 2 === 1;
  for (let k = 0; k < Math.floor(order / 2); k++) {
    const angle = odd ? (Math.PI * (k + 1)) / order : (Math.PI * (2 * k + 1)) / (2 * order);
    qs.push(1 / (2 * Math.cos(angle)));
  }
  return { qs, firstOrder: odd };
}

function passSections(filter: PassFilter, w0: number): Biquad[] {
  const order = filter.slopeDbPerOct / 6;
  if (order === 2) return [passSection(filter.type, w0, filter.q ?? BUTTERWORTH_Q)];
  const { qs, firstOrder } = butterworthQs(order);
  const sections = qs.map((q) => passSection(filter.type, w0, q));
  return firstOrder ? [firstOrderSection(filter.type, w0), ...sections] : sections;
}

/** One filter's sections at a sample rate (one biquad, or a Butterworth cascade). */
export function filterSections(filter: Filter, sampleRate: number): Biquad[] {
  const w0 = (2 * Math.PI * filter.frequencyHz) / sampleRate;
  switch (filter.type) {
    case "highpass":
    case "lowpass":
      return passSections(filter, w0);
    case "notch":
      return [shelfOrBell("notch", w0, 0, filter.q)];
    default:
      return [shelfOrBell(filter.type, w0, filter.gainDb, filter.q)];
  }
}

/** Every filter's sections in order: run them in series, then apply the output gain. */
export function coefficients(preset: Pick<Preset, "filters">, sampleRate: number): Biquad[] {
  if (!(sampleRate > 0)) throw new RangeError(`sample rate must be positive, not ${sampleRate}`);
  return preset.filters.flatMap((filter) => filterSections(filter, sampleRate));
}

/** |H(e^{jω})|² of one section at angular frequency w (radians per sample). */
export function sectionPower(section: Biquad, w: number): number {
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  const nr = section.b0 + section.b1 * c1 + section.b2 * c2;
  const ni = -(section.b1 * s1 + section.b2 * s2);
  const dr = 1 + section.a1 * c1 + section.a2 * c2;
  const di = -(section.a1 * s1 + section.a2 * s2);
  return (nr * nr + ni * ni) / (dr * dr + di * di);
}

/** The preset's magnitude response in dB (filters and output gain) at each frequency. */
export function magnitudeDb(
  preset: Pick<Preset, "filters" | "outputGainDb">,
  frequencies: ArrayLike<number>,
  sampleRate: number,
): Float64Array {
  const sections = coefficients(preset, sampleRate);
  const out = new Float64Array(frequencies.length);
  for (let i = 0; i < frequencies.length; i++) {
    const w = (2 * Math.PI * frequencies[i]!) / sampleRate;
    let power = 1;
    for (const section of sections) power *= sectionPower(section, w);
    out[i] = preset.outputGainDb + 10 * Math.log10(power);
  }
  return out;
}
