/**
 * Reading and writing numbers and units. Everything the tools write must read back to the same
 * value, so each writer checks its own output before choosing a shorter form.
 */
import type { Unit } from "./ast.js";

/** Splits a Quantity token's text into its number and unit. */
export function readQuantity(text: string): { number: number; unit: Unit; value: number } {
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)[ \t]*([A-Za-z]*)$/.exec(text);
  const number = match ? Number(match[1]) : Number.NaN;
  const unitText = (match?.[2] ?? "").toLowerCase();
  const unit: Unit =
    unitText === "hz" ? "Hz" : unitText === "khz" || unitText === "k" ? "kHz" : unitText === "db" ? "dB" : undefined;
  const value = unit === "kHz" ? number * 1000 : number;
  return { number, unit, value };
}

/** The shortest decimal of at most `maxDecimals` places (no trailing zeros). */
export function formatDecimal(value: number, maxDecimals = 6): string {
  if (!Number.isFinite(value)) return String(value);
  let text = value.toFixed(maxDecimals);
  if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
  return text === "-0" ? "0" : text;
}

/** A number written exactly: the shortest text that reads back to the same double. */
function exact(value: number): string {
  for (let decimals = 0; decimals <= 12; decimals++) {
    const text = formatDecimal(value, decimals);
    if (Number(text) === value) return text;
  }
  return String(value);
}

/** `250Hz`, `2.5kHz`: kHz from 1 kHz up when it reads back exactly. */
export function writeFrequency(hz: number): string {
  if (Math.abs(hz) >= 1000) {
    const kilo = exact(hz / 1000);
    if (Number(kilo) * 1000 === hz) return `${kilo}kHz`;
  }
  return `${exact(hz)}Hz`;
}

/** `+3dB`, `-2.5dB`, `0dB`. */
export function writeGain(db: number): string {
  const text = exact(db);
  return `${db > 0 ? "+" : ""}${text}dB`;
}

export function writePlain(value: number): string {
  return exact(value);
}

/** For people, not for round trips: `2.53 kHz`, `180 Hz`. */
export function displayFrequency(hz: number): string {
  if (Math.abs(hz) >= 1000) return `${formatDecimal(hz / 1000, 2)} kHz`;
  return `${formatDecimal(hz, hz >= 100 ? 0 : 1)} Hz`;
}

export function displayGain(db: number): string {
  const text = formatDecimal(db, 1);
  return `${db > 0 && text !== "0" ? "+" : ""}${text === "-0" ? "0" : text} dB`;
}

export function displayQ(q: number): string {
  return formatDecimal(q, 2);
}
