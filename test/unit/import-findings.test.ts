/**
 * One test per defect found importing real AutoEQ and Equalizer APO files (D1–D11 of the import
 * findings), on fixtures written to reproduce each (test/fixtures/import/README.md), and the
 * benchmark of the total error over generated 10-filter files.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { comparisonGrid } from "../../server/src/core/export/index.js";
import {
  apoToPreset,
  bandsResponseDb,
  cornerToCentre,
  parseApo,
  peakDb,
  readFilter,
  runResponseDb,
  shelfSlopeFromQ,
  shelfQFromSlope,
  type ImportOptions,
} from "../../server/src/core/import/index.js";

const fixture = (name: string) => readFileSync(`test/fixtures/import/${name}`, "utf8");
const importText = (text: string, options: Partial<ImportOptions> = {}) =>
  apoToPreset(parseApo(text), { name: "Phones", sourceName: "f.txt", ...options });
const grid = comparisonGrid(48000);

/** The file's own response, as APO runs it: every filter line, preamps added. */
function fileResponse(text: string): Float64Array {
  const document = parseApo(text);
  const runs = document.lines.flatMap((line) => (line.kind === "filter" ? [readFilter(line).run ?? []].flat() : []));
  const preamp = document.lines.reduce((sum, line) => sum + (line.kind === "preamp" ? line.gainDb : 0), 0);
  return runResponseDb(runs, grid, 48000, preamp);
}

describe("import of real-world Equalizer APO shapes (D1–D11)", () => {
  it("D1: LS/HS shelves are imported as shelves, moved from the corner to APO's centre frequency", () => {
    const imported = importText(fixture("ls-hs-era.txt"));
    assert.deepEqual(imported.errors, []);
    const slope = shelfSlopeFromQ(0.7, -8.4);
    assert.ok(Math.abs(shelfQFromSlope(slope, -8.4) - 0.7) < 1e-12, "slope and Q convert both ways");
    const low = imported.bands.find((band) => band.slot === "lowShelf")!;
    const high = imported.bands.find((band) => band.slot === "highShelf")!;
    assert.equal(low.frequencyHz, Number(cornerToCentre("lowshelf", 105, -8.4, slope).toPrecision(4)));
    assert.ok(low.frequencyHz > 105 && high.frequencyHz < 10000, `${low.frequencyHz} ${high.frequencyHz}`);
    assert.equal(imported.warnings.filter((warning) => warning.severity === "warning").length, 0);
    // Against the file's real response (LS/HS included), the preset is within a tenth of a dB.
    assert.ok(imported.presets[0]!.total.maxDb < 0.1, String(imported.presets[0]!.total.maxDb));
  });

  it("D2: the total error against the whole file is reported, not only each filter's own", () => {
    const text = fixture("preamp-clip.txt");
    const imported = importText(text);
    const preset = imported.presets[0]!;
    const reference = fileResponse(text);
    const own = bandsResponseDb(preset.bands, grid, 48000, preset.outputGainDb);
    let max = 0;
    for (let i = 0; i < grid.length; i++) max = Math.max(max, Math.abs(own[i]! - reference[i]!));
    assert.ok(Math.abs(preset.total.maxDb - max) < 1e-9, "the total is the preset against the file's response");
    assert.match(
      imported.text,
      /# eqp import: the file's largest filters kept, up to \d+\.\d\d dB off the file's response at \d+ Hz \(rms \d\.\d\d dB\)/,
    );
    assert.match(
      imported.text,
      /keeping the largest filters: up to 4\.50 dB off; fitting the five bands \(eqp import --fit\): up to \d\.\d\d dB off/,
    );
  });

  it("D3: a filter APO skips (Q 0.00) is skipped with a warning and the rest imported", () => {
    const imported = importText(fixture("q-zero.txt"));
    assert.deepEqual(imported.errors, []);
    assert.deepEqual(
      imported.bands.map((band) => band.frequencyHz),
      [120, 6000],
    );
    assert.deepEqual(
      imported.warnings.map((warning) => [warning.line, warning.column, warning.severity]),
      [[3, 41, "warning"]],
    );
    assert.match(imported.warnings[0]!.message, /Q above 0: Equalizer APO skips this filter/);
  });

  it("D4: a Room EQ Wizard export with its header lines is read", () => {
    const imported = importText(fixture("rew-export.txt"));
    assert.deepEqual(imported.errors, []);
    assert.deepEqual(
      imported.bands.map((band) => [band.frequencyHz, band.gainDb, band.q]),
      [
        [52.5, -9.5, 5],
        [1250, 2, 1.5],
      ],
    );
    // Outside a REW header, a line that is not APO is still an error.
    assert.equal(importText("Room EQ V5.20\nFilter 1: ON PK Fc 100 Hz Gain 1 dB Q 1\n").errors.length, 1);
  });

  it("D5: Channel sections are a preset each, with their own Preamp, or the one chosen", () => {
    const imported = importText(fixture("channels.txt"));
    assert.deepEqual(imported.errors, []);
    assert.deepEqual(
      imported.presets.map((preset) => [
        preset.name,
        preset.channels,
        preset.outputGainDb,
        preset.bands.map((band) => band.frequencyHz),
      ]),
      [
        ["Phones (L)", ["L"], -6, [100]],
        ["Phones (R)", ["R"], -6, [3000]],
      ],
    );
    const right = importText(fixture("channels.txt"), { channel: "R" });
    assert.deepEqual(
      right.presets.map((preset) => preset.name),
      ["Phones (R)"],
    );
    assert.match(
      importText(fixture("channels.txt"), { channel: "C" }).errors[0]!.message,
      /no channel 'C': the file's channels are L, R/,
    );
    // The same filters on every channel: one preset, named as asked.
    const both = importText("Channel: L R\nPreamp: -2 dB\nFilter 1: ON PK Fc 1000 Hz Gain 2 dB Q 1\n");
    assert.deepEqual(
      both.presets.map((preset) => preset.name),
      ["Phones"],
    );
  });

  it("D6: of an If:/Else: block only the first branch is imported, and the other is named", () => {
    const imported = importText(fixture("if-else.txt"));
    assert.deepEqual(
      imported.bands.map((band) => [band.slot, band.frequencyHz]),
      [
        ["bell1", 1000],
        ["highShelf", 8000],
      ],
    );
    const skipped = imported.warnings.find((warning) => warning.line === 4)!;
    assert.match(skipped.message, /lines 4–5 not imported: Equalizer APO runs one branch of the If: block of line 2/);
  });

  it("D7: an Include-only config is an error, not a flat preset; a GraphicEQ-only one is fitted", () => {
    const include = importText(fixture("include-only.txt"));
    assert.deepEqual(
      include.errors.map((error) => [error.line, error.column]),
      [[2, 1]],
    );
    assert.match(
      include.errors[0]!.message,
      /its filters are in the file it includes \(HD650_oratory\.txt\); import that file/,
    );
    const graphic = importText(fixture("graphiceq-only.txt"));
    assert.deepEqual(graphic.errors, []);
    const [preset] = graphic.presets;
    assert.equal(preset!.method, "fitted");
    assert.ok(preset!.bands.length >= 5, String(preset!.bands.length));
    assert.ok(preset!.total.maxDb < 0.5, `${preset!.total.maxDb} dB`);
    assert.ok(preset!.keptMaxDb > 5, "the flat preamp alone is far off the curve");
    const stated = graphic.warnings.find((warning) => /fitted to the GraphicEQ curve/.test(warning.message));
    assert.equal(stated?.line, 2);
    assert.equal(stated?.errorDb, preset!.total.maxDb);
  });

  it("D8: low-pass, high-pass and notch filters are imported as they are", () => {
    const imported = importText(fixture("pass-filters.txt"));
    assert.deepEqual(
      imported.warnings.filter((warning) => /not imported/.test(warning.message)),
      [],
    );
    assert.match(imported.text, /\n {2}lowpass 12kHz\n {2}highpass 30Hz q 0\.7\n {2}notch 1kHz\n/);
    assert.ok(imported.presets[0]!.total.maxDb < 0.01, String(imported.presets[0]!.total.maxDb));
  });

  it("D9: the gain is lowered when leaving filters out would peak above 0 dBFS where the file does not", () => {
    const text = fixture("preamp-clip.txt");
    assert.ok(peakDb(fileResponse(text)) <= 0, "the file itself stays at or below 0 dBFS");
    for (const fit of [false, true]) {
      const preset = importText(text, { fit }).presets[0]!;
      const peak = peakDb(bandsResponseDb(preset.bands, grid, 48000, preset.outputGainDb));
      assert.ok(peak <= 0.005, `fit ${fit}: peaks at ${peak}`);
    }
    const warning = importText(text).warnings.find((candidate) => candidate.line === 1)!;
    assert.match(
      warning.message,
      /^gain -6 dB lowered to -\d\.\d\d dB: with the filters left out the preset would peak at \+\d\.\d\d dB, above 0 dBFS/,
    );
  });

  it("D10: shelf Q 0.70 → 0.71 is a note when it costs under 0.1 dB, not a warning", () => {
    const imported = importText(fixture("shelf-q-070.txt"));
    const shelves = imported.warnings.filter((warning) => /shelf Q 0\.7 becomes/.test(warning.message));
    assert.equal(shelves.length, 2);
    for (const shelf of shelves) {
      assert.equal(shelf.severity, "note");
      assert.ok(shelf.errorDb! < 0.1);
    }
    // A costly change stays a warning.
    const wide = importText("Filter 1: ON LSC Fc 80 Hz Gain 6 dB Q 0.40\n").warnings[0]!;
    assert.equal(wide.severity, "warning");
  });

  it("D11: On, pk and filter in cases APO does not read are ignored with a warning, as APO ignores them", () => {
    const imported = importText(fixture("mixed-case.txt"));
    assert.deepEqual(imported.errors, []);
    assert.deepEqual(
      imported.bands.map((band) => band.frequencyHz),
      [200],
    );
    const messages = imported.warnings.map((warning) => `${warning.line}:${warning.column} ${warning.message}`);
    assert.match(messages[0]!, /^3:9 .*'On' is not 'ON'/);
    assert.match(messages[1]!, /^4:14 .*'pk' is not 'PK'/);
    assert.match(messages[2]!, /^5:1 .*'filter 4' is not 'Filter'/);
  });
});

describe("import benchmark: generated 10-filter AutoEQ-shaped files", () => {
  it("every filter of AutoEQ's modern shape is kept: only the shelves' Q 0.70 costs anything", () => {
    // AutoEQ's modern shape: LSC 105 Hz and HSC 10 kHz at Q 0.70, then 8 peaking filters anywhere in 20 Hz–16 kHz.
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const logUniform = (low: number, high: number) => low * Math.pow(high / low, random());
    for (let n = 0; n < 25; n++) {
      const lines = [
        `Filter 1: ON LSC Fc 105 Hz Gain ${(random() * 14 - 6).toFixed(1)} dB Q 0.70`,
        `Filter 2: ON HSC Fc 10000 Hz Gain ${(random() * 12 - 6).toFixed(1)} dB Q 0.70`,
      ];
      for (let i = 3; i <= 10; i++)
        lines.push(
          `Filter ${i}: ON PK Fc ${logUniform(20, 16000).toFixed(0)} Hz Gain ${((random() < 0.5 ? -1 : 1) * (0.5 + random() * 5.5)).toFixed(1)} dB Q ${logUniform(0.5, 4).toFixed(2)}`,
        );
      const imported = importText(lines.join("\n"), { fit: true });
      assert.equal(imported.bands.length, 10);
      assert.equal(imported.presets[0]!.method, "kept");
      assert.ok(imported.presets[0]!.total.maxDb < 0.2, String(imported.presets[0]!.total.maxDb));
    }
  });
});
