/**
 * Sample formats as WAV files store them, to and from floats in [-1, 1]. Integers are scaled by
 * 2^(bits-1) (8-bit WAV is unsigned, centred on 128); rounding to the nearest step, no dither.
 */
export type SampleFormat = { kind: "int"; bits: number } | { kind: "uint8" } | { kind: "float"; bits: 32 | 64 };

/** The format of a wavefile bit depth code: "8", "16", "24", "32", "32f", "64". */
export function sampleFormatOf(bitDepthCode: string): SampleFormat | undefined {
  if (bitDepthCode === "32f") return { kind: "float", bits: 32 };
  if (bitDepthCode === "64") return { kind: "float", bits: 64 };
  if (bitDepthCode === "8") return { kind: "uint8" };
  const bits = Number(bitDepthCode);
  return Number.isInteger(bits) && bits >= 9 && bits <= 32 ? { kind: "int", bits } : undefined;
}

/** The largest magnitude the format stores without clipping, relative to full scale 1.0. */
export function ceilingOf(format: SampleFormat): number {
  if (format.kind === "float") return 1;
  if (format.kind === "uint8") return 127 / 128;
  const scale = 2 ** (format.bits - 1);
  return (scale - 1) / scale;
}

export function toFloat(stored: ArrayLike<number>, format: SampleFormat): Float64Array {
  const out = new Float64Array(stored.length);
  if (format.kind === "float") {
    for (let i = 0; i < stored.length; i++) out[i] = stored[i]!;
  } else if (format.kind === "uint8") {
    for (let i = 0; i < stored.length; i++) out[i] = (stored[i]! - 128) / 128;
  } else {
    const scale = 2 ** (format.bits - 1);
    for (let i = 0; i < stored.length; i++) out[i] = stored[i]! / scale;
  }
  return out;
}

/** Back to the stored form; integer formats are clamped to their range (callers check clipping first). */
export function fromFloat(samples: Float64Array, format: SampleFormat): Float64Array {
  const out = new Float64Array(samples.length);
  if (format.kind === "float") {
    out.set(samples);
    return out;
  }
  const scale = format.kind === "uint8" ? 128 : 2 ** (format.bits - 1);
  const offset = format.kind === "uint8" ? 128 : 0;
  const min = format.kind === "uint8" ? 0 : -scale;
  const max = format.kind === "uint8" ? 255 : scale - 1;
  for (let i = 0; i < samples.length; i++)
    out[i] = Math.min(max, Math.max(min, Math.round(samples[i]! * scale) + offset));
  return out;
}

/** A sample that is not a number a signal can hold (NaN, ±Infinity), where it first occurs. */
export interface NonFiniteSample {
  channel: number;
  frame: number;
  value: number;
}

/** The earliest frame holding a non-finite sample: one NaN through a recursive filter makes every later sample NaN. */
export function firstNonFinite(channels: readonly Float64Array[]): NonFiniteSample | undefined {
  let found: NonFiniteSample | undefined;
  channels.forEach((samples, channel) => {
    const end = found ? found.frame : samples.length;
    for (let frame = 0; frame < end; frame++) {
      const value = samples[frame]!;
      if (!Number.isFinite(value)) {
        found = { channel, frame, value };
        return;
      }
    }
  });
  return found;
}
