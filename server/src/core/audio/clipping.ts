/**
 * Whether filtered samples fit the output format, and the pre-gain that makes them fit. Integer
 * formats clip at full scale; float formats store anything, but a later stage clips instead, so
 * both are measured against full scale (1.0).
 */
import { gainToDb } from "./filtering.js";

export interface HeadroomReport {
  /** Peak of the filtered signal in dBFS (0 = full scale). */
  peakDbfs: number;
  clips: boolean;
  /** ≤ 0 dB, rounded down to 0.1 dB: the gain that brings the peak to full scale or just under. */
  suggestedPreGainDb: number;
}

/**
 * `ceiling` is the largest magnitude the format stores without clipping, relative to 1.0
 * (32767/32768 for 16-bit: the positive side is one step short).
 */
export function headroom(peak: number, ceiling = 1): HeadroomReport {
  const peakDbfs = peak > 0 ? gainToDb(peak) : -Infinity;
  const clips = peak > ceiling;
  const overDb = peak > 0 ? gainToDb(peak / ceiling) : -Infinity;
  return { peakDbfs, clips, suggestedPreGainDb: overDb > 0 ? -Math.ceil(overDb * 10) / 10 : 0 };
}
