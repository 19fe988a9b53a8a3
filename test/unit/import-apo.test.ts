import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  effectiveBands,
  parsePresetDocument,
  resolvePresets,
  validateDocument,
  Vocabulary,
} from "../../server/src/core/index.js";
import { EXPORT_TARGETS } from "../../server/src/core/export/index.js";
import { parseApo } from "../../server/src/core/import/index.js";
import { apoToPreset, qFromBandwidth, shelfQFromSlope } from "../../server/src/core/import/index.js";

const AUTOEQ = [
  "Preamp: -6.2 dB",
  "Filter 1: ON LSC Fc 105 Hz Gain 5.5 dB Q 0.71",
  "Filter 2: ON PK Fc 2049 Hz Gain -3.1 dB Q 1.09",
  "Filter 3: ON PK Fc 150 Hz Gain -2.0 dB Q 0.80",
  "Filter 4: ON PK Fc 5400 Hz Gain 4.2 dB Q 3.50",
  "Filter 5: ON HSC Fc 10000 Hz Gain -1.5 dB Q 0.71",
  "",
].join("\n");

function importText(text: string, name = "Headphones") {
  return apoToPreset(parseApo(text), { name, sourceName: "ParametricEQ.txt" });
}

function errorsOf(eqp: string) {
  return validateDocument(parsePresetDocument(eqp), { vocabulary: new Vocabulary([]) }).filter(
    (diagnostic) => diagnostic.severity === "error",
  );
}

describe("eqp import of Equalizer APO files", () => {
  it("maps Preamp to gain, LSC/HSC to the shelves and the bells in order of frequency", () => {
    const imported = importText(AUTOEQ);
    assert.deepEqual(imported.errors, []);
    assert.deepEqual(imported.warnings, []);
    assert.equal(
      imported.text,
      [
        "# Imported from ParametricEQ.txt by eqp import.",
        "",
        'preset "Headphones" {',
        "  lowshelf 105Hz +5.5dB",
        "  bell 150Hz -2dB q 0.8",
        "  bell 2.049kHz -3.1dB q 1.09",
        "  bell 5.4kHz +4.2dB q 3.5",
        "  highshelf 10kHz -1.5dB",
        "  gain -6.2dB",
        "}",
        "",
      ].join("\n"),
    );
    assert.deepEqual(errorsOf(imported.text), []);
    const [preset] = resolvePresets(parsePresetDocument(imported.text));
    assert.deepEqual(effectiveBands(preset!, undefined), imported.bands);
  });

  it("keeps what does not fit as comments and names each line, with the error in dB", () => {
    const text = [
      "Preamp: -4 dB",
      "Filter 1: ON PK Fc 100 Hz Gain 3 dB Q 1",
      "Filter 2: ON PK Fc 1000 Hz Gain -4 dB Q 2",
      "Filter 3: ON PK Fc 3000 Hz Gain 0.5 dB Q 2",
      "Filter 4: ON PK Fc 8000 Hz Gain 2 dB Q 1.5",
      "Filter 5: ON LSC Fc 80 Hz Gain 4 dB Q 0.9",
      "Filter 6: ON LP Fc 18000 Hz",
      "Filter 7: OFF PK Fc 500 Hz Gain 2 dB Q 1",
      "Channel: L",
    ].join("\n");
    const imported = importText(text);
    assert.deepEqual(imported.errors, []);
    const byLine = new Map(imported.warnings.map((warning) => [warning.line, warning]));
    // A fourth bell and the low-pass are bands of their own now: only what a preset cannot hold is left out.
    assert.deepEqual([...byLine.keys()], [6, 8, 9]);
    assert.match(byLine.get(6)!.message, /shelf Q 0\.9 becomes SAFE's fixed 0\.71: up to 0\.\d\d dB off/);
    assert.ok(byLine.get(6)!.errorDb! > 0.1);
    assert.match(byLine.get(8)!.message, /switched OFF/);
    assert.match(byLine.get(9)!.message, /'Channel'/);
    for (const line of [8, 9]) assert.ok(imported.text.includes(`# not imported (line ${line}): `), String(line));
    assert.match(imported.text, /lowshelf 80Hz \+4dB # was: Filter 5: ON LSC Fc 80 Hz Gain 4 dB Q 0\.9/);
    assert.match(imported.text, /\n {2}bell 3kHz \+0\.5dB q 2\n {2}lowpass 18kHz\n/);
    assert.deepEqual(errorsOf(imported.text), []);
    assert.deepEqual(
      imported.bands.map((band) => [band.slot, band.frequencyHz]),
      [
        ["lowShelf", 80],
        ["bell1", 100],
        ["bell2", 1000],
        ["bell3", 8000],
        ["bell", 3000],
        ["lowpass", 18000],
      ],
    );
  });

  it("reports bad lines with their line and column", () => {
    const text = [
      "Preamp: loud",
      "Filter 1: ON PK Fc abc Hz Gain 1 dB Q 1",
      "Filter 2: ON XYZ Fc 100 Hz",
      "Filter 3: ON PK Fc 100 Hz Gain 1 dB",
      "this is not apo",
      "Filter 4: ON PK Fc 100 Hz Gain 2 dB Q 1 extra",
      "Filter 5: ON PK Fc 100 Gain 2 dB Q 1",
    ].join("\n");
    const imported = importText(text);
    assert.deepEqual(
      imported.errors.map((error) => [error.line, error.column]),
      [
        [1, 9],
        [2, 20],
        [3, 14],
        [4, 14],
        [5, 1],
        [6, 41],
        [7, 20],
      ],
    );
    assert.match(imported.errors[1]!.message, /'abc' is not a number/);
    assert.match(imported.errors[2]!.message, /unknown filter type 'XYZ'/);
    assert.match(imported.errors[3]!.message, /needs a width: Q <number> or BW Oct <octaves>/);
    assert.match(imported.errors[4]!.message, /not an Equalizer APO line/);
    assert.match(imported.errors[5]!.message, /unexpected 'extra'/);
    assert.match(imported.errors[6]!.message, /Fc 100 needs its unit/);
  });

  it("reads APO's other spellings: decimal commas, BW Oct, shelf slopes, REW thousands", () => {
    const imported = importText(
      [
        "Preamp: -3,5 dB",
        "Filter: ON PK Fc 1.500 Hz Gain 2 dB BW Oct 1",
        "Filter: ON HSC 12 dB Fc 8000 Hz Gain -6 dB",
        "Filter: ON LSC Fc 100 Hz Gain 3 dB",
      ].join("\n"),
    );
    assert.deepEqual(imported.errors, []);
    assert.equal(imported.outputGainDb, -3.5);
    const bell = imported.bands.find((band) => band.slot === "bell1")!;
    assert.equal(bell.frequencyHz, 1500);
    assert.equal(bell.q, Math.round(qFromBandwidth(1, 1500) * 1000) / 1000);
    assert.match(imported.warnings.find((warning) => warning.line === 2)!.message, /read as 1500 Hz/);
    // 12 dB/octave is S = 1 (Q ≈ 0.707), close to SAFE's 0.71; APO's default slope S = 0.9 is further off.
    assert.ok(Math.abs(shelfQFromSlope(1, -6) - Math.SQRT1_2) < 1e-12);
    const high = imported.warnings.find((warning) => warning.line === 3)!;
    const low = imported.warnings.find((warning) => warning.line === 4)!;
    assert.ok(high.errorDb! < 0.1, String(high.errorDb));
    assert.ok(low.errorDb! > high.errorDb!, `${low.errorDb} vs ${high.errorDb}`);
  });

  it("is stable: import → export → import gives the same preset", () => {
    const inputs = [
      AUTOEQ,
      "Preamp: -2.345 dB\nFilter 1: ON PK Fc 1234.5678 Hz Gain 1.234 dB Q 0.7071\nFilter 2: ON LSC Fc 60 Hz Gain 2 dB Q 0.5\n",
      "Filter 1: ON PK Fc 20065 Hz Gain -10.9 dB Q 0.26\n",
    ];
    for (const input of inputs) {
      const first = importText(input);
      assert.deepEqual(first.errors, []);
      assert.deepEqual(errorsOf(first.text), []);
      const exported = EXPORT_TARGETS.apo.export(
        { name: "Headphones", sampleRate: 48000, outputGainDb: first.outputGainDb, bands: first.bands },
        {},
      ).text;
      const second = importText(exported);
      assert.deepEqual(second.bands, first.bands);
      assert.equal(second.outputGainDb, first.outputGainDb);
      const third = importText(
        EXPORT_TARGETS.apo.export(
          { name: "Headphones", sampleRate: 48000, outputGainDb: second.outputGainDb, bands: second.bands },
          {},
        ).text,
      );
      assert.equal(third.text, second.text);
    }
  });

  it("keeps a frequency above 20 kHz inside the audible range a preset allows, and says what that costs", () => {
    const imported = importText("Filter 1: ON PK Fc 20065 Hz Gain -10.9 dB Q 0.26\n");
    assert.equal(imported.bands[0]!.frequencyHz, 20000);
    assert.match(imported.warnings[0]!.message, /moved to 20 kHz.*up to \d+\.\d\d dB off/);
  });
});

describe("eqp import of a very long file", () => {
  // Each dropped filter used to cost the whole chain's response again: 1,000 filters took 47 s.
  // The bound is generous on purpose (speed is measured by npm run bench); it only catches n².
  it("imports 1,000 filters, each a band of its own", { timeout: 20_000 }, () => {
    const lines = Array.from(
      { length: 1000 },
      (_, i) => `Filter ${i + 1}: ON PK Fc ${100 + i * 15} Hz Gain ${i % 2 ? "-" : ""}${1 + (i % 7) / 10} dB Q 1.4`,
    );
    const imported = importText(`Preamp: -6 dB\n${lines.join("\n")}\n`);
    assert.deepEqual(imported.errors, []);
    assert.equal(imported.bands.filter((band) => band.slot.startsWith("bell")).length, 1000);
    assert.deepEqual(
      imported.warnings.filter((warning) => warning.message.includes("not imported")),
      [],
    );
    assert.ok(imported.presets[0]!.total.maxDb < 0.01, String(imported.presets[0]!.total.maxDb));
  });
});
