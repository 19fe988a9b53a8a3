/**
 * Reading and writing numbers and units. Everything the tools write must read back to the same
 * value, so each writer checks its own output before choosing a shorter form.
 */
import type { Unit } from "./ast.js";

/**
 * Splits a Quantity token's text into its number and unit. Runs once per value of the file, so it
 * scans characters instead of running a regular expression (whose match array and substring were
 * a good part of the parse's garbage), and reads the unit from its first letters.
 */
/** A number as written in its unit's base: Hz for kHz, the number itself for every other unit. */
export function valueInBase(number: number, unit: Unit): number {
  return unit === "kHz" ? number * 1000 : number;
}

export function readQuantity(text: string): { number: number; unit: Unit; value: number } {
  const end = numberEnd(text);
  if (end === 0) return { number: Number.NaN, unit: undefined, value: Number.NaN };
  const number = readNumber(text, 0, end);
  let at = end;
  while (text.charCodeAt(at) === 32 || text.charCodeAt(at) === 9) at++;
  const unit = unitOf(text, at);
  if (unit === null) return { number: Number.NaN, unit: undefined, value: Number.NaN };
  return { number, unit, value: valueInBase(number, unit) };
}

/**
 * The number written in `text[start, end)`, a number as the Quantity pattern delimits it (signs
 * `+` 43 and `-` 45, `.` 46). The scanner reads each value with it as it goes. Up to 15 digits and no exponent, the digits as an integer divided by a power of ten is the
 * correctly rounded value (both are exact doubles and division rounds once: Clinger's fast
 * path), so the common case needs no `parseFloat`, which was a tenth of a parse.
 */
export function readNumber(text: string, start: number, end: number): number {
  let at = start;
  const sign = text.charCodeAt(at);
  if (sign === 43 || sign === 45) at++;
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code === 46) {
      decimals = 0;
      continue;
    }
    if (!isDigit(code)) return Number.parseFloat(text.slice(start, end));
    mantissa = mantissa * 10 + (code - 48);
    if (mantissa > 0) digits++;
    if (decimals >= 0) decimals++;
  }
  if (digits > 15 || decimals > 22) return Number.parseFloat(text.slice(start, end));
  const magnitude = decimals > 0 ? mantissa / POWERS_OF_TEN[decimals]! : mantissa;
  return sign === 45 ? -magnitude : magnitude;
}

/** 10^0 … 10^22: the powers of ten a double holds exactly. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, power) => 10 ** power);

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function digitsEnd(text: string, at: number): number {
  while (isDigit(text.charCodeAt(at))) at++;
  return at;
}

/**
 * Where the number at the start of `text` ends (0 when there is none): the longest prefix that
 * `[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?` matches, as the lexer's Quantity pattern reads it.
 */
function numberEnd(text: string): number {
  let at = text.charCodeAt(0) === 43 || text.charCodeAt(0) === 45 ? 1 : 0;
  if (isDigit(text.charCodeAt(at))) {
    at = digitsEnd(text, at);
    if (text.charCodeAt(at) === 46) at = digitsEnd(text, at + 1);
  } else if (text.charCodeAt(at) === 46 && isDigit(text.charCodeAt(at + 1))) {
    at = digitsEnd(text, at + 1);
  } else {
    return 0;
  }
  if ((text.charCodeAt(at) | 32) !== 101) return at;
  let exponent = at + 1;
  if (text.charCodeAt(exponent) === 43 || text.charCodeAt(exponent) === 45) exponent++;
  return isDigit(text.charCodeAt(exponent)) ? digitsEnd(text, exponent) : at;
}

/** The unit written from `at` to the end (case-insensitive): `hz`, `khz`, `k`, `db`, nothing; null for anything else. */
function unitOf(text: string, at: number): Unit | null {
  const rest = text.length - at;
  if (rest === 0) return undefined;
  // ASCII letters: | 32 folds upper case onto lower case.
  const a = text.charCodeAt(at) | 32;
  const b = rest > 1 ? text.charCodeAt(at + 1) | 32 : 0;
  const c = rest > 2 ? text.charCodeAt(at + 2) | 32 : 0;
  if (rest === 2 && a === 104 && b === 122) return "Hz";
  if (rest === 2 && a === 100 && b === 98) return "dB";
  if (rest === 1 && a === 107) return "kHz";
  if (rest === 3 && a === 107 && b === 104 && c === 122) return "kHz";
  if (rest === 6 && a === 100 && b === 98 && text.slice(at + 2).toLowerCase() === "/oct") return "dB/oct";
  return /^[A-Za-z]*$/.test(text.slice(at)) ? undefined : null;
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
