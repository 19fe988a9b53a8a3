import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import wavefile from "wavefile";
import { eqp, temporaryFolder, writeFileIn } from "../support/cli.js";

const work = temporaryFolder("apply");
const presetFile = (name: string, text: string) => writeFileIn(work, name, text);

/** Full-scale value of an integer bit depth; floats are stored as they are. */
function fullScale(bitDepth: string): number {
  return bitDepth.endsWith("f") ? 1 : 2 ** (Number(bitDepth) - 1);
}

/** Writes a WAV of sines (one frequency per channel) with wavefile, as any tool would. */
interface SineOptions {
  sampleRate: number;
  bitDepth: string;
  /** One per channel. */
  frequencies: number[];
  amplitude: number;
  seconds?: number;
}

function sineWav(name: string, options: SineOptions): string {
  const frames = Math.round((options.seconds ?? 1) * options.sampleRate);
  const scale = fullScale(options.bitDepth);
  const channels = options.frequencies.map((frequency) =>
    Array.from({ length: frames }, (_, i) => {
      const value = options.amplitude * Math.sin((2 * Math.PI * frequency * i) / options.sampleRate) * scale;
      return options.bitDepth.endsWith("f") ? value : Math.round(value);
    }),
  );
  const wav = new wavefile.WaveFile();
  wav.fromScratch(
    channels.length,
    options.sampleRate,
    options.bitDepth,
    channels.length === 1 ? channels[0]! : channels,
  );
  return writeFileIn(work, name, wav.toBuffer());
}

/** What one `eqp apply` takes: the preset as `<name>.eqp`, a sine WAV as `<name>.wav`, and `<name>-out.wav` to write. */
function applyFiles(
  name: string,
  presetText: string,
  sine: SineOptions,
): { preset: string; input: string; output: string } {
  return {
    preset: presetFile(`${name}.eqp`, presetText),
    input: sineWav(`${name}.wav`, sine),
    output: path.join(work, `${name}-out.wav`),
  };
}

interface ReadBack {
  sampleRate: number;
  channels: number;
  bitDepth: string;
  samples: Float64Array[];
}

function readWav(file: string): ReadBack {
  const wav = new wavefile.WaveFile(readFileSync(file));
  const fmt = wav.fmt as { sampleRate: number; numChannels: number };
  const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const scale = fullScale(wav.bitDepth);
  const samples = (Array.isArray(raw) ? raw : [raw]).map((channel) => channel.map((value) => value / scale));
  return { sampleRate: fmt.sampleRate, channels: fmt.numChannels, bitDepth: wav.bitDepth, samples };
}

/** RMS level change in dB of `out` against `input`, after the filters' transient (the first 0.25 s). */
function gainDb(input: Float64Array, output: Float64Array, sampleRate: number): number {
  const start = Math.round(0.25 * sampleRate);
  const rms = (samples: Float64Array) =>
    Math.sqrt(samples.slice(start).reduce((sum, value) => sum + value * value, 0) / (samples.length - start));
  return 20 * Math.log10(rms(output) / rms(input));
}

describe("eqp apply", () => {
  it("16-bit mono: a sine at a bell's centre comes out boosted by the bell's gain", () => {
    const { preset, input, output } = applyFiles("mono16", "bell 1kHz +6dB q 1\n", {
      sampleRate: 48000,
      bitDepth: "16",
      frequencies: [1000],
      amplitude: 0.25,
    });
    const result = eqp("apply", preset, input, output);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^wrote .*mono16-out\.wav: \(unnamed preset\), 1 band at 48 kHz, 1 channel, 16-bit, 1 s; peak -6\.\d\d dBFS\n$/,
    );
    const before = readWav(input);
    const after = readWav(output);
    assert.deepEqual([after.sampleRate, after.channels, after.bitDepth], [48000, 1, "16"]);
    const gain = gainDb(before.samples[0]!, after.samples[0]!, 48000);
    assert.ok(Math.abs(gain - 6) < 0.1, String(gain));
  });

  it("24-bit stereo at 44.1 kHz: a low shelf's plateau on one channel, the bell on the other", () => {
    const { preset, input, output } = applyFiles(
      "stereo24",
      'preset "Two" {\n  lowshelf 400Hz -6dB\n  bell 5kHz +4dB q 2\n  gain -1dB\n}\npreset "Other" {\n  bell 1kHz +1dB\n}\n',
      { sampleRate: 44100, bitDepth: "24", frequencies: [30, 5000], amplitude: 0.3 },
    );
    assert.equal(eqp("apply", preset, input, output).status, 2, "two presets: --preset is needed");
    const result = eqp("apply", preset, "--preset", "Two", input, output);
    assert.equal(result.status, 0, result.stderr);
    const before = readWav(input);
    const after = readWav(output);
    assert.deepEqual([after.sampleRate, after.channels, after.bitDepth], [44100, 2, "24"]);
    // 30 Hz sits deep in the shelf's plateau (-6 dB), 5 kHz at the bell's centre (+4 dB); both with the -1 dB trim.
    const low = gainDb(before.samples[0]!, after.samples[0]!, 44100);
    const high = gainDb(before.samples[1]!, after.samples[1]!, 44100);
    assert.ok(Math.abs(low - -7) < 0.1, String(low));
    assert.ok(Math.abs(high - 3) < 0.1, String(high));
  });

  it("32-bit float stereo at 96 kHz: a high shelf far into its plateau", () => {
    const { preset, input, output } = applyFiles("float32", "highshelf 2kHz +4dB\n", {
      sampleRate: 96000,
      bitDepth: "32f",
      frequencies: [20000, 20000],
      amplitude: 0.2,
    });
    const result = eqp("apply", preset, input, output);
    assert.equal(result.status, 0, result.stderr);
    const before = readWav(input);
    const after = readWav(output);
    assert.deepEqual([after.sampleRate, after.channels, after.bitDepth], [96000, 2, "32f"]);
    for (const channel of [0, 1]) {
      const gain = gainDb(before.samples[channel]!, after.samples[channel]!, 96000);
      assert.ok(Math.abs(gain - 4) < 0.1, String(gain));
    }
  });

  it("refuses to clip an integer file and names the pre-gain that avoids it", () => {
    const { preset, input, output } = applyFiles("loud", "bell 1kHz +6dB q 1\n", {
      sampleRate: 48000,
      bitDepth: "16",
      frequencies: [1000],
      amplitude: 0.9,
    });
    const refused = eqp("apply", preset, input, output);
    assert.equal(refused.status, 1);
    assert.match(
      refused.stderr,
      /loud-out\.wav would clip: \(unnamed preset\) peaks at \+5\.\d\d dBFS in a 16-bit file; use a pre-gain of -5\.\d dB \(--pregain -5\.\d\) or --pregain auto; nothing written/,
    );
    assert.equal(existsSync(output), false);

    const automatic = eqp("apply", preset, input, output, "--pregain", "auto");
    assert.equal(automatic.status, 0, automatic.stderr);
    const preGain = Number(/after a pre-gain of (-\d+\.\d) dB/.exec(automatic.stdout)![1]);
    const after = readWav(output);
    const peak = Math.max(...after.samples[0]!.map(Math.abs));
    assert.ok(peak <= 32767 / 32768 && peak > 0.97, String(peak));
    const gain = gainDb(readWav(input).samples[0]!, after.samples[0]!, 48000);
    assert.ok(Math.abs(gain - (6 + preGain)) < 0.1, `${gain} vs ${6 + preGain}`);

    const manual = eqp("apply", preset, input, output, "--pregain", "-8dB");
    assert.equal(manual.status, 0, manual.stderr);
    assert.ok(Math.abs(gainDb(readWav(input).samples[0]!, readWav(output).samples[0]!, 48000) - -2) < 0.1);
  });

  it("keeps a float file's overs but warns that playback will clip", () => {
    const { preset, input, output } = applyFiles("loud-float", "bell 1kHz +6dB q 1\n", {
      sampleRate: 48000,
      bitDepth: "32f",
      frequencies: [1000],
      amplitude: 0.9,
    });
    const result = eqp("apply", preset, input, output);
    assert.equal(result.status, 0);
    assert.match(
      result.stderr,
      /warning: .*peaks at \+5\.\d\d dBFS, over full scale: a float file keeps it, but playback will clip/,
    );
    assert.ok(Math.max(...readWav(output).samples[0]!.map(Math.abs)) > 1.5);
  });

  it("says clearly what is wrong with its inputs", () => {
    const preset = presetFile("ok.eqp", "bell 1kHz +1dB\n");
    assert.match(
      eqp("apply", preset, path.join(work, "missing.wav"), path.join(work, "x.wav")).stderr,
      /missing\.wav: cannot be read \(ENOENT\)/,
    );
    assert.match(eqp("apply", preset, preset, path.join(work, "x.wav")).stderr, /ok\.eqp: not a WAV file/);
    const high = presetFile("high.eqp", "highshelf 12kHz +3dB\n");
    const slow = sineWav("slow.wav", {
      sampleRate: 22050,
      bitDepth: "16",
      frequencies: [440],
      amplitude: 0.1,
      seconds: 0.1,
    });
    const result = eqp("apply", high, slow, path.join(work, "slow-out.wav"));
    assert.equal(result.status, 2);
    assert.match(result.stderr, /High shelf at 12 kHz at or above the Nyquist frequency 11\.03 kHz of 22\.05 kHz/);
    assert.match(
      eqp("apply", preset, slow, path.join(work, "y.wav"), "--pregain", "loud").stderr,
      /--pregain must be "auto" or a gain in dB/,
    );
  });
});

/** The fmt chunk of a hand-made WAV: tags and depths no tool writes by default. */
interface RawFormat {
  /** 1 PCM, 3 float, 65534 WAVE_FORMAT_EXTENSIBLE (then `subformat` is the real tag). */
  tag: number;
  subformat?: number;
  bits: number;
  channels: number;
  frames: number;
  /** The data chunk's bytes (default: zeros). */
  data?: Uint8Array;
}

/** A WAV file written byte by byte, so that the fmt chunk says exactly what the test needs. */
function rawWav(name: string, format: RawFormat): string {
  const extensible = format.tag === 65534;
  const fmtSize = extensible ? 40 : 16;
  const blockAlign = (format.channels * format.bits) / 8;
  const data = format.data ?? new Uint8Array(blockAlign * format.frames);
  const bytes = Buffer.alloc(12 + 8 + fmtSize + 8 + data.length);
  bytes.write("RIFF", 0, "ascii");
  bytes.writeUInt32LE(bytes.length - 8, 4);
  bytes.write("WAVEfmt ", 8, "ascii");
  bytes.writeUInt32LE(fmtSize, 16);
  bytes.writeUInt16LE(format.tag, 20);
  bytes.writeUInt16LE(format.channels, 22);
  bytes.writeUInt32LE(48000, 24);
  bytes.writeUInt32LE((48000 * blockAlign) >>> 0, 28);
  bytes.writeUInt16LE(blockAlign & 0xffff, 32);
  bytes.writeUInt16LE(format.bits, 34);
  if (extensible) {
    bytes.writeUInt16LE(22, 36);
    bytes.writeUInt16LE(format.bits, 38);
    bytes.writeUInt32LE(0, 40);
    // KSDATAFORMAT_SUBTYPE_*: the tag, then 00000000-0010-8000-00aa00389b71.
    bytes.writeUInt16LE(format.subformat ?? 1, 44);
    Buffer.from("000000001000800000aa00389b71", "hex").copy(bytes, 46);
  }
  const dataAt = 20 + fmtSize;
  bytes.write("data", dataAt, "ascii");
  bytes.writeUInt32LE(data.length, dataAt + 4);
  Buffer.from(data).copy(bytes, dataAt + 8);
  return writeFileIn(work, name, bytes);
}

describe("eqp apply refuses what it cannot filter faithfully", () => {
  const preset = presetFile("refuse.eqp", "bell 1kHz +1dB\n");

  /** Exit 2, the message, and no output file: nothing half-made is left behind. */
  function refused(input: string, message: RegExp): void {
    const output = path.join(work, `${path.basename(input, ".wav")}-out.wav`);
    const result = eqp("apply", preset, input, output);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
    assert.equal(existsSync(output), false, "an output was written");
  }

  it("refuses a float file holding a NaN, naming the channel and the frame, and writes nothing", () => {
    const samples = Array.from({ length: 4800 }, (_, i) => 0.1 * Math.sin(i / 10));
    samples[480] = Number.NaN;
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, 48000, "32f", samples);
    const input = writeFileIn(work, "nan.wav", wav.toBuffer());
    refused(
      input,
      /nan\.wav: the sample of channel 1 at frame 480 \(0\.01 s\) is NaN: eqp apply filters finite samples only/,
    );
  });

  it("refuses an infinite sample in a 64-bit float file", () => {
    const data = new Float64Array(2 * 100);
    data[2 * 50 + 1] = Number.NEGATIVE_INFINITY;
    const input = rawWav("inf.wav", { tag: 3, bits: 64, channels: 2, frames: 100, data: new Uint8Array(data.buffer) });
    refused(input, /inf\.wav: the sample of channel 2 at frame 50 \(0\.001 s\) is -Infinity/);
  });

  it("names formats it does not read, judged by the fmt chunk and not the bit depth alone", () => {
    refused(
      rawWav("int64.wav", { tag: 1, bits: 64, channels: 1, frames: 16 }),
      /int64\.wav: 64-bit integer PCM is not supported/,
    );
    refused(
      rawWav("float16.wav", { tag: 3, bits: 16, channels: 1, frames: 16 }),
      /float16\.wav: 16-bit float is not supported/,
    );
    refused(
      rawWav("ext-int64.wav", { tag: 65534, subformat: 1, bits: 64, channels: 1, frames: 16 }),
      /ext-int64\.wav: 64-bit integer PCM is not supported/,
    );
    refused(
      rawWav("ext-float16.wav", { tag: 65534, subformat: 3, bits: 16, channels: 1, frames: 16 }),
      /ext-float16\.wav: 16-bit float is not supported/,
    );
  });

  it("still reads an extensible 24-bit PCM file", () => {
    const input = rawWav("ext-24.wav", { tag: 65534, subformat: 1, bits: 24, channels: 2, frames: 480 });
    const result = eqp("apply", preset, input, path.join(work, "ext-24-out.wav"));
    assert.equal(result.status, 0, result.stderr);
  });

  it("refuses more channels than it filters, with the limit", () => {
    refused(
      rawWav("many.wav", { tag: 1, bits: 16, channels: 65535, frames: 1 }),
      /many\.wav: .*65535 channels|not a WAV file/,
    );
    refused(
      rawWav("65.wav", { tag: 1, bits: 16, channels: 65, frames: 4 }),
      /65\.wav: 65 channels: eqp apply reads WAV files of 1 to 64 channels/,
    );
  });
});
