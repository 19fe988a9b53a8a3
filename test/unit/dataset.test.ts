import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  DatasetError,
  isJunkLabel,
  loadDataset,
  parseDataset,
  splitByParticipant,
} from "../../server/src/core/training/index.js";
import { csvLine, generateRows, toCsv } from "../support/safeCsv.js";

describe("dataset loader", () => {
  it("reads rows, normalises words and sorts bells", () => {
    const rows = generateRows(30);
    rows[0]!.word = "  WARM   ";
    const unsorted = rows[1]!.values;
    [unsorted[3], unsorted[9]] = [3000, 300];
    const dataset = parseDataset(toCsv(rows), "fixture.csv");
    assert.equal(dataset.report.rowsRead, 30);
    assert.equal(dataset.rows.length, 30);
    assert.equal(dataset.rows[0]!.word, "warm");
    const sorted = dataset.rows[1]!.values;
    assert.ok(sorted[3]! <= sorted[6]! && sorted[6]! <= sorted[9]!);
    assert.ok(dataset.report.unsortedBells >= 1);
    assert.deepEqual(
      dataset.words.map((word) => word.word),
      ["airy", "bright", "warm"],
    );
  });

  it("reports every kind of malformed row with its line and skips it", () => {
    const rows = generateRows(12);
    const lines = rows.map((row, index) => csvLine(index + 1, row));
    lines[1] = lines[1]!.split(",").slice(0, 20).join(","); // too few columns
    lines[2] = `${lines[2]},extra`; // too many columns
    lines[3] = lines[3]!.replace(/^(\d+,\w+,\w+,2,2,)[^,]+/, "$1abc"); // not a number
    lines[4] = lines[4]!.replace(/^(\d+,\w+,\w+,2,2,)[^,]+/, "$1-30"); // gain outside ±12
    lines[5] = lines[5]!.replace(/^(\d+,)\w+/, "$1"); // no descriptor
    const parts = lines[6]!.split(",");
    parts[17] = "25000"; // high shelf outside 580–20000 Hz
    lines[6] = parts.join(",");
    const dataset = parseDataset(`${lines.join("\n")}\n`, "broken.csv", { minExamples: 1 });
    assert.deepEqual(
      dataset.report.skipped.map((skipped) => skipped.line),
      [2, 3, 4, 5, 6, 7],
    );
    const reasons = dataset.report.skipped.map((skipped) => skipped.reason);
    assert.match(reasons[0]!, /expected 25 columns, found 20/);
    assert.match(reasons[1]!, /expected 25 columns, found 26/);
    assert.match(reasons[2]!, /column 6 \(lowShelf.gain\) is not a number: "abc"/);
    assert.match(reasons[3]!, /column 6 \(lowShelf.gain\) = -30 is outside the plug-in range -12–12/);
    assert.match(reasons[4]!, /no descriptor/);
    assert.match(reasons[5]!, /column 18 \(highShelf.frequency\) = 25000 is outside/);
    assert.equal(dataset.rows.length, 6);
  });

  it("drops junk labels and rare words, and says how many", () => {
    const rows = generateRows(20);
    rows[0]!.word = "test";
    rows[1]!.word = "re27";
    rows[2]!.word = "12";
    rows[3]!.word = "default";
    rows[4]!.word = "bright clear";
    rows[5]!.word = "lonely";
    const dataset = parseDataset(toCsv(rows), "fixture.csv", { minExamples: 2 });
    assert.deepEqual(dataset.report.junkLabels, { test: 1, re27: 1, "12": 1, default: 1 });
    assert.equal(dataset.report.notSingleWord, 1);
    assert.deepEqual(dataset.report.rareWords, { lonely: 1 });
    assert.ok(!dataset.words.some((word) => ["test", "lonely"].includes(word.word)));
  });

  it("knows what a junk label is", () => {
    for (const label of ["test", "default", "123", "re27", "ab1"]) assert.ok(isJunkLabel(label), label);
    for (const label of ["warm", "bright", "air2y"]) assert.ok(!isJunkLabel(label), label);
  });

  it("gives clear errors for a missing, empty or useless file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "eqp-data-"));
    assert.throws(
      () => loadDataset(path.join(dir, "missing.csv")),
      (error: Error) => error instanceof DatasetError && /missing.csv: no such file/.test(error.message),
    );
    writeFileSync(path.join(dir, "empty.csv"), "");
    assert.throws(() => loadDataset(path.join(dir, "empty.csv")), /empty.csv: the file is empty/);
    assert.throws(() => loadDataset(dir), /is a folder/);
    writeFileSync(path.join(dir, "junk.csv"), "a,b,c\n1,2,3\n");
    assert.throws(() => loadDataset(path.join(dir, "junk.csv")), /no usable rows \(2 rows read, 0 used, 2 malformed/);
  });

  it("splits by participant with a seed, never sharing a participant", () => {
    const dataset = parseDataset(toCsv(generateRows(120)), "fixture.csv");
    const a = splitByParticipant(dataset.rows, 3);
    const b = splitByParticipant(dataset.rows, 3);
    assert.deepEqual(a.validationParticipants, b.validationParticipants);
    const trainParticipants = new Set(a.train.map((row) => row.participant));
    assert.ok(a.validation.every((row) => !trainParticipants.has(row.participant)));
    assert.ok(a.validation.length >= 0.15 * 120 && a.validation.length <= 0.3 * 120, String(a.validation.length));
    assert.equal(a.train.length + a.validation.length, 120);
  });
});
