/** Test texts with markers: `«…»` around an expected range. */
import type { Range } from "../../server/src/core/index.js";

export function withRange(textWithMarkers: string): { text: string; range: Range } {
  const open = textWithMarkers.indexOf("«");
  const close = textWithMarkers.indexOf("»");
  if (open < 0 || close < open) throw new Error("expected «…» markers");
  const text =
    textWithMarkers.slice(0, open) + textWithMarkers.slice(open + 1, close) + textWithMarkers.slice(close + 1);
  return { text, range: { start: positionAt(text, open), end: positionAt(text, close - 1) } };
}

export function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}
