/**
 * The precision at which the parameter-set targets write values: 0.01 Hz, 0.01 dB and 0.001 of Q.
 * Finer than any target's controls and far below audibility (a few thousandths of a dB), yet short
 * enough to read: a generated band is 2345.68 Hz, not 2345.678901234 Hz.
 */
import { formatDecimal } from "../language/index.js";

export const FREQUENCY_DECIMALS = 2;
export const GAIN_DECIMALS = 2;
export const Q_DECIMALS = 3;

export function rounded(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const result = Math.round(value * factor) / factor;
  return result === 0 ? 0 : result;
}

export const writtenFrequency = (hz: number): number => rounded(hz, FREQUENCY_DECIMALS);
export const writtenGain = (db: number): number => rounded(db, GAIN_DECIMALS);
export const writtenQ = (q: number): number => rounded(q, Q_DECIMALS);

/** The written value as text, without trailing zeros: `120`, `2.5`, `-3.25`. */
export function numberText(value: number, decimals: number): string {
  return formatDecimal(rounded(value, decimals), decimals);
}
