/**
 * Running a preset over whole sample buffers: its bands as a cascade of biquads (direct form I, in
 * double precision; biquadRunner.ts), each channel with its own filter state, then the output gain. No file IO
 * here: the CLI reads and writes the WAV, this only turns samples into samples.
 */
import type { EqBand } from "../eq/index.js";
import { bandSections, hasGain, type Biquad } from "../eq/index.js";
import { BiquadRunner } from "./biquadRunner.js";

/** The biquads of a preset's bands at a sample rate; bands with 0 dB gain do nothing and are skipped. */
export function presetBiquads(bands: readonly EqBand[], sampleRate: number): Biquad[] {
  return bands
    .filter((band) => band.gainDb !== 0 || !hasGain(band.slot))
    .flatMap((band) => bandSections(band, sampleRate));
}

export function dbToGain(db: number): number {
  return Math.pow(10, db / 20);
}

export function gainToDb(gain: number): number {
  return 20 * Math.log10(gain);
}

/**
 * Filters each channel through the cascade and scales it by `gainDb`; returns new buffers. The
 * channels are independent: each gets fresh filter state.
 */
export function filterChannels(
  channels: readonly Float64Array[],
  filters: readonly Biquad[],
  gainDb = 0,
): Float64Array[] {
  return channels.map((channel) => {
    const out = Float64Array.from(channel);
    new BiquadRunner(filters, 1, gainDb).process(out, out.length);
    return out;
  });
}

/** The largest absolute sample over all channels (1 = full scale). */
export function peakLevel(channels: readonly Float64Array[]): number {
  let peak = 0;
  for (const channel of channels) for (let i = 0; i < channel.length; i++) peak = Math.max(peak, Math.abs(channel[i]!));
  return peak;
}

/** Root mean square of a stretch of samples. */
export function rms(samples: Float64Array, start = 0, end = samples.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / Math.max(1, end - start));
}

export function scaleChannels(channels: readonly Float64Array[], gainDb: number): Float64Array[] {
  const gain = dbToGain(gainDb);
  return channels.map((channel) => channel.map((sample) => sample * gain));
}
