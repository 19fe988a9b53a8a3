/**
 * The "Train EQ model" task's plain-language summary (client/src/trainingSummary.ts) and its data
 * format detection (client/src/dataFormats.ts): no NaN, no "undefined", a reason for every figure
 * that cannot be computed, and the words the new model lacks against the bundled one.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { FEW_EXAMPLES, summarizeTraining } from "../../client/src/trainingSummary.js";
import { DATA_FORMATS, sniffCsv } from "../../client/src/dataFormats.js";
import { generateRows, toCsv } from "../support/safeCsv.js";

/** metadata.json as `eqp train` writes it (the fields the summary reads), with overrides. */
function metadata(
  evaluation: unknown,
  vocabulary = [
    { word: "warm", examples: 60 },
    { word: "bright", examples: 60 },
    { word: "crunchy", examples: 4 },
  ],
) {
  return {
    vocabulary,
    model: {
      data: { file: "small.csv", rowsRead: 250, rowsUsed: 240, malformedRows: 1 },
      training: { seconds: 8.6 },
      ...(evaluation === undefined ? {} : { evaluation }),
    },
  };
}

const goodEvaluation = {
  heldOut: { rows: 60, curveErrorDb: 1.169, flatCurveErrorDb: 2.338 },
  words: [
    { word: "bright", examples: 60, outputCurveErrorDb: 1.028 },
    { word: "warm", examples: 60, outputCurveErrorDb: 1.396 },
  ],
};

function assertPlain(lines: string[]): void {
  const text = lines.join("\n");
  assert.doesNotMatch(text, /NaN|undefined|null|Infinity/, text);
}

describe("the training summary", () => {
  it("says what was learned, how close it comes on unseen people, and what it lost", () => {
    const lines = summarizeTraining(metadata(goodEvaluation), ["warm", "bright", "boomy"]);
    assertPlain(lines);
    assert.equal(
      lines[0],
      "The new model knows 3 words (warm, bright, crunchy), learned from 240 settings of small.csv in 9 s.",
    );
    assert.match(lines[1]!, /10 rows of 250 were not used: 1 malformed row \(listed in Problems\)/);
    assert.match(
      lines[2]!,
      /On 60 settings by people it never trained on, its curves are 1\.2 dB from theirs.*flat EQ would be 2\.3 dB off, so it has learned something/,
    );
    assert.match(lines[3]!, /Closest to its examples: bright \(1\.0 dB\); furthest: warm \(1\.4 dB\)/);
    assert.ok(lines.some((line) => line.startsWith(`Fewer than ${FEW_EXAMPLES} examples`) && line.includes("crunchy")));
    assert.ok(lines.some((line) => /bundled one: boomy\. Presets using them show errors/.test(line)));
  });

  it("says why when the held-out figures cannot be computed, never NaN", () => {
    const cases: [unknown, RegExp][] = [
      [undefined, /not measured: this run skipped the held-out check/],
      [
        { heldOut: { rows: 0, curveErrorDb: null } },
        /no settings were held out, because the data has too few participants/,
      ],
      [
        { heldOut: { rows: 12, curveErrorDb: Number.NaN, flatCurveErrorDb: Number.NaN } },
        /the 12 held-out settings gave no usable figure/,
      ],
      [{ heldOut: { rows: 12, curveErrorDb: null } }, /could not be measured/],
    ];
    for (const [evaluation, expected] of cases) {
      const lines = summarizeTraining(metadata(evaluation));
      assertPlain(lines);
      assert.ok(
        lines.some((line) => expected.test(line)),
        `${JSON.stringify(evaluation)}: ${lines.join(" | ")}`,
      );
    }
  });

  it("leaves out a comparison it cannot make and survives a metadata.json with nothing in it", () => {
    const noFlat = summarizeTraining(metadata({ heldOut: { rows: 5, curveErrorDb: 3 } }));
    assertPlain(noFlat);
    assert.ok(
      noFlat.some(
        (line) => line === "On 5 settings by people it never trained on, its curves are 3.0 dB from theirs on average.",
      ),
    );
    for (const odd of [{}, null, "text", { vocabulary: [{ word: 3 }], model: { data: { rowsUsed: "many" } } }]) {
      const lines = summarizeTraining(odd);
      assertPlain(lines);
      assert.match(lines[0]!, /^The new model has no words, learned from the data\.$/);
    }
  });

  it("calls a model no better than a flat EQ what it is", () => {
    const lines = summarizeTraining(metadata({ heldOut: { rows: 20, curveErrorDb: 2.5, flatCurveErrorDb: 2.4 } }));
    assert.ok(
      lines.some((line) => /no better than doing nothing/.test(line)),
      lines.join(" | "),
    );
  });
});

describe("the fine-tuning summary", () => {
  const tuned = (fineTuning: unknown) => ({
    vocabulary: [
      { word: "warm", examples: 596 },
      { word: "whistlish", examples: 6 },
    ],
    model: {
      data: { file: "SAFEEqualiserUserData.csv", fineTuned: { teamExamples: [{}, {}, {}, {}, {}, {}] } },
      training: { seconds: 500, fineTuning: { seconds: 14.6 } },
      evaluation: { heldOut: { rows: 300, curveErrorDb: 0.5 }, fineTuning },
    },
  });

  it("says what the team words gained and how far the model's own words moved", () => {
    const lines = summarizeTraining(
      tuned({
        teamWords: [{ word: "whistlish", examples: 6, beforeDb: 0.94, afterDb: 0.29 }],
        bundledDrift: { medianDb: 0, maxDb: 0.01, word: "thin", mixMaxDb: 0.17 },
      }),
      ["warm"],
    );
    assert.match(lines[0]!, /^Fine-tuned on 6 tagged presets of this workspace \(whistlish\) in 15 s\.$/);
    assert.ok(lines.includes("'whistlish' now comes 0.29 dB from its 6 presets (0.94 dB without training)."));
    assert.ok(lines.some((line) => /moved at most 0\.01 dB \('thin'\), mixes of two at most 0\.17 dB/.test(line)));
    assert.ok(lines.some((line) => /tags are deleted is unknown again/.test(line)));
    // The base model's held-out figures belong to its own training, not this run.
    assert.ok(!lines.some((line) => /people it never trained on/.test(line)));
  });

  it("says what it could not measure, never NaN or undefined", () => {
    const lines = summarizeTraining(tuned({ teamWords: [{ word: "x", beforeDb: "?" }] }));
    assert.ok(lines.some((line) => /was not measured/.test(line)));
    for (const line of lines) assert.doesNotMatch(line, /NaN|undefined/);
  });
});

describe("training data formats", () => {
  it("recognises SAFE-DB rows (no header) and counts them", () => {
    const sniffed = sniffCsv(toCsv(generateRows(30)));
    assert.deepEqual(sniffed, { format: "safe-db", rows: 30 });
  });

  it("recognises a SocialFX header and counts the data rows", () => {
    const header = ["descriptor", "audio_id", "ratings_consistency", "RSC_20Hz_band", "RSC_50Hz_band"].join(",");
    const row = "warm,English,8,0.5,-0.2,0.1";
    assert.deepEqual(sniffCsv(`${header}\n${row}\n${row}\n`), { format: "socialfx", rows: 2 });
  });

  it("says why another CSV is neither", () => {
    const sniffed = sniffCsv("name,email\nana,a@b.c\n");
    assert.equal(sniffed.format, undefined);
    assert.match(sniffed.format === undefined ? sniffed.reason : "", /2 columns: neither SAFE-DB/);
    assert.deepEqual(sniffCsv("\n\n"), { format: undefined, reason: "the file is empty" });
  });

  it("reads the shared data files as their formats, when they are on this machine", (t) => {
    const files = {
      "safe-db": "../shared/data/SAFEEqualiserUserData.csv",
      socialfx: "../shared/data/SocialFX_eq_contributions.csv",
    };
    for (const [format, file] of Object.entries(files)) {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        t.diagnostic(`${file} not found: skipped`);
        continue;
      }
      assert.equal(sniffCsv(text).format, format, file);
    }
  });

  it("explains each format: what a row holds and where the file comes from", () => {
    assert.match(DATA_FORMATS["safe-db"].holds, /5-band/);
    assert.match(DATA_FORMATS["safe-db"].source, /SAFE/);
    assert.match(DATA_FORMATS.socialfx.holds, /40-band crowd/);
    assert.match(DATA_FORMATS.socialfx.source, /with a SAFE-DB CSV/);
  });
});
