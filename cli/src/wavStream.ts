/**
 * WAV files read and written a block at a time, so that memory stays constant whatever the length:
 * a reader that yields interleaved float frames (its buffers reused from block to block), and a
 * writer that fills a temporary file in the output's folder and renames it over the output only
 * when every block is written (a reader of the output never sees half a file).
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import * as path from "node:path";
import {
  decodeSamples,
  encodeSamples,
  HEADER_PROBE_BYTES,
  parseWavHeader,
  wavHeader,
  WavFormatError,
  type WavLayout,
} from "../../server/src/core/audio/index.js";
import { formatDecimal } from "../../server/src/core/index.js";
import { fileError, UsageError } from "./files.js";

/**
 * Frames per block: 16k frames of stereo float64 is 256 KB, with the read and write bytes ~400 KB
 * (64k frames cost `eqp apply` 1 MB more of peak memory and ran no faster).
 */
export const BLOCK_FRAMES = 1 << 14;

export interface Block {
  /** Interleaved floats in [-1, 1]; only the first `frames × channels` are this block's. */
  samples: Float64Array;
  frames: number;
}

export class WavReader {
  private constructor(
    readonly file: string,
    readonly layout: WavLayout,
    private readonly fd: number,
  ) {}

  static open(file: string): WavReader {
    let fd: number;
    try {
      fd = openSync(file, "r");
    } catch (error) {
      throw fileError(file, "read", error);
    }
    try {
      const size = fstatSync(fd).size;
      const head = new Uint8Array(Math.min(size, HEADER_PROBE_BYTES));
      readSync(fd, head, 0, head.length, 0);
      return new WavReader(file, parseWavHeader(head, size), fd);
    } catch (error) {
      closeSync(fd);
      if (error instanceof WavFormatError) throw new UsageError(`${file}: ${error.message}`);
      throw fileError(file, "read", error);
    }
  }

  /** Every frame, in blocks of at most `blockFrames`; the same buffers each time. */
  *blocks(blockFrames = BLOCK_FRAMES): Generator<Block> {
    const { channels, blockAlign, dataOffset, frames, format } = this.layout;
    // A Float64Array's backing store is 8-byte aligned, so every typed view of the bytes is too.
    const bytes = new Uint8Array(new Float64Array(Math.ceil((blockFrames * blockAlign) / 8)).buffer);
    const samples = new Float64Array(blockFrames * channels);
    for (let done = 0; done < frames;) {
      const count = Math.min(blockFrames, frames - done);
      const length = count * blockAlign;
      const read = readSync(this.fd, bytes, 0, length, dataOffset + done * blockAlign);
      if (read < length)
        throw new UsageError(
          `${this.file}: it ends early, ${done + Math.floor(read / blockAlign)} of ${frames} frames`,
        );
      const bad = decodeSamples(bytes, format, count * channels, samples);
      if (bad >= 0) {
        const frame = done + Math.floor(bad / channels);
        throw new UsageError(
          `${this.file}: the sample of channel ${(bad % channels) + 1} at frame ${frame} (${formatDecimal(frame / this.layout.sampleRate, 3)} s) is ${samples[bad]}: eqp apply filters finite samples only`,
        );
      }
      done += count;
      yield { samples, frames: count };
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Reads a whole file block by block through `use`, closing it however that ends. */
export function eachBlock(file: string, use: (reader: WavReader) => void): void {
  const reader = WavReader.open(file);
  try {
    use(reader);
  } finally {
    reader.close();
  }
}

export class AtomicWavWriter {
  private readonly temporary: string;
  private readonly fd: number;
  private bytes: Uint8Array;
  private position = 0;

  constructor(
    readonly file: string,
    private readonly layout: WavLayout,
  ) {
    this.temporary = path.join(
      path.dirname(file),
      `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`,
    );
    try {
      this.fd = openSync(this.temporary, "wx");
    } catch (error) {
      throw fileError(file, "written", error);
    }
    this.bytes = new Uint8Array(0);
    this.write(wavHeader(layout, layout.frames));
  }

  /** Appends `frames` interleaved frames. */
  writeBlock(samples: Float64Array, frames: number): void {
    const length = frames * this.layout.blockAlign;
    if (this.bytes.length < length) this.bytes = new Uint8Array(new Float64Array(Math.ceil(length / 8)).buffer);
    encodeSamples(samples, this.layout.format, frames * this.layout.channels, this.bytes);
    this.write(this.bytes.subarray(0, length));
  }

  /** Pads the data chunk to even length, closes and renames the file over the output. */
  commit(): void {
    if (this.position % 2 === 1) this.write(new Uint8Array(1));
    closeSync(this.fd);
    try {
      renameSync(this.temporary, this.file);
    } catch (error) {
      rmSync(this.temporary, { force: true });
      throw fileError(this.file, "written", error);
    }
  }

  /** Removes the temporary file; the output, if it existed, is untouched. */
  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed by a failed commit.
    }
    rmSync(this.temporary, { force: true });
  }

  private write(data: Uint8Array): void {
    try {
      for (let at = 0; at < data.length;) at += writeSync(this.fd, data, at, data.length - at, this.position + at);
    } catch (error) {
      this.abandon();
      throw fileError(this.file, "written", error);
    }
    this.position += data.length;
  }
}
