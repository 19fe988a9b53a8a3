/**
 * A WAV file's long-term spectrum (spectrum.ts's Welch average of the channels mixed to mono), read
 * a block at a time with a pause between blocks, so that the language server ("Match to a
 * reference…" in the preview) stays responsive while an hour of audio is read. Every problem is a
 * MatchError naming the file: a file that is no PCM WAV, ends early, is too short or silent.
 */
import { open } from "node:fs/promises";
import * as path from "node:path";
import { MatchError } from "./matchEq.js";
import { WELCH_FFT_SIZE, WelchSpectrum } from "./spectrum.js";
import { decodeSamples, HEADER_PROBE_BYTES, parseWavHeader, WavFormatError, type WavLayout } from "./wavFormat.js";

export interface WavSpectrum {
  sampleRate: number;
  channels: number;
  /** Welch's mean power per FFT bin. */
  power: Float64Array;
}

/** Frames per block read (1 MB of stereo float64 at most). */
const BLOCK_FRAMES = 1 << 16;
/** Under −120 dBFS RMS a file holds nothing a spectrum could say anything about. */
const SILENCE_RMS = 1e-6;

async function layoutOf(file: string, handle: import("node:fs/promises").FileHandle): Promise<WavLayout> {
  const size = (await handle.stat()).size;
  const head = new Uint8Array(Math.min(size, HEADER_PROBE_BYTES));
  await handle.read(head, 0, head.length, 0);
  try {
    return parseWavHeader(head, size);
  } catch (error) {
    if (error instanceof WavFormatError) throw new MatchError(`${path.basename(file)}: ${error.message}`);
    throw error;
  }
}

export async function wavFileSpectrum(file: string): Promise<WavSpectrum> {
  const name = path.basename(file);
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    throw new MatchError(`${name} could not be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    const layout = await layoutOf(file, handle);
    const { channels, blockAlign, dataOffset, frames, format, sampleRate } = layout;
    if (frames < WELCH_FFT_SIZE)
      throw new MatchError(`${name} is too short to analyse: ${frames} frames, at least ${WELCH_FFT_SIZE}`);
    const welch = new WelchSpectrum(channels);
    const bytes = new Uint8Array(new Float64Array(Math.ceil((BLOCK_FRAMES * blockAlign) / 8)).buffer);
    const samples = new Float64Array(BLOCK_FRAMES * channels);
    for (let done = 0; done < frames;) {
      const count = Math.min(BLOCK_FRAMES, frames - done);
      const { bytesRead } = await handle.read(bytes, 0, count * blockAlign, dataOffset + done * blockAlign);
      if (bytesRead < count * blockAlign)
        throw new MatchError(`${name} ends early: ${done + Math.floor(bytesRead / blockAlign)} of ${frames} frames`);
      if (decodeSamples(bytes, format, count * channels, samples) >= 0)
        throw new MatchError(`${name} holds a sample that is not a number`);
      welch.push(samples, count);
      done += count;
    }
    if (welch.rms() < SILENCE_RMS) throw new MatchError(`${name} is silent (below −120 dBFS): it has no spectrum`);
    return { sampleRate, channels, power: welch.average() };
  } finally {
    await handle.close();
  }
}
