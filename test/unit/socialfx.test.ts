/**
 * The SocialFX loader and its dB scale: malformed rows reported with their line and skipped, a
 * missing file named, on generated files (the real data is never copied into the project); then
 * the real file from ../shared/data (skipped loudly without it unless EQP_REQUIRE_DATA=1).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  calibrateSocialFxScale,
  CURVE_FREQUENCIES,
  fitScale,
  socialFxCurveDb,
  type SharedWord,
} from "../../server/src/core/training/index.js";
import { DatasetError } from "../../server/src/core/training/index.js";
import { loadSocialFx, parseSocialFx } from "../../server/src/core/training/index.js";

const FREQUENCIES = [20, 50, 83, 120, 161, 208, 259, 318, 383, 455, 537, 628, 729, 843, 971, 1114, 1273, 1452, 1652];
const BANDS = [...FREQUENCIES, 1875, 2126, 2406, 2719, 3070, 3462, 3901, 4392, 4941, 5556, 6244, 7014];
const ALL = [...BANDS, 7875, 8839, 9917, 11124, 12474, 13984, 15675, 17566, 19682];
const HEADER = `descriptor,audio_id,ratings_consistency,${ALL.map((f) => `RSC_${f}Hz_band`).join(",")}`;

/** A made-up contribution: a tilt up (bright) or down (warm), z-scored like the real ones. */
function line(word: string, language = "English", tilt = word === "warm" ? -1 : 1): string {
  const raw = ALL.map((_, i) => tilt * (i - 19.5) + Math.sin(i));
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  const sd = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / raw.length);
  return [word, language, "8", "0.5", ...raw.map((value) => ((value - mean) / sd).toFixed(4))].join(",");
}

describe("SocialFX loader", () => {
  it("reads English rows with their 40 band centres, and counts the other languages", () => {
    const text = [HEADER, line("warm"), line("Bright"), line("cálido", "Español"), line("two words")].join("\n");
    const data = parseSocialFx(text, "fixture.csv");
    assert.deepEqual(data.frequencies, ALL);
    assert.deepEqual(
      data.rows.map((row) => [row.line, row.word]),
      [
        [2, "warm"],
        [3, "bright"],
      ],
    );
    assert.equal(data.rows[0]!.shape.length, 40);
    assert.deepEqual(data.report.otherLanguages, { Español: 1 });
    assert.equal(data.report.notSingleWord, 1);
  });

  it("reports every malformed row as line and reason, and keeps the rest", () => {
    const good = line("warm");
    const fields = good.split(",");
    const rows = [
      good,
      fields.slice(0, 30).join(","), // too few fields
      `${good},1`, // too many
      ["", ...fields.slice(1)].join(","), // no descriptor
      [fields[0], "", ...fields.slice(2)].join(","), // no language
      [...fields.slice(0, 2), "x", ...fields.slice(3)].join(","), // n not a whole number
      [...fields.slice(0, 3), "0x1F", ...fields.slice(4)].join(","), // consistency not decimal
      [...fields.slice(0, 10), "Infinity", ...fields.slice(11)].join(","), // a band not a number
      [...fields.slice(0, 4), ...ALL.map(() => "0")].join(","), // flat
      line("bright"),
    ];
    const data = parseSocialFx([HEADER, ...rows].join("\n"), "broken.csv");
    assert.deepEqual(
      data.report.skipped.map((skipped) => skipped.line),
      [3, 4, 5, 6, 7, 8, 9, 10],
    );
    const reasons = data.report.skipped.map((skipped) => skipped.reason);
    assert.match(reasons[0]!, /expected 44 fields, found 30/);
    assert.match(reasons[1]!, /expected 44 fields, found 45/);
    assert.match(reasons[2]!, /no descriptor/);
    assert.match(reasons[3]!, /no language/);
    assert.match(reasons[4]!, /field 3 \(n\) is not a whole number: "x"/);
    assert.match(reasons[5]!, /field 4 \(ratings_consistency\) is not a number: "0x1F"/);
    assert.match(reasons[6]!, /field 11 \(band 7\) is not a number: "Infinity"/);
    assert.match(reasons[7]!, /flat curve/);
    assert.deepEqual(
      data.rows.map((row) => row.word),
      ["warm", "bright"],
    );
  });

  it("gives clear errors for a missing, empty or foreign file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "eqp-socialfx-"));
    const missing = path.join(dir, "SocialFX_eq_contributions.csv");
    assert.throws(
      () => loadSocialFx(missing),
      (error: unknown) => error instanceof DatasetError && error.message === `${missing}: no such file`,
    );
    assert.throws(() => loadSocialFx(dir), /is a folder, not a CSV file/);
    assert.throws(() => parseSocialFx("  \n", "empty.csv"), /empty\.csv: the file is empty/);
    assert.throws(() => parseSocialFx("a,b,c\n1,2,3\n", "safe.csv"), /safe\.csv:1: not a SocialFX EQ file/);
    assert.throws(() => parseSocialFx(`${HEADER}\n${line("x", "Español")}\n`, "es.csv"), /no usable rows/);
  });
});

describe("SocialFX dB scale", () => {
  it("recovers a known scale and offset, and measures each word left out", () => {
    const shape = (tilt: number) => Float64Array.from(CURVE_FREQUENCIES, (_, i) => tilt * (i / 47 - 0.5) * 3);
    const words: SharedWord[] = [1, -1, 0.5, -0.3].map((tilt, index) => ({
      word: `w${index}`,
      safeExamples: 5,
      socialfxExamples: 5,
      socialfxMeanShape: shape(tilt),
      safeMeanDb: shape(tilt).map((value) => 2.5 * value - 1),
    }));
    const scale = fitScale(words);
    assert.ok(Math.abs(scale.dbPerUnit - 2.5) < 1e-9 && Math.abs(scale.offsetDb + 1) < 1e-9, JSON.stringify(scale));
    const calibration = calibrateSocialFxScale(words);
    assert.ok(calibration.leaveOneOutRmsDb < 1e-9);
    assert.ok(calibration.offsetOnlyRmsDb > 1, "ignoring the shape costs");
    assert.ok(calibration.words.every((word) => Math.abs(word.crowdCorrelation - 1) < 1e-9));
    const curve = socialFxCurveDb([0, 1], [100, 1000], { dbPerUnit: 2, offsetDb: -1 }, [50, 316.2278, 5000]);
    assert.deepEqual(
      Array.from(curve, (value) => Math.round(value * 1000) / 1000),
      [-1, 0, 1],
    );
  });
});

const FILE = path.resolve("..", "shared", "data", "SocialFX_eq_contributions.csv");
const hasData = existsSync(FILE);
if (!hasData) {
  const message = `SocialFX data not found at ${FILE}: the SocialFX real-data tests are skipped`;
  if (process.env.EQP_REQUIRE_DATA === "1") throw new Error(message);
  console.warn(`\n*** ${message} ***\n`);
}

describe("SocialFX loader on the real file", { skip: !hasData }, () => {
  it("reads every row: the English ones kept, the Spanish ones counted, none malformed", () => {
    const data = loadSocialFx(FILE);
    assert.equal(data.report.rowsRead, 1595);
    assert.equal(data.report.skipped.length, 0);
    assert.equal(data.report.otherLanguages.Español, 677);
    assert.equal(data.rows.length + data.report.notSingleWord + data.report.junkLabels, 918);
    assert.equal(data.frequencies.length, 40);
    assert.equal(data.rows.filter((row) => row.word === "warm").length, 64);
  });
});
