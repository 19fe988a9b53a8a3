/**
 * What a sound designer reads off a curve: the response on a log grid, its peak boost and cut, and
 * the pre-gain that keeps the peak at 0 dB so the EQ never clips a full-scale signal.
 */
import type { EqBand } from "./bands.js";
import { logFrequencies, responseDb } from "./biquad.js";

/** Points of the grid the analysis samples; fine enough to find a Q 10 bell's peak within 0.05 dB. */
export const ANALYSIS_POINTS = 1024;

export interface CurveAnalysis {
  /** Log-spaced from 20 Hz to 20 kHz (or to just below Nyquist when that is lower). */
  frequencies: Float64Array;
  /** Combined magnitude response in dB, output gain included. */
  responseDb: Float64Array;
  peakDb: number;
  peakFrequencyHz: number;
  troughDb: number;
  troughFrequencyHz: number;
  /** ≤ 0: the gain to put before the EQ so that its loudest frequency sits at 0 dB. */
  suggestedPreGainDb: number;
}

/** The highest frequency worth drawing at a sample rate: 20 kHz, or just under Nyquist. */
export function topFrequency(sampleRate: number): number {
  return Math.min(20000, sampleRate * 0.499);
}

export function analyseCurve(
  bands: readonly EqBand[],
  sampleRate: number,
  outputGainDb = 0,
  points = ANALYSIS_POINTS,
): CurveAnalysis {
  const frequencies = logFrequencies(points, 20, topFrequency(sampleRate));
  const curve = responseDb(bands, frequencies, sampleRate, outputGainDb);
  let peak = 0;
  let trough = 0;
  for (let i = 1; i < curve.length; i++) {
    if (curve[i]! > curve[peak]!) peak = i;
    if (curve[i]! < curve[trough]!) trough = i;
  }
  const peakDb = curve[peak]!;
  return {
    frequencies,
    responseDb: curve,
    peakDb,
    peakFrequencyHz: frequencies[peak]!,
    troughDb: curve[trough]!,
    troughFrequencyHz: frequencies[trough]!,
    suggestedPreGainDb: peakDb > 0 ? -headroomPeakDb(peakDb) : 0,
  };
}

/**
 * The peak as shown beside the suggested pre-gain: rounded up to the 0.1 dB both are shown at, as the
 * pre-gain is (so that the suggestion, written as text, still leaves no overshoot). Shown rounded to
 * the nearest instead, a peak of 3.64 dB read "+3.6" next to a pre-gain of "−3.7".
 */
export function headroomPeakDb(peakDb: number): number {
  // toFixed first: 3.6 × 10 is 36.00000000000001 in floating point, which must not round up to 3.7.
  return Math.ceil(Number((peakDb * 10).toFixed(6))) / 10;
}
