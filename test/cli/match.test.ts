import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { EqServices, logFrequencies, readDocument, responseDb } from "../../server/src/core/index.js";
import { eqp, temporaryFolder, writeFileIn } from "../support/cli.js";
import { pinkNoise, speechLike, wavBytes } from "../support/signals.js";

const work = temporaryFolder("match");
const RATE = 48000;
const PRESET = [
  'preset "Known" {',
  "  lowshelf 150Hz -4dB",
  "  bell 400Hz -2dB q 1.4",
  "  bell 3kHz +3dB q 1",
  "  bell 6.5kHz -3dB q 2",
  "  highshelf 10kHz +2dB",
  "  gain -1dB",
  "}",
  "",
].join("\n");

/** The response of the one preset in `text` on a log grid from 100 Hz to 16 kHz. */
function curveOf(text: string, grid: Float64Array): Float64Array {
  const services = new EqServices();
  const [preset] = readDocument(text).presets;
  return responseDb(services.bandsOf(preset!), grid, RATE, preset!.outputGainDb);
}

/** Applies PRESET to `original` with eqp apply, matches back, returns the mean error against PRESET's curve. */
function recoveredError(name: string, channels: Float64Array[]): number {
  const presetFile = writeFileIn(work, `${name}.eqp`, PRESET);
  const original = writeFileIn(work, `${name}.wav`, wavBytes(channels, RATE));
  const processed = path.join(work, `${name}-eq.wav`);
  const applied = eqp("apply", presetFile, original, processed);
  assert.equal(applied.status, 0, applied.stderr);
  const out = path.join(work, `${name}-match.eqp`);
  // The EQ that makes the original sound like the processed file: the preset itself.
  const matched = eqp("match", processed, original, "--out", out, "--name", "Recovered");
  assert.equal(matched.status, 0, matched.stderr);
  assert.match(matched.stdout, /^wrote .*: "Recovered", \d bands.*; curve error mean \d+\.\d+ dB.*\nsounds like: \S/);
  const grid = logFrequencies(200, 100, 16000);
  const want = curveOf(PRESET, grid);
  const got = curveOf(readFileSync(out, "utf8"), grid);
  let sum = 0;
  for (let i = 0; i < grid.length; i++) sum += Math.abs(want[i]! - got[i]!);
  const mean = sum / grid.length;
  process.stdout.write(`# ${name}: mean error of the recovered curve ${mean.toFixed(3)} dB (100 Hz–16 kHz)\n`);
  return mean;
}

describe("eqp match", () => {
  it("recovers a known preset from pink noise and its processed copy within 0.5 dB", () => {
    const frames = 20 * RATE;
    assert.ok(recoveredError("pink", [pinkNoise(frames, 1), pinkNoise(frames, 2)]) <= 0.5);
  });

  it("recovers it from a speech-like signal within 1 dB", () => {
    assert.ok(recoveredError("speech", [speechLike(8 * RATE, RATE, 3)]) <= 1.0);
  });

  it("fits more bells when asked (--bands), closer to a difference SAFE's five cannot follow", () => {
    const wider = [
      'preset "Wider" {',
      "  lowshelf 150Hz -3dB",
      "  bell 250Hz +3dB q 2",
      "  bell 900Hz -3dB q 1.5",
      "  bell 3kHz +3dB q 1",
      "  highshelf 10kHz +2dB",
      "  bell 1.8kHz -4dB q 3",
      "  bell 6kHz -4dB q 3",
      "  bell 12kHz +3dB q 2",
      "}",
      "",
    ].join("\n");
    const original = writeFileIn(work, "wider.wav", wavBytes([pinkNoise(10 * RATE, 13)], RATE));
    const processed = path.join(work, "wider-eq.wav");
    const applied = eqp("apply", writeFileIn(work, "wider.eqp", wider), original, processed);
    assert.equal(applied.status, 0, applied.stderr);
    const meanError = (stdout: string) => Number(/curve error mean (\d+\.\d+) dB/.exec(stdout)![1]);
    const five = eqp("match", processed, original, "--out", path.join(work, "five.eqp"));
    const out = path.join(work, "eight.eqp");
    const eight = eqp("match", processed, original, "--out", out, "--bands", "8");
    assert.equal(eight.status, 0, eight.stderr);
    assert.match(eight.stdout, /"Match wider-eq", 8 bands/);
    assert.equal((readFileSync(out, "utf8").match(/^ {2}bell /gm) ?? []).length, 6);
    assert.equal(eqp("check", out).status, 0);
    process.stdout.write(
      `# --bands 8: curve error ${meanError(eight.stdout)} dB, 5 bands ${meanError(five.stdout)} dB\n`,
    );
    assert.ok(meanError(eight.stdout) < meanError(five.stdout) * 0.8, `${eight.stdout}\n${five.stdout}`);
    for (const [option, value, message] of [
      ["--bands", "4", /--bands must be a whole number from 5 \(SAFE's five\) to 12, not "4"/],
      ["--bands", "2.5", /--bands must be a whole number/],
      ["--filters", "notch", /--filters takes highpass, lowpass or both \(highpass,lowpass\), not "notch"/],
    ] as const) {
      const refused = eqp("match", processed, original, option, value);
      assert.equal(refused.status, 2, refused.stderr);
      assert.match(refused.stderr, message);
    }
  });

  it("compares a mono reference with a stereo file (mixed to mono) and prints the preset without --out", () => {
    const mono = writeFileIn(work, "mono.wav", wavBytes([pinkNoise(2 * RATE, 4)], RATE));
    const stereo = writeFileIn(work, "stereo.wav", wavBytes([pinkNoise(2 * RATE, 5), pinkNoise(2 * RATE, 6)], RATE));
    const result = eqp("match", mono, stereo);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^# eqp match mono\.wav stereo\.wav: 1\/3-octave smoothing/);
    assert.match(result.stdout, /preset "Match mono" \{/);
    assert.equal(eqp("check", writeFileIn(work, "printed.eqp", result.stdout)).status, 0);
    assert.match(eqp("match", mono, stereo, "--smoothing", "1/6").stdout, /1\/6-octave smoothing/);
    assert.match(eqp("match", mono, stereo, "--smoothing", "third").stderr, /--smoothing must be a fraction/);
  });

  it("refuses what it cannot match, with the file and the reason, and writes nothing", () => {
    const good = writeFileIn(work, "good.wav", wavBytes([pinkNoise(RATE, 7)], RATE));
    const other = writeFileIn(work, "44k.wav", wavBytes([pinkNoise(44100, 8)], 44100));
    const silent = writeFileIn(work, "silent.wav", wavBytes([new Float64Array(RATE)], RATE));
    const short = writeFileIn(work, "short.wav", wavBytes([pinkNoise(1000, 9)], RATE));
    const whole = wavBytes([pinkNoise(RATE, 10)], RATE);
    const truncated = writeFileIn(work, "truncated.wav", whole.subarray(0, whole.length / 2));
    const alaw = Uint8Array.from(whole);
    alaw[20] = 6; // WAVE_FORMAT_ALAW
    const nonPcm = writeFileIn(work, "alaw.wav", alaw);
    const manyChannels = Uint8Array.from(whole);
    new DataView(manyChannels.buffer).setUint16(22, 4000, true);
    const absurd = writeFileIn(work, "channels.wav", manyChannels);
    const out = path.join(work, "never.eqp");
    const cases: [string, RegExp][] = [
      [
        other,
        /good\.wav is at 48 kHz and .*44k\.wav at 44\.1 kHz: eqp compares files of one sample rate; resample one first/,
      ],
      [silent, /silent\.wav: it is silent/],
      [short, /short\.wav: too short to analyse: 1000 frames, at least 8192/],
      [truncated, /truncated\.wav: it is truncated: its data chunk says 96000 bytes, the file holds 47978/],
      [nonPcm, /alaw\.wav: A-law is not supported/],
      [absurd, /channels\.wav: 4000 channels: eqp apply reads WAV files of 1 to 64 channels/],
      [path.join(work, "missing.wav"), /missing\.wav: cannot be read \(ENOENT\)/],
    ];
    for (const [file, message] of cases) {
      const result = eqp("match", good, file, "--out", out);
      assert.equal(result.status, 2, `${file}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
    assert.equal(existsSync(out), false);
  });
});

describe("eqp analyze", () => {
  it("draws a file's spectrum, and beside it another file's or the file after a preset", () => {
    const file = writeFileIn(work, "analyze.wav", wavBytes([pinkNoise(2 * RATE, 11)], RATE));
    const other = writeFileIn(work, "analyze-other.wav", wavBytes([pinkNoise(2 * RATE, 12, 0.1)], RATE));
    const presetFile = writeFileIn(work, "analyze.eqp", PRESET);
    const alone = path.join(work, "alone.svg");
    assert.equal(eqp("analyze", file, "--svg", alone).status, 0);
    const svg = readFileSync(alone, "utf8");
    assert.match(svg, /^<svg [^>]*>.*<path class="curve" /s);
    assert.doesNotMatch(svg, /curve-against|curve-preset/);
    const against = path.join(work, "against.svg");
    const both = eqp("analyze", file, "--against", other, "--svg", against);
    assert.equal(both.status, 0, both.stderr);
    assert.match(readFileSync(against, "utf8"), /<path class="curve-against" /);
    const after = path.join(work, "after.svg");
    const withPreset = eqp("analyze", file, "--preset", "Known", "--file", presetFile, "--svg", after);
    assert.equal(withPreset.status, 0, withPreset.stderr);
    assert.match(withPreset.stdout, /and after "Known"/);
    assert.match(readFileSync(after, "utf8"), /<path class="curve-preset" /);
    assert.match(eqp("analyze", file, "--preset", "Known", "--svg", after).stderr, /--preset needs --file/);
  });
});
