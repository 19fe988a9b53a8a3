/**
 * The shipped preset library: every preset the issue asks for is there, clean (no diagnostics),
 * made of filters only (no morph: the same sound with every model), with its source or reasoning
 * in the comment above it; and "distant" follows ISO 9613-1's air absorption, computed here from
 * the standard's formula.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EqServices, leadingComment, logFrequencies, PresetLibrary, responseDb } from "../../server/src/core/index.js";

const library = new PresetLibrary();

describe("the preset library", () => {
  it("has the game-audio presets, each filters only, clean, with its source in a comment", () => {
    const names = library.all().map((home) => home.preset.name);
    for (const name of [
      "telephone",
      "wideband voice",
      "walkie-talkie",
      "AM radio",
      "megaphone",
      "underwater",
      "behind a wall",
      "behind a door",
      "distant",
      "inside a car",
      "helmet",
      "small room",
    ])
      assert.ok(names.includes(name), `no library preset "${name}"`);
    const services = new EqServices();
    services.model.load(undefined);
    for (const home of library.all()) {
      assert.equal(home.preset.morph, undefined, `${home.preset.name} has a morph`);
      assert.ok((leadingComment(home.meaning, home.preset) ?? "").length > 60, `${home.preset.name}: no reasoning`);
      assert.deepEqual(services.check(home.meaning, home.file), [], home.file);
      assert.ok(services.bandsOf(home.preset).length > 0);
    }
  });

  it("finds a preset by a morph word written for it (telephone, walkie-talkie, behind_a_wall)", () => {
    assert.equal(library.forWord("telephone")?.preset.name, "telephone");
    assert.equal(library.forWord("walkie-talkie")?.preset.name, "walkie-talkie");
    assert.equal(library.forWord("Behind_A_Wall")?.preset.name, "behind a wall");
    assert.equal(library.forWord("warm"), undefined);
  });

  it("telephone passes 300–3400 Hz (−3 dB at both corners) and cuts outside", () => {
    const services = new EqServices();
    services.model.load(undefined);
    const home = library.find("telephone")!;
    const at = (hz: number) => responseDb(services.bandsOf(home.preset), Float64Array.of(hz), 48000)[0]!;
    assert.ok(at(100) < -30 && at(8000) < -30);
    assert.ok(Math.abs(at(1000)) < 1.5);
  });
});

/**
 * ISO 9613-1:1993, the pure-tone atmospheric absorption coefficient (dB/m), equations (3) to (5),
 * with the saturation vapour pressure of its annex B. `temperatureC`, `humidityPercent`,
 * `pressureKPa`.
 */
function iso9613Absorption(frequencyHz: number, temperatureC: number, humidityPercent: number, pressureKPa = 101.325) {
  const T = temperatureC + 273.15;
  const T0 = 293.15;
  const T01 = 273.16;
  const pr = 101.325;
  const pa = pressureKPa / pr;
  const C = -6.8346 * Math.pow(T01 / T, 1.261) + 4.6151;
  const h = (humidityPercent * Math.pow(10, C)) / pa;
  const frO = pa * (24 + (4.04e4 * h * (0.02 + h)) / (0.391 + h));
  const frN = pa * Math.pow(T / T0, -0.5) * (9 + 280 * h * Math.exp(-4.17 * (Math.pow(T / T0, -1 / 3) - 1)));
  const f2 = frequencyHz * frequencyHz;
  return (
    8.686 *
    f2 *
    ((1.84e-11 / pa) * Math.sqrt(T / T0) +
      Math.pow(T / T0, -2.5) *
        ((0.01275 * Math.exp(-2239.1 / T)) / (frO + f2 / frO) + (0.1068 * Math.exp(-3352.0 / T)) / (frN + f2 / frN)))
  );
}

describe("distant: ISO 9613-1 air absorption over 100 m at 20 °C, 50 % RH", () => {
  it("the formula gives the standard's table values (dB/km at 20 °C, 50 %)", () => {
    // ISO 9613-1 Table 1 (20 °C, 50 %): 1 kHz 4.66, 2 kHz 9.86, 4 kHz 29.7, 8 kHz 105 dB/km.
    const table: [number, number][] = [
      [1000, 4.66],
      [2000, 9.86],
      [4000, 29.7],
      [8000, 105],
    ];
    for (const [hz, dbPerKm] of table)
      assert.ok(Math.abs(iso9613Absorption(hz, 20, 50) * 1000 - dbPerKm) / dbPerKm < 0.01, `${hz} Hz`);
  });

  it("the preset's curve is the absorption over 100 m within 0.5 dB from 50 Hz to 10 kHz", () => {
    const services = new EqServices();
    services.model.load(undefined);
    const home = library.find("distant")!;
    const chain = services.chainOf(home.preset);
    const frequencies = logFrequencies(300, 50, 10000);
    const curve = responseDb(chain.bands, frequencies, 48000, chain.outputGainDb);
    let worst = 0;
    frequencies.forEach((hz, index) => {
      worst = Math.max(worst, Math.abs(curve[index]! + iso9613Absorption(hz, 20, 50) * 100));
    });
    assert.ok(worst <= 0.5, `off by ${worst.toFixed(3)} dB`);
    // Twice is 200 m: absorption in dB is proportional to distance.
    const twice = responseDb([...chain.bands, ...chain.bands], Float64Array.of(8000), 48000)[0]!;
    assert.ok(Math.abs(twice + iso9613Absorption(8000, 20, 50) * 200) <= 1);
  });
});
