import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { logFrequencies, responseDb, type EqBand } from "../../server/src/core/eq/index.js";
import { effectiveBands, readDocument } from "../../server/src/core/index.js";
import { eqp, literal, temporaryFolder, writeFileIn } from "../support/cli.js";

const work = temporaryFolder("import");
const file = (name: string, text: string) => writeFileIn(work, name, text);

const PARAMETRIC_EQ = [
  "Preamp: -6.2 dB",
  "Filter 1: ON LSC Fc 105 Hz Gain 5.5 dB Q 0.71",
  "Filter 2: ON PK Fc 2049 Hz Gain -3.1 dB Q 1.09",
  "Filter 3: ON PK Fc 150 Hz Gain -2.0 dB Q 0.80",
  "Filter 4: ON PK Fc 5400 Hz Gain 4.2 dB Q 3.50",
  "Filter 5: ON LSC Fc 9000 Hz Gain 1.0 dB Q 0.71",
  "Filter 6: ON HSC Fc 10000 Hz Gain -1.5 dB Q 0.71",
  "",
].join("\r\n");

describe("eqp import", () => {
  it("prints a preset that eqp check accepts, and warns about what did not fit", () => {
    const source = file("ParametricEQ.txt", PARAMETRIC_EQ);
    const result = eqp("import", source, "--name", "HD 650");
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^# Imported from ParametricEQ\.txt by eqp import\.\n\npreset "HD 650" \{\n {2}lowshelf 105Hz \+5\.5dB\n {2}bell 150Hz -2dB q 0\.8\n/,
    );
    assert.match(result.stdout, /# not imported \(line 6\): Filter 5: ON LSC Fc 9000 Hz Gain 1\.0 dB Q 0\.71\n/);
    assert.match(
      result.stderr,
      new RegExp(
        `^${literal(source)}:6:14 warning not imported, kept as a comment: a second low shelf: SAFE has one; leaving it out is up to 1\\.00 dB off at \\d+ Hz\n$`,
      ),
    );
    const written = file("hd650.eqp", result.stdout);
    const check = eqp("check", written);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stderr, /1 file checked: 0 errors/);
    assert.equal(eqp("format", "--check", written).status, 0, "the import is in the canonical layout");
  });

  it("writes the preset with --out, named after the file by default", () => {
    const source = file(
      "Sennheiser HD 600 ParametricEQ.txt",
      "Preamp: -3 dB\nFilter 1: ON PK Fc 1000 Hz Gain 2 dB Q 1\n",
    );
    const out = path.join(work, "hd600.eqp");
    const result = eqp("import", source, "--out", out);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `wrote ${out}: "Sennheiser HD 600 ParametricEQ", 1 band\n`);
    assert.match(
      readFileSync(out, "utf8"),
      /preset "Sennheiser HD 600 ParametricEQ" \{\n {2}bell 1kHz \+2dB q 1\n {2}gain -3dB\n\}/,
    );
  });

  it("stops at bad lines with file:line:col and writes nothing", () => {
    const source = file(
      "bad.txt",
      "Preamp: -3 dB\nFilter 1: ON PK Fc 1000 Hz Gain two dB Q 1\nFilter 2: ON PK Fc 100 Hz Gain 1 dB Q 1\nEqualizer on\n",
    );
    const out = path.join(work, "bad.eqp");
    const result = eqp("import", source, "--out", out);
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      [
        `${source}:2:33 error 'two' is not a number: write it as in 'Gain -3 dB'`,
        `${source}:4:1 error not an Equalizer APO line: expected 'Preamp: <dB> dB' or 'Filter <n>: ON <type> …'`,
        `eqp import: ${source} has 2 errors; nothing imported`,
        "",
      ].join("\n"),
    );
    assert.equal(existsSync(out), false);
    const empty = eqp("import", file("empty.txt", "# nothing here\nChannel: L\n"));
    assert.equal(empty.status, 1);
    assert.match(
      empty.stderr,
      new RegExp(
        `eqp import: ${literal(path.join(work, "empty.txt"))} has no Preamp, shelf or peaking filter to import`,
      ),
    );
  });

  it("import → export → import gives the same preset", () => {
    const source = file("cycle.txt", PARAMETRIC_EQ);
    const first = eqp("import", source, "--name", "Cycle");
    const firstFile = file("cycle.eqp", first.stdout);
    const exported = eqp("export", firstFile, "--format", "apo");
    assert.equal(exported.status, 0, exported.stderr);
    const second = eqp("import", file("cycle.txt", exported.stdout), "--name", "Cycle");
    assert.equal(second.status, 0, second.stderr);
    // The comments of what was not imported stay behind in the first .eqp; the bands and gain are the same.
    const bodyOf = (text: string) => text.split("\n").filter((line) => !line.trimStart().startsWith("#"));
    assert.deepEqual(bodyOf(second.stdout), bodyOf(first.stdout));
  });
});

describe("eqp import of real-world shapes", () => {
  const fixture = (name: string) => path.resolve("test/fixtures/import", name);

  it("imports a preset per channel, or the one chosen with --channel", () => {
    const all = eqp("import", fixture("channels.txt"), "--name", "Desk");
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stdout, /preset "Desk \(L\)" \{\n {2}bell 100Hz -6dB q 1\n {2}gain -6dB\n/);
    assert.match(all.stdout, /preset "Desk \(R\)" \{\n {2}bell 3kHz \+6dB q 2\n {2}gain -6dB\n/);
    assert.match(all.stderr, /channels\.txt:1:1 note the channels run different filters \(L; R\): a preset each/);
    const checked = eqp("check", file("desk.eqp", all.stdout));
    assert.equal(checked.status, 0, checked.stdout);
    const right = eqp("import", fixture("channels.txt"), "--name", "Desk", "--channel", "R");
    assert.equal(right.status, 0, right.stderr);
    assert.doesNotMatch(right.stdout, /Desk \(L\)/);
    const none = eqp("import", fixture("channels.txt"), "--channel", "C");
    assert.equal(none.status, 1);
    assert.match(none.stderr, /channels\.txt:1:1 error no channel 'C': the file's channels are L, R\n/);
  });

  it("prints notes as notes, and stops at an Include-only config with file:line:col", () => {
    const shelves = eqp("import", fixture("shelf-q-070.txt"));
    assert.equal(shelves.status, 0, shelves.stderr);
    assert.match(
      shelves.stderr,
      /shelf-q-070\.txt:2:14 note shelf Q 0\.7 becomes SAFE's fixed 0\.71: up to 0\.0\d dB off/,
    );
    assert.doesNotMatch(shelves.stderr, / warning /);
    const include = eqp("import", fixture("include-only.txt"));
    assert.equal(include.status, 1);
    assert.match(
      include.stderr,
      /include-only\.txt:2:1 error the file runs no filter of its own: .*; nothing imported\n$/s,
    );
    assert.doesNotMatch(include.stderr, /\n\s+at /);
  });

  it("--fit fits the five bands when that is closer, and says what both would cost", () => {
    const source = file("ten.txt", PARAMETRIC_EQ);
    const out = path.join(work, "ten.eqp");
    const fitted = eqp("import", source, "--fit", "--out", out);
    assert.equal(fitted.status, 0, fitted.stderr);
    assert.match(fitted.stdout, /^wrote .*ten\.eqp: "ten", 5 bands, up to 0\.\d\d dB off the file's response\n$/);
    const text = readFileSync(out, "utf8");
    assert.match(text, /# eqp import: 5 bands fitted to the file's whole response, up to 0\.\d\d dB off/);
    assert.match(
      text,
      /# \(keeping the largest filters: up to 1\.00 dB off; fitting the five bands: up to 0\.\d\d dB off\)/,
    );
    assert.equal(eqp("check", out).status, 0);
  });
});

describe("eqp import of unlucky files", () => {
  it("keeps a control character of the file's name inside the header comment and the preset's name", () => {
    // Linux allows any byte but / and NUL in a name: a line feed would end the comment and start a statement.
    const name = "evil\nbell 1kHz +12dB\u001b]52;c;aGk=\u0007.txt";
    const source = file(name, PARAMETRIC_EQ);
    const result = eqp("import", source);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^# Imported from evil␊bell 1kHz \+12dB␛\]52;c;aGk=␇\.txt by eqp import\.\n\npreset "evil␊bell 1kHz \+12dB␛\]52;c;aGk=␇" \{\n/,
    );
    assert.doesNotMatch(result.stdout, /[\u0000-\u0009\u000b-\u001f]/);
    const out = path.join(work, "evil.eqp");
    writeFileIn(work, "evil.eqp", result.stdout);
    const check = eqp("check", out);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    // The file's only bell is not joined by the name's "bell 1kHz +12dB".
    assert.equal(eqp("print", out).stdout.match(/^ +Bell \d/gm)?.length, 3);
  });

  it("refuses --out naming the file being imported, and leaves it as it was", () => {
    const source = file("same.txt", PARAMETRIC_EQ);
    for (const out of [source, path.join(work, ".", "same.txt")]) {
      const result = eqp("import", source, "--out", out);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /--out .*same\.txt is the file being imported/);
      assert.equal(readFileSync(source, "utf8"), PARAMETRIC_EQ);
    }
  });

  it("fits a GraphicEQ-only file with bands and states the error, which the written preset meets", () => {
    // AutoEQ's GraphicEQ.txt: 127 points from 20 Hz to 20 kHz, here the curve of known bands.
    const known: EqBand[] = [
      { slot: "highpass", frequencyHz: 35, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave: 12 },
      { slot: "lowShelf", frequencyHz: 120, gainDb: 4, q: 0.71 },
      { slot: "bell1", frequencyHz: 1000, gainDb: -3, q: 1.5 },
      { slot: "bell2", frequencyHz: 4200, gainDb: 2.5, q: 2 },
      { slot: "highShelf", frequencyHz: 9000, gainDb: -2, q: 0.71 },
    ];
    const points = logFrequencies(127);
    const curve = responseDb(known, points, 48000);
    const entries = [...points].map((hz, i) => `${hz.toFixed(1)} ${curve[i]!.toFixed(1)}`);
    const source = file("GraphicEQ.txt", `Preamp: -4.5 dB\nGraphicEQ: ${entries.join("; ")}\n`);
    const result = eqp("import", source, "--name", "Fitted");
    assert.equal(result.status, 0, result.stderr);
    const stated = new RegExp(
      `^${literal(source)}:2:1 (?:warning|note) (\\d+) bands fitted to the GraphicEQ curve, up to (\\d+\\.\\d\\d) dB off it at \\d+ Hz \\(rms (\\d+\\.\\d\\d) dB\\); the file's flat preamp alone would be (\\d+\\.\\d\\d) dB off\n$`,
    ).exec(result.stderr);
    assert.ok(stated, result.stderr);
    const [, count, maxDb, , flatDb] = stated.map(Number);
    assert.ok(maxDb! < 0.5, `fit error ${maxDb} dB`);
    assert.ok(flatDb! > 4, `the curve is far from flat: ${flatDb} dB`);
    assert.match(result.stdout, /# eqp import: \d+ bands fitted to the GraphicEQ curve, up to/);
    assert.doesNotMatch(result.stdout + result.stderr, /not imported/);
    // The written preset, read back and computed here, is within the stated error of the curve.
    const preset = readDocument(result.stdout).presets[0]!;
    assert.equal(preset.outputGainDb, -4.5);
    const bands = effectiveBands(preset, undefined);
    assert.equal(bands.length, count);
    const written = responseDb(bands, points, 48000);
    const worst = Math.max(...[...points].map((_, i) => Math.abs(written[i]! - Number(curve[i]!.toFixed(1)))));
    assert.ok(worst <= maxDb! + 0.01, `${worst} dB off at a GraphicEQ point, ${maxDb} dB stated`);
    assert.equal(eqp("check", file("fitted.eqp", result.stdout)).status, 0);
  });

  it("stops at a bad GraphicEQ point with file:line:col and writes nothing", () => {
    const cases: [string, number, RegExp][] = [
      [
        "GraphicEQ: 20 -1; 100 x2; 1000 3",
        19,
        /a GraphicEQ point is a frequency and a gain in dB, e\.g\. '1000 -2\.5', not '100 x2'/,
      ],
      ["GraphicEQ: 20 -1; 1000 3; 500 2", 27, /GraphicEQ frequencies must rise: 500 Hz comes after 1000 Hz/],
      ["GraphicEQ: 20 -1;   100 900", 21, /a GraphicEQ gain of 900 dB is beyond ±60 dB/],
      ["GraphicEQ: -5 1; 100 2", 12, /a GraphicEQ frequency must be above 0 Hz, not -5/],
    ];
    for (const [line, column, message] of cases) {
      const source = file("hostile.txt", `Preamp: -3 dB\n${line}\n`);
      const out = path.join(work, "hostile.eqp");
      const result = eqp("import", source, "--out", out);
      assert.equal(result.status, 1, line);
      const [first, summary] = result.stderr.split("\n");
      assert.ok(first!.startsWith(`${source}:2:${column} error `), `${line}: ${result.stderr}`);
      assert.match(first!, message);
      assert.equal(summary, `eqp import: ${source} has 1 error; nothing imported`);
      assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
      assert.equal(existsSync(out), false);
    }
  });
});
