import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { eqp, literal, temporaryFolder, writeFileIn } from "../support/cli.js";
import { fixtureModelDir } from "../support/fixtureModel.js";
import { expectedPoint, parseCurveSvg } from "../support/svgExpect.js";

const work = temporaryFolder("render");
const fixture = (name: string, text: string) => writeFileIn(work, name, text);

const TWO_PRESETS = `preset "Radio" {
  lowshelf 400Hz -12dB
  bell 1.8kHz +6dB q 1.2
  highshelf 3.5kHz -12dB
}

preset "Broken" {
  bell 1kHz
}
`;

describe("eqp render", () => {
  it("writes the chosen preset's curve as SVG, a marker per band at its frequency and gain", () => {
    const out = path.join(work, "radio.svg");
    const result = eqp("render", fixture("two.eqp", TWO_PRESETS), "--preset", "Radio", "--svg", out);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^wrote .*radio\.svg: "Radio", 3 bands at 48 kHz, peak \+\d\.\d dB at [\d.]+ k?Hz, suggested pre-gain -\d\.\d dB\n$/,
    );
    const picture = parseCurveSvg(readFileSync(out, "utf8"));
    assert.deepEqual(
      picture.markers.map((marker) => marker.slot),
      ["lowShelf", "bell1", "highShelf"],
    );
    const bell = picture.markers[1]!;
    const expected = expectedPoint(picture, 1800, 6);
    assert.ok(
      Math.abs(bell.cx - expected.x) <= 0.05 + 1e-9 && Math.abs(bell.cy - expected.y) <= 0.05 + 1e-9,
      JSON.stringify(bell),
    );
  });

  it("renders a file's only preset without --preset, at another sample rate if asked", () => {
    const file = fixture("one.eqp", "lowshelf 100Hz +3dB\nhighshelf 12kHz +2dB\n");
    const out = path.join(work, "one.svg");
    const full = eqp("render", file, "--svg", out);
    assert.equal(full.status, 0, full.stderr);
    assert.equal(parseCurveSvg(readFileSync(out, "utf8")).markers.length, 2);
    const low = eqp("render", file, "--svg", out, "--samplerate", "16kHz");
    assert.equal(low.status, 0, low.stderr);
    assert.match(low.stderr, /1 band at or above the Nyquist frequency 8 kHz not drawn/);
    assert.equal(parseCurveSvg(readFileSync(out, "utf8")).markers.length, 1);
  });

  it("resolves a morph through the model, to the bands eqp expand gives", async () => {
    const model = await fixtureModelDir();
    const file = fixture("morph.eqp", 'preset "Warm" {\n  morph warm 0.8\n  highshelf 9kHz -2dB\n}\n');
    const out = path.join(work, "morph.svg");
    const result = eqp("render", file, "--model", model, "--svg", out);
    assert.equal(result.status, 0, result.stderr);
    const picture = parseCurveSvg(readFileSync(out, "utf8"));
    const expanded = JSON.parse(eqp("expand", "--model", model, "--format", "json", file).stdout) as {
      presets: { bands: { slot: string; frequencyHz: number; gainDb: number }[] }[];
    };
    const bands = expanded.presets[0]!.bands;
    assert.equal(bands.length, 5);
    assert.deepEqual(
      picture.markers.map((marker) => marker.slot),
      bands.map((band) => band.slot),
    );
    for (const [index, band] of bands.entries()) {
      const expected = expectedPoint(picture, band.frequencyHz, band.gainDb);
      assert.ok(Math.abs(picture.markers[index]!.cx - expected.x) <= 0.05 + 1e-9, band.slot);
      assert.ok(Math.abs(picture.markers[index]!.cy - expected.y) <= 0.05 + 1e-9, band.slot);
    }
    assert.deepEqual(bands.at(-1), { type: "highshelf", slot: "highShelf", frequencyHz: 9000, gainDb: -2, q: 0.71 });
  });

  it("asks for --preset when the file has several, and names them for an unknown one", () => {
    const file = fixture("two-again.eqp", TWO_PRESETS);
    const out = path.join(work, "never.svg");
    const missing = eqp("render", file, "--svg", out);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /two-again\.eqp has 2 presets: choose one with --preset \("Radio", "Broken"\)/);
    const unknown = eqp("render", file, "--preset", "Radoi", "--svg", out);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no preset "Radoi"; the presets are "Radio", "Broken"/);
    assert.ok(!existsSync(out));
  });

  it("refuses a preset with errors, naming file, line and column, and writes nothing", () => {
    const file = fixture("broken.eqp", TWO_PRESETS);
    const out = path.join(work, "broken.svg");
    const result = eqp("render", file, "--preset", "Broken", "--svg", out);
    assert.equal(result.status, 1);
    assert.match(result.stderr, new RegExp(`${literal(file)}:8:3 error missing-gain `));
    assert.match(result.stderr, /"Broken" has errors; nothing written/);
    assert.ok(!existsSync(out));
  });

  it("rejects a bad sample rate and an unreadable file", () => {
    const out = path.join(work, "bad.svg");
    const rate = eqp("render", fixture("rate.eqp", "bell 1kHz +3dB\n"), "--svg", out, "--samplerate", "3dB");
    assert.equal(rate.status, 2);
    assert.match(rate.stderr, /--samplerate must be a rate from 8000 to 384000 Hz/);
    const absent = eqp("render", path.join(work, "absent.eqp"), "--svg", out);
    assert.equal(absent.status, 2);
    assert.match(absent.stderr, /absent\.eqp: cannot be read \(ENOENT\)/);
    assert.ok(!existsSync(out));
  });
});

describe("names with control characters", () => {
  // OSC 52 (ESC ] 52 ; c ; <base64> BEL) sets the clipboard of the terminal that prints it.
  const NAME = "Clip\u001b]52;c;ZXZpbA==\u0007board\u0085\u202e";
  const RAW = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202e]/;
  const text = `preset "${NAME}" {\n  bell 1kHz +3dB\n}\n\npreset "${NAME}" {\n  bell 2kHz +3dB\n}\n`;

  it("are printed visibly by check, print, export and render, never raw", () => {
    const file = fixture("osc.eqp", text);
    const svg = path.join(work, "osc.svg");
    const runs = {
      check: eqp("check", file),
      print: eqp("print", file),
      export: eqp("export", "--format", "apo", "--preset", NAME, file),
      render: eqp("render", file, "--preset", NAME, "--svg", svg),
    };
    for (const [command, result] of Object.entries(runs)) {
      assert.doesNotMatch(result.stdout + result.stderr, RAW, command);
      assert.match(result.stdout + result.stderr, /Clip\\u001b\]52;c;ZXZpbA==\\u0007board\\u0085\\u202e/, command);
    }
    assert.match(runs.check.stdout, /duplicate-preset-name/);
  });

  it("never make render --svg write characters XML 1.0 forbids", () => {
    const svg = path.join(work, "osc-title.svg");
    const result = eqp("render", fixture("osc-title.eqp", `preset "${NAME}" {\n  bell 1kHz +3dB\n}\n`), "--svg", svg);
    assert.equal(result.status, 0, result.stderr);
    const xml = readFileSync(svg, "utf8");
    assert.doesNotMatch(
      xml,
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|&#(?:[0-8]|1[1-2]|1[4-9]|2\d|3[01]);/,
    );
    assert.match(xml, /Clip␛\]52;c;ZXZpbA==␇board/);
    parseCurveSvg(xml);
  });
});
