import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import wavefile from "wavefile";
import {
  filterChannels,
  fromFloat,
  presetBiquads,
  toFloat,
  sampleFormatOf,
} from "../../server/src/core/audio/index.js";
import type { EqBand } from "../../server/src/core/index.js";
import { eqp, temporaryFolder, writeFileIn } from "../support/cli.js";
import { pinkNoise, wavBytes } from "../support/signals.js";

const work = temporaryFolder("apply-stream");
const BANDS: EqBand[] = [
  { slot: "lowShelf", frequencyHz: 120, gainDb: -4, q: 0.71 },
  { slot: "bell1", frequencyHz: 300, gainDb: -2, q: 1.4 },
  { slot: "bell2", frequencyHz: 3000, gainDb: 2.5, q: 1 },
  { slot: "bell3", frequencyHz: 6500, gainDb: -3, q: 4 },
  { slot: "highShelf", frequencyHz: 12000, gainDb: 1.5, q: 0.71 },
];
const PRESET =
  "lowshelf 120Hz -4dB\nbell 300Hz -2dB q 1.4\nbell 3kHz +2.5dB q 1\nbell 6.5kHz -3dB q 4\nhighshelf 12kHz +1.5dB\ngain -1dB\n";

/** The stored samples of a WAV file, interleaved, as wavefile reads them. */
function storedSamples(file: string): Float64Array {
  return new wavefile.WaveFile(readFileSync(file)).getSamples(true, Float64Array) as unknown as Float64Array;
}

describe("eqp apply, streamed", () => {
  // 150,000 frames cross nine 16,384-frame block boundaries (cli/src/wavStream.ts, BLOCK_FRAMES).
  const frames = 150_000;
  for (const bitDepth of ["8", "16", "24", "32"]) {
    it(`${bitDepth}-bit: the blocks give exactly the samples of the whole file filtered at once`, () => {
      const input = writeFileIn(
        work,
        `in${bitDepth}.wav`,
        wavBytes([pinkNoise(frames, 1, 0.3), pinkNoise(frames, 2, 0.3)], 48000, bitDepth),
      );
      const presetFile = writeFileIn(work, "known.eqp", PRESET);
      const output = path.join(work, `out${bitDepth}.wav`);
      const result = eqp("apply", presetFile, input, output);
      assert.equal(result.status, 0, result.stderr);
      const format = sampleFormatOf(bitDepth)!;
      const wav = new wavefile.WaveFile(readFileSync(input));
      const channels = (wav.getSamples(false, Float64Array) as unknown as Float64Array[]).map((channel) =>
        toFloat(channel, format),
      );
      const expected = filterChannels(channels, presetBiquads(BANDS, 48000), -1).map((channel) =>
        fromFloat(channel, format),
      );
      const got = storedSamples(output);
      assert.equal(got.length, 2 * frames);
      for (let i = 0; i < frames; i++)
        for (let c = 0; c < 2; c++)
          if (got[2 * i + c] !== expected[c]![i])
            assert.fail(`frame ${i} channel ${c}: ${got[2 * i + c]} ≠ ${expected[c]![i]}`);
    });
  }
});

describe("eqp apply, its own bundle", () => {
  it("a preset with a morph (the network loaded apart) gives exactly the samples of the bands eqp expand gives", () => {
    const frames = 20_000;
    const input = writeFileIn(
      work,
      "morph-in.wav",
      wavBytes([pinkNoise(frames, 5, 0.3), pinkNoise(frames, 6, 0.3)], 48000, "24"),
    );
    const presetFile = writeFileIn(work, "morph.eqp", 'preset "Warm" {\n  morph warm 0.8\n  gain -1.5dB\n}\n');
    const output = path.join(work, "morph-out.wav");
    const result = eqp("apply", presetFile, input, output);
    assert.equal(result.status, 0, result.stderr);
    const expanded = eqp("expand", "--format", "json", presetFile);
    assert.equal(expanded.status, 0, expanded.stderr);
    const [preset] = (JSON.parse(expanded.stdout) as { presets: { bands: EqBand[]; outputGainDb: number }[] }).presets;
    assert.equal(preset!.bands.length, 5);
    const format = sampleFormatOf("24")!;
    const wav = new wavefile.WaveFile(readFileSync(input));
    const channels = (wav.getSamples(false, Float64Array) as unknown as Float64Array[]).map((channel) =>
      toFloat(channel, format),
    );
    const expected = filterChannels(channels, presetBiquads(preset!.bands, 48000), preset!.outputGainDb).map(
      (channel) => fromFloat(channel, format),
    );
    const got = storedSamples(output);
    for (let i = 0; i < frames; i++)
      for (let c = 0; c < 2; c++)
        if (got[2 * i + c] !== expected[c]![i])
          assert.fail(`frame ${i} channel ${c}: ${got[2 * i + c]} ≠ ${expected[c]![i]}`);
  });

  it("stops on a broken lockfile as every command does, also for a preset without a morph", () => {
    const project = path.join(work, "locked");
    mkdirSync(project, { recursive: true });
    writeFileIn(project, "eqpreset.json", "{}\n");
    writeFileIn(project, "eqpreset.lock", "not json\n");
    const presetFile = writeFileIn(project, "plain.eqp", 'preset "Plain" {\n  bell 1kHz +3dB\n}\n');
    const input = writeFileIn(work, "lock-in.wav", wavBytes([pinkNoise(1000, 7, 0.3)], 48000));
    const output = path.join(work, "lock-out.wav");
    const result = eqp("apply", presetFile, input, output);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /eqpreset\.lock: not valid JSON/);
    assert.equal(existsSync(output), false);
  });
});

describe("eqp apply --out-dir", () => {
  it("applies the preset to every file of a folder, reports the bad one and does the rest", () => {
    const inputs = path.join(work, "in");
    mkdirSync(inputs);
    for (const name of ["a.wav", "b.wav", "c.wav"])
      writeFileIn(inputs, name, wavBytes([pinkNoise(20000, name.charCodeAt(0), 0.2)], 44100));
    writeFileIn(inputs, "broken.wav", "not audio at all");
    const presetFile = writeFileIn(work, "folder.eqp", PRESET);
    const out = path.join(work, "out");
    const result = eqp("apply", presetFile, path.join(inputs, "*.wav"), "--out-dir", out);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /in\/broken\.wav: not a WAV file \(no RIFF\/WAVE header\)\n/);
    assert.match(result.stderr, /eqp apply: 3 of 4 files written, 1 failed \(/);
    for (const name of ["a.wav", "b.wav", "c.wav"]) assert.match(result.stdout, new RegExp(`wrote .*out/${name}: `));
    assert.deepEqual(readdirSync(out).sort(), ["a.wav", "b.wav", "c.wav"]);
    assert.equal(storedSamples(path.join(out, "a.wav")).length, 20000);

    const again = eqp("apply", presetFile, path.join(inputs, "a.wav"), path.join(inputs, "b.wav"), "--out-dir", out);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /eqp apply: 2 of 2 files written \(/);
    assert.match(
      eqp("apply", presetFile, path.join(inputs, "a.wav"), "--out-dir", inputs).stderr,
      /a\.wav would be overwritten/,
    );
    assert.match(eqp("apply", presetFile, path.join(inputs, "a.wav")).stderr, /for many files use --out-dir/);
  });

  it("leaves no temporary file behind and the old output untouched when a file would clip", () => {
    const loud = writeFileIn(
      work,
      "loud.wav",
      wavBytes([pinkNoise(20000, 3, 0.99).map((v) => Math.max(-0.99, Math.min(0.99, v * 4)))], 48000),
    );
    const boost = writeFileIn(work, "boost.eqp", "bell 1kHz +12dB q 0.5\n");
    const out = path.join(work, "clip");
    mkdirSync(out);
    const result = eqp("apply", boost, loud, "--out-dir", out);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /clip\/loud\.wav would clip: \(unnamed preset\) peaks at \+\d+\.\d\d dBFS in a 16-bit file/,
    );
    assert.deepEqual(readdirSync(out), []);
    assert.equal(existsSync(path.join(out, "loud.wav")), false);
  });
});
