/**
 * Numbers for people: how a frequency, a gain, a Q, a slope and a filter read in hovers, inlay
 * hints, symbols, `eqp print`/`describe`, diagnostics, export and import notes and the preview
 * page. One module so that the same value reads the same everywhere. Not for round trips: the
 * language's own spelling (`2.5kHz`, `+3dB`) is numbers.ts `write*`.
 */
import { formatDecimal } from "./numbers.js";

/** `2.53 kHz`, `180 Hz`, `56.5 Hz`. */
export function displayFrequency(hz: number): string {
  if (Math.abs(hz) >= 1000) return `${formatDecimal(hz / 1000, 2)} kHz`;
  return `${formatDecimal(hz, hz >= 100 ? 0 : 1)} Hz`;
}

/** `+3.5 dB`, `-2 dB`, `0 dB`. */
export function displayGain(db: number): string {
  const text = formatDecimal(db, 1);
  return `${db > 0 && text !== "0" ? "+" : ""}${text === "-0" ? "0" : text} dB`;
}

/** A gain where a column of them must line up (inlay hints): one decimal always, `±0.0` for none. */
export function displayGainCompact(db: number): string {
  const gain = Math.round(db * 10) / 10;
  return `${gain > 0 ? "+" : gain < 0 ? "−" : "±"}${Math.abs(gain).toFixed(1)}`;
}

/** `0.71`, `1.2`. */
export function displayQ(q: number): string {
  return formatDecimal(q, 2);
}

/** A pass filter's slope: `24 dB/oct`. */
export function displaySlope(dbPerOctave: number): string {
  return `${formatDecimal(dbPerOctave, 1)} dB/oct`;
}

/** The filters in words: `high-pass`, `low-pass`, `notch`; undefined for a bell or shelf. */
export function filterName(bandType: string): "high-pass" | "low-pass" | "notch" | undefined {
  if (bandType === "highpass") return "high-pass";
  if (bandType === "lowpass") return "low-pass";
  return bandType === "notch" ? "notch" : undefined;
}

/** A filter named with its slope: `24 dB/oct high-pass`; `notch`; the band type itself for the rest. */
export function filterLabel(bandType: string, slopeDbPerOctave: number): string {
  const name = filterName(bandType);
  if (name === undefined || name === "notch") return name ?? bandType;
  return `${displaySlope(slopeDbPerOctave)} ${name}`;
}

/** A region's edge, rounded as a person names it (`3.4 kHz`, `12 kHz`, `250 Hz`): curve summaries. */
export function displayRoundFrequency(hz: number): string {
  if (hz >= 1000) {
    const k = hz / 1000;
    return `${k >= 10 ? Math.round(k) : Math.round(k * 10) / 10} kHz`;
  }
  return `${hz >= 100 ? Math.round(hz / 10) * 10 : Math.round(hz)} Hz`;
}

/** A region between two rounded edges: "3–8 kHz" rather than "3 kHz–8 kHz" when both share the unit. */
export function displayRoundRange(lowHz: number, highHz: number): string {
  const a = displayRoundFrequency(lowHz);
  const b = displayRoundFrequency(highHz);
  if (a.endsWith(" kHz") && b.endsWith(" kHz")) return `${a.slice(0, -4)}–${b}`;
  return a.endsWith(" Hz") && b.endsWith(" Hz") ? `${a.slice(0, -3)}–${b}` : `${a}–${b}`;
}
