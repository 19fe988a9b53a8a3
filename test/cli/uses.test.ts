/**
 * `eqp` on presets that use presets: every export writes the flattened chain (the workspace's
 * preset, then the library's, then the preset's own lines, gains added), `eqp apply` plays that
 * chain (its measured gain is the chain's response), `eqp print` shows what each use brings in,
 * and `eqp check` says where a use is wrong and hints `use "telephone"` for `morph telephone`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import wavefile from "wavefile";
import { responseDb, type EqBand } from "../../server/src/core/index.js";
import { temporaryRepository } from "../support/cli.js";

const DIALOGUE = 'preset "VO clean" {\n  highpass 80Hz\n  bell 3kHz +2dB q 1\n  gain -1dB\n}\n';
const PHONE = 'preset "VO phone" {\n  use "VO clean" from "dialogue.eqp"\n  use "telephone"\n  gain +4dB\n}\n';

/** The chain "VO phone" must flatten to: VO clean's bands, the library's telephone, its own (none). */
const CHAIN: EqBand[] = [
  { slot: "bell1", frequencyHz: 3000, gainDb: 2, q: 1 },
  { slot: "highpass", frequencyHz: 80, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave: 12 },
  { slot: "bell1", frequencyHz: 2000, gainDb: 3, q: 1 },
  { slot: "highpass", frequencyHz: 300, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave: 24 },
  { slot: "lowpass", frequencyHz: 3400, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave: 24 },
];

describe("eqp with presets that use presets", () => {
  const { repo, write, eqpIn } = temporaryRepository("uses");
  write("dialogue.eqp", DIALOGUE);
  write("phone.eqp", PHONE);

  it("exports the flattened chain in JSON, with the gains added", () => {
    const result = eqpIn("export", "--format", "json", "phone.eqp");
    assert.equal(result.status, 0, result.stderr);
    const [preset] = (JSON.parse(result.stdout) as { presets: { outputGainDb: number; filters: unknown[] }[] }).presets;
    assert.equal(preset!.outputGainDb, 3);
    assert.deepEqual(
      preset!.filters.map((filter) => {
        const { type, frequencyHz } = filter as { type: string; frequencyHz: number };
        return `${type} ${frequencyHz}`;
      }),
      ["peaking 3000", "highpass 80", "peaking 2000", "highpass 300", "lowpass 3400"],
    );
  });

  it("exports it in every other format too", () => {
    const apo = eqpIn("export", "--format", "apo", "phone.eqp");
    assert.equal(apo.status, 0, apo.stderr);
    assert.match(apo.stdout, /Preamp: 3\.0 dB/);
    assert.match(apo.stdout, /HP Fc 80 Hz[\s\S]*PK Fc 2000 Hz Gain 3\.0 dB[\s\S]*HPQ Fc 300 Hz[\s\S]*LPQ Fc 3400 Hz/);
    for (const format of ["easyeffects", "webaudio", "fmod", "wwise", "c"]) {
      const result = eqpIn("export", "--format", format, "phone.eqp");
      assert.equal(result.status, 0, `${format}: ${result.stderr}`);
      // The low-pass of the library's telephone, exported (or, where the target has none, its stand-in said).
      assert.match(result.stdout + result.stderr, /3400|Low-pass \(3\.4 kHz/, format);
    }
  });

  it("applies the chain to audio: the measured gain is the chain's response", () => {
    const sampleRate = 48000;
    for (const hz of [1000, 200]) {
      const frames = sampleRate;
      const input = Array.from({ length: frames }, (_, i) =>
        Math.round(0.1 * Math.sin((2 * Math.PI * hz * i) / sampleRate) * 32767),
      );
      const wav = new wavefile.WaveFile();
      wav.fromScratch(1, sampleRate, "16", input);
      writeFileSync(path.join(repo, `sine${hz}.wav`), wav.toBuffer());
      const result = eqpIn("apply", "phone.eqp", `sine${hz}.wav`, `out${hz}.wav`);
      assert.equal(result.status, 0, result.stderr);
      const output = new wavefile.WaveFile(readFileSync(path.join(repo, `out${hz}.wav`)));
      const samples = output.getSamples(false, Float64Array) as unknown as Float64Array;
      const start = sampleRate / 4;
      const rms = (values: ArrayLike<number>) => {
        let sum = 0;
        for (let i = start; i < values.length; i++) sum += values[i]! * values[i]!;
        return Math.sqrt(sum / (values.length - start));
      };
      const measured = 20 * Math.log10(rms(samples) / rms(input));
      const expected = responseDb(CHAIN, Float64Array.of(hz), sampleRate, 3)[0]!;
      assert.ok(Math.abs(measured - expected) < 0.1, `${hz} Hz: ${measured} dB, expected ${expected} dB`);
    }
  });

  it("prints what each use brings in", () => {
    const result = eqpIn("print", "phone.eqp");
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /"VO phone" @ 48 kHz, output \+3 dB/);
    assert.match(result.stdout, /use "VO clean" \(dialogue\.eqp\), output -1 dB:/);
    assert.match(result.stdout, /use "telephone" \(the library\), output 0 dB:\n\s+Bell 1\s+2 kHz/);
  });

  it('checks use lines with file:line:col, and hints use "telephone" for morph telephone', () => {
    write("broken.eqp", 'preset "B" {\n  use "nowhere"\n  morph telephone\n}\npreset "C" {\n  use "C"\n}\n');
    const result = eqpIn("check", "broken.eqp");
    assert.equal(result.status, 1);
    const out = result.stdout + result.stderr;
    assert.match(out, /broken\.eqp:2:7 error use-missing No preset "nowhere"/);
    assert.match(out, /broken\.eqp:3:9 error unknown-word .*"telephone" is a preset of the library: use "telephone"/);
    // A preset cannot use itself: "C" looks further out, and there is no other.
    assert.match(out, /broken\.eqp:6:7 error use-missing No preset "C" other than this one in broken\.eqp/);
  });
});

describe("eqp lock with presets that use presets", () => {
  it("locks what the uses bring in, and a change to a used preset is a lock-changed error on the use line", () => {
    const { write, eqpIn } = temporaryRepository("uses-lock");
    write("dialogue.eqp", DIALOGUE);
    write("phone.eqp", PHONE);
    const locked = eqpIn("lock");
    assert.equal(locked.status, 0, locked.stderr);
    assert.match(locked.stdout, /0 morphs and the uses of 1 preset in 1 file/);
    assert.equal(eqpIn("check", "phone.eqp").status, 0);
    write("dialogue.eqp", DIALOGUE.replace("+2dB", "+6dB"));
    const checked = eqpIn("check", "phone.eqp");
    assert.equal(checked.status, 1);
    assert.match(
      checked.stdout + checked.stderr,
      /phone\.eqp:2:3 error lock-changed What 'use "VO clean" from "dialogue\.eqp", "telephone"' brings in moved since eqpreset\.lock by up to \+4 dB at 3 kHz/,
    );
    assert.equal(eqpIn("lock").status, 0);
    assert.equal(eqpIn("check", "phone.eqp").status, 0);
  });
});

describe("eqp diff with presets that use presets", () => {
  it("shows a preset whose used preset changed in another file as changed too", () => {
    const { repo, write, eqpIn } = temporaryRepository("uses-diff");
    write("dialogue.eqp", DIALOGUE);
    write("phone.eqp", PHONE);
    const git = (...args: string[]) =>
      spawnSync("git", ["-c", "user.email=t@example.invalid", "-c", "user.name=t", ...args], { cwd: repo });
    git("add", "-A");
    git("commit", "-qm", "presets");
    write("dialogue.eqp", DIALOGUE.replace("+2dB", "+5dB"));
    const result = eqpIn("diff", "HEAD");
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /phone\.eqp\n {2}"VO phone" changed \(line 1\)\n {4}Bell 1: 3 kHz \+2 dB Q 1 → 3 kHz \+5 dB Q 1/,
    );
  });
});
