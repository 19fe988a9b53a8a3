/**
 * One WAV file through a preset's bands, streamed: constant memory whatever its length. The
 * never-clip-silently rule needs the whole file's output peak, so the first pass writes the output
 * (to a temporary file) while it measures the peak; only when an integer output would clip does
 * something more happen: with `--pregain auto` a second pass writes it again with the pre-gain the
 * first pass found, otherwise the temporary file is removed and the command says what gain fits.
 * Runs in the main thread for one file and in worker threads for folders (applyWorker.ts).
 */
import { displayFrequency, displayGain, formatDecimal, SLOTS, type EqBand } from "../../server/src/core/index.js";
import {
  blockPeak,
  BiquadRunner,
  ceilingOf,
  dbToGain,
  headroom,
  presetBiquads,
} from "../../server/src/core/audio/index.js";
import type { SampleFormat } from "../../server/src/core/audio/index.js";
import { UsageError } from "./files.js";
import { AtomicWavWriter, WavReader } from "./wavStream.js";

export interface ApplyJob {
  input: string;
  output: string;
  /** The preset's label for messages ("VO clean"), its bands and output gain. */
  label: string;
  bands: EqBand[];
  outputGainDb: number;
  preGain?: number | "auto";
}

export interface ApplyReport {
  /** The line `eqp apply` prints for the file. */
  summary: string;
  /** A float output over full scale: kept, with this warning. */
  warning?: string;
  frames: number;
  seconds: number;
}

/** The output would clip an integer format: nothing was written. */
export class ClipError extends Error {}

export function depthLabel(format: SampleFormat): string {
  return format.kind === "float"
    ? `${format.bits}-bit float`
    : format.kind === "uint8"
      ? "8-bit"
      : `${format.bits}-bit`;
}

function nyquistCheck(job: ApplyJob, sampleRate: number): void {
  const nyquist = sampleRate / 2;
  const above = job.bands.filter((band) => band.gainDb !== 0 && band.frequencyHz >= nyquist);
  if (above.length === 0) return;
  const names = above
    .map((band) => `${SLOTS.find((slot) => slot.id === band.slot)!.label} at ${displayFrequency(band.frequencyHz)}`)
    .join(", ");
  throw new UsageError(
    `${job.input}: ${job.label}: ${names} at or above the Nyquist frequency ${displayFrequency(nyquist)} of ${displayFrequency(sampleRate)}`,
  );
}

/** One pass: filter every block, write it, and return the output's peak. */
function filterPass(reader: WavReader, writer: AtomicWavWriter, job: ApplyJob, preGainDb: number): number {
  const { layout } = reader;
  const runner = new BiquadRunner(
    presetBiquads(job.bands, layout.sampleRate),
    layout.channels,
    job.outputGainDb,
    preGainDb === 0 ? 1 : dbToGain(preGainDb),
  );
  let peak = 0;
  for (const { samples, frames } of reader.blocks()) {
    runner.process(samples, frames);
    peak = Math.max(peak, blockPeak(samples, frames * layout.channels));
    writer.writeBlock(samples, frames);
  }
  return peak;
}

function passTo(reader: WavReader, job: ApplyJob, preGainDb: number): { writer: AtomicWavWriter; peak: number } {
  const writer = new AtomicWavWriter(job.output, reader.layout);
  try {
    return { writer, peak: filterPass(reader, writer, job, preGainDb) };
  } catch (error) {
    writer.abandon();
    throw error;
  }
}

export function applyToFile(job: ApplyJob): ApplyReport {
  const reader = WavReader.open(job.input);
  try {
    const { layout } = reader;
    nyquistCheck(job, layout.sampleRate);
    const ceiling = ceilingOf(layout.format);
    let preGainDb = typeof job.preGain === "number" ? job.preGain : 0;
    let { writer, peak } = passTo(reader, job, preGainDb);
    let after = headroom(peak, ceiling);
    if (after.clips && job.preGain === "auto") {
      writer.abandon();
      preGainDb = after.suggestedPreGainDb;
      ({ writer, peak } = passTo(reader, job, preGainDb));
      after = headroom(peak, ceiling);
    }
    const peakText = Number.isFinite(after.peakDbfs)
      ? `${after.peakDbfs > 0 ? "+" : ""}${formatDecimal(after.peakDbfs, 2)} dBFS`
      : "silence";
    let warning: string | undefined;
    if (after.clips) {
      const needed = preGainDb + after.suggestedPreGainDb;
      const advice = `pre-gain of ${displayGain(needed)} (--pregain ${formatDecimal(needed, 1)}) or --pregain auto`;
      if (layout.format.kind !== "float") {
        writer.abandon();
        throw new ClipError(
          `${job.output} would clip: ${job.label} peaks at ${peakText} in a ${depthLabel(layout.format)} file; use a ${advice}`,
        );
      }
      warning = `${job.output} peaks at ${peakText}, over full scale: a float file keeps it, but playback will clip; a ${advice} avoids that`;
    }
    writer.commit();
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
    const seconds = layout.frames / layout.sampleRate;
    const summary =
      `wrote ${job.output}: ${job.label}, ${count(job.bands.length, "band")} at ${displayFrequency(layout.sampleRate)}, ` +
      `${count(layout.channels, "channel")}, ${depthLabel(layout.format)}, ${formatDecimal(seconds, 2)} s; ` +
      `peak ${peakText}${preGainDb !== 0 ? ` after a pre-gain of ${displayGain(preGainDb)}` : ""}`;
    return { summary, warning, frames: layout.frames, seconds };
  } finally {
    reader.close();
  }
}
