/**
 * The WAV container without a library, for streaming: the header's facts (where the samples are,
 * how they are stored) and interleaved frames decoded from and encoded to bytes, a block at a
 * time. No file IO here: the CLI reads the bytes. Little-endian hosts only (the WAV byte order;
 * every platform Node ships for), so typed-array views read the samples directly.
 */
import type { SampleFormat } from "./pcm.js";

export interface WavLayout {
  sampleRate: number;
  channels: number;
  format: SampleFormat;
  /** wavefile's bit depth code ("16", "24", "32f", "64"), as the rest of the CLI names depths. */
  bitDepth: string;
  /** Bytes per sample of one channel, and per frame (all channels). */
  bytesPerSample: number;
  blockAlign: number;
  /** Where the samples start in the file, and how many whole frames there are. */
  dataOffset: number;
  frames: number;
}

export class WavFormatError extends Error {}

const FORMAT_NAMES: Record<number, string> = { 2: "MS ADPCM", 6: "A-law", 7: "µ-law", 17: "IMA ADPCM" };
const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/**
 * More channels than any production format (7th-order ambisonics is 64) is a damaged header, and
 * a block of them would need gigabytes.
 */
export const MAX_CHANNELS = 64;

/** Bytes a header may need to be read through before the data chunk starts (LIST/bext chunks included). */
export const HEADER_PROBE_BYTES = 1 << 16;

function formatOf(audioFormat: number, bits: number, bytesPerSample: number): SampleFormat | undefined {
  if (audioFormat === FLOAT && bits === 32 && bytesPerSample === 4) return { kind: "float", bits: 32 };
  if (audioFormat === FLOAT && bits === 64 && bytesPerSample === 8) return { kind: "float", bits: 64 };
  if (audioFormat !== PCM) return undefined;
  if (bytesPerSample === 1 && bits <= 8) return { kind: "uint8" };
  // Valid bits below the container are left-justified: the container's scale is the right one.
  if (bytesPerSample >= 2 && bytesPerSample <= 4 && bits > 8 * (bytesPerSample - 1)) {
    return { kind: "int", bits: 8 * bytesPerSample };
  }
  return undefined;
}

/**
 * A format eqp does not read, by name: judged from the fmt chunk's tag (an extensible file's
 * sub-format) and its bits, since a 64-bit integer is not a 64-bit float, nor a 16-bit float an int16.
 */
function formatName(audioFormat: number, bits: number): string {
  if (audioFormat === PCM) return `${bits}-bit integer PCM`;
  if (audioFormat === FLOAT) return `${bits}-bit float`;
  return FORMAT_NAMES[audioFormat] ?? `format ${audioFormat}, ${bits} bit`;
}

function depthCode(format: SampleFormat): string {
  return format.kind === "float"
    ? format.bits === 32
      ? "32f"
      : "64"
    : format.kind === "uint8"
      ? "8"
      : String(format.bits);
}

/**
 * The layout of a WAV file from its first bytes (at least up to the data chunk's header) and its
 * size. Throws `WavFormatError` with a reason a user can act on.
 */
export function parseWavHeader(head: Uint8Array, fileSize: number): WavLayout {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const tag = (at: number) => String.fromCharCode(...head.subarray(at, at + 4));
  if (head.byteLength < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE")
    throw new WavFormatError("not a WAV file (no RIFF/WAVE header)");
  let at = 12;
  let fmt: { audioFormat: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | undefined;
  while (at + 8 <= head.byteLength) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    if (id === "fmt ") {
      if (size < 16 || at + 8 + size > head.byteLength) throw new WavFormatError("its fmt chunk is cut short");
      let audioFormat = view.getUint16(at + 8, true);
      if (audioFormat === EXTENSIBLE && size >= 40) audioFormat = view.getUint16(at + 8 + 24, true);
      fmt = {
        audioFormat,
        channels: view.getUint16(at + 10, true),
        sampleRate: view.getUint32(at + 12, true),
        blockAlign: view.getUint16(at + 20, true),
        bits: view.getUint16(at + 22, true),
      };
    } else if (id === "data") {
      if (!fmt) throw new WavFormatError("its data chunk comes before its fmt chunk");
      const available = fileSize - at - 8;
      // Recorders that stop without closing the file leave 0xFFFFFFFF: the samples run to the end.
      if (size > available && size !== 0xffffffff)
        throw new WavFormatError(`it is truncated: its data chunk says ${size} bytes, the file holds ${available}`);
      return layoutOf(fmt, at + 8, Math.min(size, available));
    }
    at += 8 + size + (size % 2);
  }
  throw new WavFormatError(fmt ? "it has no data chunk (truncated?)" : "it has no fmt chunk (truncated?)");
}

function layoutOf(
  fmt: { audioFormat: number; channels: number; sampleRate: number; blockAlign: number; bits: number },
  dataOffset: number,
  dataBytes: number,
): WavLayout {
  if (fmt.channels < 1) throw new WavFormatError("its header says it has no channels");
  if (fmt.channels > MAX_CHANNELS)
    throw new WavFormatError(`${fmt.channels} channels: eqp apply reads WAV files of 1 to ${MAX_CHANNELS} channels`);
  if (fmt.sampleRate < 1) throw new WavFormatError("its header says its sample rate is 0");
  const bytesPerSample = fmt.blockAlign / fmt.channels;
  const format = Number.isInteger(bytesPerSample) ? formatOf(fmt.audioFormat, fmt.bits, bytesPerSample) : undefined;
  if (!format)
    throw new WavFormatError(
      `${formatName(fmt.audioFormat, fmt.bits)} is not supported: eqp reads PCM (8–32 bit) and float (32, 64 bit) WAV files`,
    );
  return {
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    format,
    bitDepth: depthCode(format),
    bytesPerSample,
    blockAlign: fmt.blockAlign,
    dataOffset,
    frames: Math.floor(Math.max(0, dataBytes) / fmt.blockAlign),
  };
}

/** A canonical 44-byte header (WAVE_FORMAT_PCM or IEEE float) for `frames` frames of the layout. */
export function wavHeader(
  layout: Pick<WavLayout, "sampleRate" | "channels" | "format" | "bytesPerSample">,
  frames: number,
): Uint8Array {
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  const blockAlign = layout.bytesPerSample * layout.channels;
  const dataBytes = frames * blockAlign;
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < 4; i++) header[at + i] = text.charCodeAt(i);
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataBytes + (dataBytes % 2), true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, layout.format.kind === "float" ? FLOAT : PCM, true);
  view.setUint16(22, layout.channels, true);
  view.setUint32(24, layout.sampleRate, true);
  view.setUint32(28, layout.sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, layout.bytesPerSample * 8, true);
  ascii(36, "data");
  view.setUint32(40, dataBytes, true);
  return header;
}

function floatView(bytes: Uint8Array, bits: 32 | 64, count: number): Float32Array | Float64Array {
  return bits === 32
    ? new Float32Array(bytes.buffer, bytes.byteOffset, count)
    : new Float64Array(bytes.buffer, bytes.byteOffset, count);
}

/**
 * Decodes `count` interleaved samples from `bytes` (starting at byte 0, which must be 8-byte
 * aligned in its buffer) into floats in [-1, 1], as `toFloat` does. Returns the first non-finite
 * sample's index for float formats, or -1.
 */
export function decodeSamples(bytes: Uint8Array, format: SampleFormat, count: number, out: Float64Array): number {
  const buffer = bytes.buffer;
  const offset = bytes.byteOffset;
  if (format.kind === "float") {
    const stored = floatView(bytes, format.bits, count);
    for (let i = 0; i < count; i++) {
      const value = stored[i]!;
      out[i] = value;
      if (value - value !== 0) return i;
    }
    return -1;
  }
  if (format.kind === "uint8") {
    for (let i = 0; i < count; i++) out[i] = (bytes[i]! - 128) / 128;
  } else if (format.bits === 16) {
    const stored = new Int16Array(buffer, offset, count);
    for (let i = 0; i < count; i++) out[i] = stored[i]! / 32768;
  } else if (format.bits === 32) {
    const stored = new Int32Array(buffer, offset, count);
    for (let i = 0; i < count; i++) out[i] = stored[i]! / 2147483648;
  } else {
    for (let i = 0, j = 0; i < count; i++, j += 3) {
      // The top byte shifted into the sign bit and back carries the sign.
      out[i] = (((bytes[j]! | (bytes[j + 1]! << 8) | (bytes[j + 2]! << 16)) << 8) >> 8) / 8388608;
    }
  }
  return -1;
}

/**
 * Math.round (halves toward +∞), about 3× faster in the encoding loops (V8 compiles Math.round to
 * more than a floor): floor(y + 0.5) is exact except where the sum rounds up onto an integer
 * (y = 0.49999999999999994), which the comparison, exact because v − 0.5 is, takes back. The same
 * integer as Math.round for every double (test/unit/wavRounding.test.ts).
 */
export function roundHalfUp(y: number): number {
  const v = Math.floor(y + 0.5);
  return v - 0.5 > y ? v - 1 : v;
}

/**
 * Encodes `count` floats into `bytes` as `fromFloat` does (integers rounded to the nearest step and
 * clamped to the format's range; callers check clipping first).
 */
export function encodeSamples(samples: Float64Array, format: SampleFormat, count: number, bytes: Uint8Array): void {
  const buffer = bytes.buffer;
  const offset = bytes.byteOffset;
  if (format.kind === "float") {
    const stored = floatView(bytes, format.bits, count);
    for (let i = 0; i < count; i++) stored[i] = samples[i]!;
    return;
  }
  if (format.kind === "uint8") {
    for (let i = 0; i < count; i++) bytes[i] = Math.min(255, Math.max(0, roundHalfUp(samples[i]! * 128) + 128));
  } else if (format.bits === 16) {
    const stored = new Int16Array(buffer, offset, count);
    for (let i = 0; i < count; i++) stored[i] = Math.min(32767, Math.max(-32768, roundHalfUp(samples[i]! * 32768)));
  } else if (format.bits === 32) {
    const stored = new Int32Array(buffer, offset, count);
    for (let i = 0; i < count; i++)
      stored[i] = Math.min(2147483647, Math.max(-2147483648, roundHalfUp(samples[i]! * 2147483648)));
  } else {
    for (let i = 0, j = 0; i < count; i++, j += 3) {
      const value = Math.min(8388607, Math.max(-8388608, roundHalfUp(samples[i]! * 8388608)));
      bytes[j] = value & 0xff;
      bytes[j + 1] = (value >> 8) & 0xff;
      bytes[j + 2] = (value >> 16) & 0xff;
    }
  }
}
