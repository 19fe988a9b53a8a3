/** WAV files in and out through the wavefile library: channels as floats in [-1, 1], and back. */
import { readFileSync } from "node:fs";
import * as wavefileModule from "wavefile";
import {
  firstNonFinite,
  fromFloat,
  sampleFormatOf,
  toFloat,
  type NonFiniteSample,
  type SampleFormat,
} from "../core/audio/index.js";
import { formatDecimal } from "../core/index.js";
import { fileError, UsageError, writeOutputFile } from "./files.js";

export interface WavAudio {
  sampleRate: number;
  /** wavefile's bit depth code: "16", "24", "32f", … */
  bitDepth: string;
  format: SampleFormat;
  channels: Float64Array[];
}

/**
 * The WaveFile class, however the module arrives: esbuild bundles wavefile's ES module (named
 * exports), Node loads its CommonJS build (everything under `default`).
 */
type WaveFileClass = typeof wavefileModule.WaveFile;
const WaveFile: WaveFileClass =
  (wavefileModule as unknown as { WaveFile?: WaveFileClass }).WaveFile ??
  (Reflect.get(wavefileModule, "default") as { WaveFile: WaveFileClass }).WaveFile;

const FORMAT_NAMES: Record<number, string> = { 2: "MS ADPCM", 6: "A-law", 7: "µ-law", 17: "IMA ADPCM" };
const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 65534;

/**
 * The most channels eqp apply filters (README): a 7th-order ambisonic file has 64; a header that
 * claims thousands is broken, not a recording.
 */
export const MAX_WAV_CHANNELS = 64;

interface FmtChunk {
  audioFormat: number;
  numChannels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** WAVE_FORMAT_EXTENSIBLE's sub-format GUID as four little-endian words: the first is the format tag. */
  subformat: number[];
}

/**
 * Why eqp apply cannot read a file of this format, or undefined when it can. Judged from the fmt
 * chunk itself (the tag, an extensible file's sub-format, the bits), not from wavefile's bit depth
 * code, which calls 64-bit integers "64" like 64-bit floats and 16-bit floats "16" like integers.
 */
function unsupportedFormat(fmt: FmtChunk): string | undefined {
  const tag = fmt.audioFormat === EXTENSIBLE ? (fmt.subformat[0] ?? 0) : fmt.audioFormat;
  const bits = fmt.bitsPerSample;
  if (tag === PCM) return bits >= 8 && bits <= 32 ? undefined : `${bits}-bit integer PCM is not supported`;
  if (tag === IEEE_FLOAT) return bits === 32 || bits === 64 ? undefined : `${bits}-bit float is not supported`;
  return `${FORMAT_NAMES[tag] ?? `format ${tag}, ${bits} bit`} is not supported`;
}

export function readWav(file: string): WavAudio {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw fileError(file, "read", error);
  }
  let wav: InstanceType<WaveFileClass>;
  try {
    wav = new WaveFile(bytes);
  } catch (error) {
    throw new UsageError(`${file}: not a WAV file (${(error as Error).message})`);
  }
  const fmt = wav.fmt as FmtChunk;
  const format = sampleFormatOf(wav.bitDepth);
  const unsupported = unsupportedFormat(fmt) ?? (format ? undefined : `${wav.bitDepth}-bit samples are not supported`);
  if (unsupported) {
    throw new UsageError(`${file}: ${unsupported}: eqp apply reads PCM (8–32 bit) and float (32, 64 bit) WAV files`);
  }
  if (!(fmt.numChannels >= 1 && fmt.numChannels <= MAX_WAV_CHANNELS))
    throw new UsageError(
      `${file}: ${fmt.numChannels} channels: eqp apply reads WAV files of 1 to ${MAX_WAV_CHANNELS} channels`,
    );
  const samples = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const stored = Array.isArray(samples) ? samples : [samples];
  const audio = {
    sampleRate: fmt.sampleRate,
    bitDepth: wav.bitDepth,
    format: format!,
    channels: stored.map((channel) => toFloat(channel, format!)),
  };
  const bad = firstNonFinite(audio.channels);
  if (bad)
    throw new UsageError(`${file}: ${nonFiniteSample(bad, audio.sampleRate)}: eqp apply filters finite samples only`);
  return audio;
}

/** "the sample of channel 1 at frame 480 (0.010 s) is NaN": where a file or a result stops being sound. */
export function nonFiniteSample(sample: NonFiniteSample, sampleRate: number): string {
  return `the sample of channel ${sample.channel + 1} at frame ${sample.frame} (${formatDecimal(sample.frame / sampleRate, 3)} s) is ${sample.value}`;
}

/** Writes channels of floats with the sample rate and bit depth given (those of the input). */
export function writeWav(file: string, audio: WavAudio): void {
  const wav = new WaveFile();
  const stored = audio.channels.map((channel) => fromFloat(channel, audio.format));
  wav.fromScratch(stored.length, audio.sampleRate, audio.bitDepth, stored.length === 1 ? stored[0]! : stored);
  writeOutputFile(file, wav.toBuffer());
}
