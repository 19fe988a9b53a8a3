import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { biquad, biquadMagnitudeDb } from "../../server/src/core/index.js";
import { EXPORT_TARGETS, type ConcretePreset } from "../../server/src/core/export/index.js";
import { comparisonGrid } from "../../server/src/core/export/index.js";
import { voCleanBands } from "../support/presets.js";

function preset(bands: ConcretePreset["bands"], outputGainDb = 0): ConcretePreset {
  return { name: "Test", sampleRate: 48000, outputGainDb, bands };
}

/** The largest difference between two single filters on the grid the exports use, computed here on its own. */
function maxDifference(a: Parameters<typeof biquad>, b: Parameters<typeof biquad>): number {
  const first = biquad(...a);
  const second = biquad(...b);
  let max = 0;
  for (const frequency of comparisonGrid(48000))
    max = Math.max(
      max,
      Math.abs(biquadMagnitudeDb(first, frequency, 48000) - biquadMagnitudeDb(second, frequency, 48000)),
    );
  return max;
}

const bellsOnly = preset([
  { slot: "bell1", frequencyHz: 300, gainDb: -2, q: 1.4 },
  { slot: "bell2", frequencyHz: 3000, gainDb: 2.5, q: 1 },
]);

describe("per-target warnings", () => {
  it("Wwise: a Q below 0.5 is raised, with the error that costs", () => {
    const exported = EXPORT_TARGETS.wwise.export(preset([{ slot: "bell1", frequencyHz: 250, gainDb: 6, q: 0.3 }]), {});
    assert.equal(exported.warnings.length, 1);
    const [warning] = exported.warnings;
    assert.equal(warning!.severity, "warning");
    assert.equal(warning!.slot, "bell1");
    assert.match(warning!.message, /Q 0\.3 raised to Wwise's minimum 0\.5: up to \d+\.\d\d dB off at/);
    const expected = maxDifference(["peaking", 250, 6, 0.3, 48000], ["peaking", 250, 6, 0.5, 48000]);
    assert.ok(expected > 1, "a wide bell narrowed this much is clearly audible");
    assert.ok(Math.abs(warning!.errorDb - expected) < 1e-9, `${warning!.errorDb} vs ${expected}`);
    assert.match(exported.text, /"QFactorBand1": 0\.5/);
  });

  it("Wwise: three bells in range fit without a word", () => {
    assert.deepEqual(EXPORT_TARGETS.wwise.export(bellsOnly, {}).warnings, []);
  });

  it("Wwise: five bands need a second instance, and the first says what it leaves out", () => {
    const five = preset(voCleanBands());
    const exported = EXPORT_TARGETS.wwise.export(five, {});
    const left = exported.warnings.find((warning) => /has 3 bands/.test(warning.message))!;
    assert.equal(left.severity, "warning");
    assert.ok(left.errorDb >= 1.5, String(left.errorDb));
    const document = JSON.parse(exported.text) as { effects: { bands: string[] }[] };
    assert.equal(document.effects.length, 2);
    assert.deepEqual(document.effects.flatMap((effect) => effect.bands).sort(), [
      "Bell 1",
      "Bell 2",
      "Bell 3",
      "High shelf",
      "Low shelf",
    ]);
    // The instance keeps the three bands that matter most: leaving out the smallest bell and the gentle shelf costs least.
    assert.deepEqual(document.effects[0]!.bands, ["Low shelf", "Bell 2", "Bell 3"]);
  });

  it("FMOD and Web Audio: shelves ignore Q, a small error reported as a note", () => {
    const shelves = preset([
      { slot: "lowShelf", frequencyHz: 400, gainDb: -12, q: 0.71 },
      { slot: "highShelf", frequencyHz: 3500, gainDb: -12, q: 0.71 },
    ]);
    for (const format of ["fmod", "webaudio"] as const) {
      const warnings = EXPORT_TARGETS[format].export(shelves, {}).warnings;
      const low = warnings.find((warning) => warning.slot === "lowShelf")!;
      assert.equal(low.severity, "note", format);
      assert.match(low.message, /ignore Q/);
      const expected = maxDifference(["lowshelf", 400, -12, 0.71, 48000], ["lowshelf", 400, -12, Math.SQRT1_2, 48000]);
      assert.ok(Math.abs(low.errorDb - expected) < 1e-9, `${format}: ${low.errorDb} vs ${expected}`);
      assert.ok(low.errorDb > 0.005 && low.errorDb < 0.1, String(low.errorDb));
    }
  });

  it("FMOD and Web Audio: bells alone are exact", () => {
    assert.deepEqual(EXPORT_TARGETS.fmod.export(bellsOnly, {}).warnings, []);
    assert.deepEqual(EXPORT_TARGETS.webaudio.export(bellsOnly, {}).warnings, []);
  });

  it("FMOD: a gain beyond ±30 dB is clamped, and the error is the gain lost at the bell's centre", () => {
    const loud = preset([{ slot: "bell2", frequencyHz: 1000, gainDb: 36, q: 2 }]);
    const [warning] = EXPORT_TARGETS.fmod.export(loud, {}).warnings;
    assert.match(warning!.message, /gain 36 dB lowered to FMOD's maximum 30 dB/);
    assert.ok(Math.abs(warning!.errorDb - 6) < 0.05, String(warning!.errorDb));
    assert.ok(Math.abs(warning!.atFrequencyHz - 1000) < 20);
  });

  it("Wwise: an output gain beyond ±24 dB is clamped", () => {
    const [warning] = EXPORT_TARGETS.wwise.export(preset([], -30), {}).warnings;
    assert.match(warning!.message, /output gain -30 dB: output gain -30 dB raised to Wwise's minimum -24 dB/);
    assert.equal(warning!.errorDb, 6);
  });

  it("JSON, Equalizer APO and EasyEffects express SAFE presets exactly", () => {
    const wide = preset([
      { slot: "lowShelf", frequencyHz: 90, gainDb: -12, q: 0.71 },
      { slot: "bell1", frequencyHz: 250, gainDb: 6, q: 0.1 },
      { slot: "highShelf", frequencyHz: 9000, gainDb: 12, q: 0.71 },
    ]);
    for (const format of ["json", "apo", "easyeffects"] as const)
      assert.deepEqual(EXPORT_TARGETS[format].export(wide, {}).warnings, [], format);
  });
});
