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
