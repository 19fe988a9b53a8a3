/**
 * What Equalizer APO runs for one `Filter:` line, so that the import can measure every cost against
 * the file's real response: peaking filters and shelves as SAFE bands could hold them (with LS/HS,
 * "shelves at their corner frequency", moved to the centre frequency as APO moves them), and the
 * types SAFE has no band for (low-pass, high-pass, band-pass, notch, all-pass) as cookbook biquads
 * of their own. A line APO would skip (a Q of 0) is skipped here too, with a warning, and the rest
 * of the file is imported.
 */
import { biquadMagnitudeDb, DEFAULT_SAMPLE_RATE, secondOrderSection } from "../eq/index.js";
import { isGainless, targetBiquad, type TargetFilter, type TargetKind } from "../export/index.js";
import { displayFrequency, formatDecimal } from "../language/index.js";
import { APO_FILTER_KINDS, type ApoFilterLine } from "./apoParser.js";

export type RunKind = TargetKind | "bandpass" | "allpass";

/** A filter as APO runs it; shelves carry their cookbook Q. */
export interface RunFilter {
  kind: RunKind;
  frequencyHz: number;
  gainDb: number;
  q: number;
}

export interface Where {
  column: number;
  message: string;
}

export interface FilterReading {
  /** What APO runs; undefined when it runs nothing, or something not modelled (raw IIR coefficients). */
  run?: RunFilter;
  /** A shelf or bell that a SAFE slot can hold. */
  candidate?: TargetFilter;
  /** Valid APO that SAFE cannot hold: kept as a comment, its cost reported. */
  leftover?: { column: number; reason: string };
  /** A line APO skips (it logs an error and runs the rest): a warning, nothing imported from it. */
  skipped?: Where;
  /** A line that misses what it needs: an error, nothing imported. */
  problem?: Where;
  /** What the import did that the reader should know, at no cost (an LS frequency moved as APO moves it). */
  note?: Where;
}

const OTHER_KINDS: Record<string, RunKind> = {
  LP: "lowpass",
  LPQ: "lowpass",
  HP: "highpass",
  HPQ: "highpass",
  BP: "bandpass",
  NO: "notch",
  AP: "allpass",
};

/** Q of a cookbook shelf with slope S at gain `gainDb` (the cookbook's alpha for S, written as Q). */
export function shelfQFromSlope(slope: number, gainDb: number): number {
  const a = Math.pow(10, gainDb / 40);
  const inner = (a + 1 / a) * (1 / slope - 1) + 2;
  return inner > 0 ? 1 / Math.sqrt(inner) : Number.NaN;
}

/** The slope S of a cookbook shelf of quality Q at gain `gainDb`: the inverse of shelfQFromSlope. */
export function shelfSlopeFromQ(q: number, gainDb: number): number {
  const a = Math.pow(10, gainDb / 40);
  return 1 / ((1 / (q * q) - 2) / (a + 1 / a) + 1);
}

/** Q of a peaking filter given as a bandwidth in octaves, as APO computes alpha (at 48 kHz). */
export function qFromBandwidth(octaves: number, frequencyHz: number, sampleRate = DEFAULT_SAMPLE_RATE): number {
  const w0 = (2 * Math.PI * frequencyHz) / sampleRate;
  return 1 / (2 * Math.sinh(((Math.LN2 / 2) * octaves * w0) / Math.sin(w0)));
}

/** The frequency APO runs an LS/HS shelf at: the corner moved by 10^(|G| / (80 S)), up for LS, down for HS. */
export function cornerToCentre(
  kind: "lowshelf" | "highshelf",
  cornerHz: number,
  gainDb: number,
  slope: number,
): number {
  const factor = Math.pow(10, Math.abs(gainDb) / (80 * slope));
  return kind === "lowshelf" ? cornerHz * factor : cornerHz / factor;
}

function widthOf(line: ApoFilterLine, frequencyHz: number): number | undefined {
  if (line.q) return line.q.value;
  if (line.bandwidthOctaves) return qFromBandwidth(line.bandwidthOctaves.value, frequencyHz);
  return undefined;
}

export function readFilter(line: ApoFilterLine): FilterReading {
  const type = line.type.value;
  const kind = APO_FILTER_KINDS[type];
  if (type === "None") return {}; // Room EQ Wizard's unused filter slots
  if (!line.enabled) return { leftover: { column: 1, reason: "a filter switched OFF" } };
  if (!kind) return {};
  const skip = (where: { column: number } | undefined, message: string): FilterReading => ({
    skipped: { column: where?.column ?? line.type.column, message: `${message}: Equalizer APO skips this filter` },
  });
  const other = OTHER_KINDS[type];
  if (line.family === "other") {
    const leftover = {
      column: line.type.column,
      reason: `a ${kind.description} filter: a preset has no such band`,
    };
    if (!other || !line.frequencyHz) return { leftover };
    const frequencyHz = line.frequencyHz.value;
    if (!(frequencyHz > 0)) return skip(line.frequencyHz, "the frequency must be above 0 Hz");
    // APO's defaults when no width is given: Butterworth for the passes, 30 for the notch; an all-pass needs one.
    const q = widthOf(line, frequencyHz) ?? (other === "notch" ? 30 : other === "allpass" ? 0 : Math.SQRT1_2);
    if (!(q > 0) || !Number.isFinite(q))
      return skip(line.q ?? line.bandwidthOctaves, "the width must give a Q above 0");
    const run: RunFilter = { kind: other, frequencyHz, gainDb: 0, q };
    // The language has high-pass, low-pass (12 dB/oct, with this Q) and notch: these are bands as they are.
    if (other === "highpass" || other === "lowpass" || other === "notch")
      return { run, candidate: { kind: other, frequencyHz, gainDb: 0, q } };
    return { leftover, run };
  }
  if (!line.frequencyHz)
    return {
      problem: { column: line.type.column, message: `a ${kind.description} filter needs a frequency: Fc <Hz> Hz` },
    };
  if (!line.gainDb)
    return {
      problem: { column: line.type.column, message: `a ${kind.description} filter needs a gain: Gain <dB> dB` },
    };
  const written = line.frequencyHz.value;
  const gainDb = line.gainDb.value;
  if (!(written > 0)) return skip(line.frequencyHz, "the frequency must be above 0 Hz");
  if (line.family === "peaking") {
    const q = widthOf(line, written);
    if (q === undefined)
      return {
        problem: {
          column: line.type.column,
          message: "a peaking filter needs a width: Q <number> or BW Oct <octaves>",
        },
      };
    if (!(q > 0) || !Number.isFinite(q))
      return skip(line.q ?? line.bandwidthOctaves, "the width must give a Q above 0");
    const filter: TargetFilter = { kind: "peaking", frequencyHz: written, gainDb, q };
    return { candidate: filter, run: filter };
  }
  // Shelves: Q when given; else the slope (dB per octave, 12 = S 1); else APO's default S 0.9.
  const slopeGiven = line.slopeDb ? line.slopeDb.value / 12 : undefined;
  const q = line.q ? line.q.value : shelfQFromSlope(slopeGiven ?? 0.9, gainDb);
  if (!(q > 0) || !Number.isFinite(q))
    return skip(line.q ?? line.slopeDb ?? line.type, "this shelf's Q or slope gives no valid filter");
  let frequencyHz = written;
  let note: Where | undefined;
  if (type === "LS" || type === "HS") {
    const slope = slopeGiven ?? shelfSlopeFromQ(q, gainDb);
    if (!(slope > 0) || !Number.isFinite(slope))
      return skip(line.q ?? line.slopeDb ?? line.type, "this shelf's Q or slope gives no valid filter");
    frequencyHz = cornerToCentre(line.family, written, gainDb, slope);
    note = {
      column: line.frequencyHz.column,
      message: `${type} is a shelf given at its corner frequency ${displayFrequency(written)}: Equalizer APO runs it as the cookbook shelf at ${formatDecimal(frequencyHz, 2)} Hz, which the preset holds (to 4 digits)`,
    };
  }
  const run: TargetFilter = { kind: line.family, frequencyHz, gainDb, q };
  // A moved frequency (8866.1… Hz) is written to four significant digits; the cost of that is measured against `run`.
  const candidate = note ? { ...run, frequencyHz: Number(frequencyHz.toPrecision(4)) } : run;
  return { candidate, run, ...(note ? { note } : {}) };
}

/** The response in dB of what APO runs, preamp included; filters at or above Nyquist are left out, as they cannot run. */
export function runResponseDb(
  filters: readonly RunFilter[],
  frequencies: Float64Array,
  sampleRate: number,
  gainDb: number,
): Float64Array {
  const out = new Float64Array(frequencies.length).fill(gainDb);
  for (const filter of filters) {
    if (!(filter.frequencyHz < sampleRate / 2)) continue;
    const kind = filter.kind;
    if (kind === "bandpass" || kind === "allpass") {
      const coefficients = secondOrderSection(kind, filter.frequencyHz, filter.q, sampleRate);
      for (let i = 0; i < frequencies.length; i++)
        out[i]! += biquadMagnitudeDb(coefficients, frequencies[i]!, sampleRate);
      continue;
    }
    if (!isGainless(kind) && filter.gainDb === 0) continue;
    const coefficients = targetBiquad({ ...filter, kind }, sampleRate);
    for (let i = 0; i < frequencies.length; i++)
      out[i]! += biquadMagnitudeDb(coefficients, frequencies[i]!, sampleRate);
  }
  return out;
}
