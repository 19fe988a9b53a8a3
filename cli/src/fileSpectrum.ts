/** A WAV file's long-term spectrum for `eqp match` and `eqp analyze`, read a block at a time. */
import { displayFrequency } from "../../server/src/core/index.js";
import { WELCH_FFT_SIZE, WelchSpectrum, octaveFraction } from "../../server/src/core/audio/index.js";
import { UsageError } from "./files.js";
import { eachBlock } from "./wavStream.js";

export interface FileSpectrum {
  file: string;
  sampleRate: number;
  channels: number;
  /** Welch's mean power per FFT bin of the channels mixed to mono. */
  power: Float64Array;
}

/** Under −120 dBFS RMS a file holds nothing a spectrum could say anything about. */
const SILENCE_RMS = 1e-6;

export function fileSpectrum(file: string): FileSpectrum {
  let result: FileSpectrum | undefined;
  eachBlock(file, (reader) => {
    const { sampleRate, channels, frames } = reader.layout;
    if (frames < WELCH_FFT_SIZE)
      throw new UsageError(
        `${file}: too short to analyse: ${frames} frames, at least ${WELCH_FFT_SIZE} (${(WELCH_FFT_SIZE / sampleRate).toFixed(2)} s at ${displayFrequency(sampleRate)})`,
      );
    const welch = new WelchSpectrum(channels);
    for (const { samples, frames: count } of reader.blocks()) welch.push(samples, count);
    if (welch.rms() < SILENCE_RMS)
      throw new UsageError(`${file}: it is silent (below −120 dBFS): it has no spectrum to match or show`);
    result = { file, sampleRate, channels, power: welch.average() };
  });
  return result!;
}

export function smoothingArgument(text: string): number {
  const fraction = octaveFraction(text);
  if (fraction === undefined)
    throw new UsageError(
      `--smoothing must be a fraction of an octave from 1/1 to 1/48 (1/3, 1/6), not ${JSON.stringify(text)}`,
    );
  return fraction;
}

/** Refuses two files of different sample rates: their bins would not line up, and eqp does not resample. */
export function sameRate(a: FileSpectrum, b: FileSpectrum): void {
  if (a.sampleRate !== b.sampleRate)
    throw new UsageError(
      `${a.file} is at ${displayFrequency(a.sampleRate)} and ${b.file} at ${displayFrequency(b.sampleRate)}: ` +
        `eqp compares files of one sample rate; resample one first (for example sox ${b.file} -r ${a.sampleRate} resampled.wav)`,
    );
}
