/** WAV files in and out through the wavefile library: channels as floats in [-1, 1], and back. */
import { readFileSync } from "node:fs";
import * as wavefileModule from "wavefile";
import { fromFloat, sampleFormatOf, toFloat, type SampleFormat } from "../../server/src/core/audio/index.js";
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
  const fmt = wav.fmt as { numChannels: number; sampleRate: number; audioFormat: number };
  const format = sampleFormatOf(wav.bitDepth);
  if (!format || ![1, 3, 65534].includes(fmt.audioFormat)) {
    const name = FORMAT_NAMES[fmt.audioFormat] ?? `format ${fmt.audioFormat}, ${wav.bitDepth} bit`;
    throw new UsageError(
      `${file}: ${name} is not supported: eqp apply reads PCM (8–32 bit) and float (32, 64 bit) WAV files`,
    );
  }
  const samples = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const stored = Array.isArray(samples) ? samples : [samples];
  return {
    sampleRate: fmt.sampleRate,
    bitDepth: wav.bitDepth,
    format,
    channels: stored.map((channel) => toFloat(channel, format)),
  };
}

/** Writes channels of floats with the sample rate and bit depth given (those of the input). */
export function writeWav(file: string, audio: WavAudio): void {
  const wav = new WaveFile();
  const stored = audio.channels.map((channel) => fromFloat(channel, audio.format));
  wav.fromScratch(stored.length, audio.sampleRate, audio.bitDepth, stored.length === 1 ? stored[0]! : stored);
  writeOutputFile(file, wav.toBuffer());
}
