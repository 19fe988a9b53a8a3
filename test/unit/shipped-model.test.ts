/**
 * The shipped model (model/) against the real SAFE-DB data, read from ../shared/data (present in
 * CI; the data is never part of the repository). Skipped loudly when the data is absent, unless
 * EQP_REQUIRE_DATA=1.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { initBackend } from "../../server/src/core/network/backend.js";
import { loadDataset, type Dataset } from "../../server/src/core/model/index.js";
import { reconstruct } from "../../server/src/core/model/index.js";
import { loadSemanticModel } from "../../server/src/core/network/modelFolder.js";
import { PARAMETERS } from "../../server/src/core/model/index.js";
import type { SemanticModel } from "../../server/src/core/model/index.js";
import { logFrequencies, responseDb, bandsOfParameters } from "../support/curves.js";

const DATA = path.resolve("..", "shared", "data", "SAFEEqualiserUserData.csv");
const hasData = existsSync(DATA);
if (!hasData) {
  const message = `SAFE-DB data not found at ${DATA}: the shipped-model tests are skipped`;
  if (process.env.EQP_REQUIRE_DATA === "1") throw new Error(message);
  console.warn(`\n*** ${message} ***\n`);
}

describe("the shipped model on the real data", { skip: !hasData }, () => {
  let model: SemanticModel;
  let dataset: Dataset;

  before(async () => {
    await initBackend();
    model = loadSemanticModel(path.resolve("model")).model;
    dataset = loadDataset(DATA);
  });

  it("was trained on this data", () => {
    const metadata = loadSemanticModel(path.resolve("model")).metadata;
    assert.equal(metadata.model.data.sha256, dataset.checksum);
    assert.deepEqual(
      model.vocabulary.words().map((word) => word.word),
      dataset.words.map((word) => word.word),
    );
  });

  it("warm boosts the low mids and bright boosts the highs", () => {
    const frequencies = logFrequencies(200, 20, 20000);
    const curve = (word: string) =>
      responseDb(bandsOfParameters(model.generate([{ word, weight: 1 }])), frequencies, 44100);
    const band = (values: Float64Array, low: number, high: number) => {
      const picked = Array.from(values).filter((_, i) => frequencies[i]! >= low && frequencies[i]! <= high);
      return picked.reduce((a, b) => a + b, 0) / picked.length;
    };
    const warm = curve("warm");
    const bright = curve("bright");
    assert.ok(band(warm, 150, 500) > 1, `warm at 150–500 Hz: ${band(warm, 150, 500)}`);
    assert.ok(band(warm, 150, 500) > band(warm, 5000, 16000) + 2, "warm tilts towards the low mids");
    assert.ok(band(bright, 5000, 16000) > 1, `bright at 5–16 kHz: ${band(bright, 5000, 16000)}`);
    assert.ok(band(bright, 5000, 16000) > band(bright, 150, 500) + 2, "bright tilts towards the highs");
  });

  it("generates only values inside the plug-in ranges, for words and blends", () => {
    const morphs = [
      [{ word: "warm", weight: 1 }],
      [{ word: "bright", weight: 1 }],
      [
        { word: "warm", weight: 0.3 },
        { word: "bright", weight: 0.7 },
      ],
      [{ word: "bright", weight: -1 }],
      [{ word: "warm", weight: 3 }],
      ...model.vocabulary.words().map((word) => [{ word: word.word, weight: 1 }]),
    ];
    for (const values of model.generateMany(morphs)) {
      for (const parameter of PARAMETERS) {
        const value = values[parameter.index]!;
        assert.ok(
          value >= parameter.pluginRange.min && value <= parameter.pluginRange.max,
          `${parameter.name} = ${value}`,
        );
      }
    }
  });

  it("brings back the settings with a high shelf above 10 kHz", () => {
    const high = dataset.rows.filter((row) => row.values[12]! > 10000);
    assert.ok(high.length >= 40, String(high.length));
    const errors = reconstruct(model, high).map((values, index) =>
      Math.abs(Math.log2(values[12]! / high[index]!.values[12]!)),
    );
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    assert.ok(mean <= 0.25, `mean high-shelf error ${mean.toFixed(3)} octaves`);
    assert.ok(
      Math.min(...reconstruct(model, high).map((values) => values[12]!)) > 7900,
      "the predecessor's 7.9 kHz ceiling is gone",
    );
  });

  it("describes people's warm and bright settings with their own word first, more often than not", () => {
    for (const word of ["warm", "bright"]) {
      const rows = dataset.rows.filter((row) => row.word === word);
      const named = rows.filter((row) => model.describe(row.values)[0]?.word === word).length;
      assert.ok(named / rows.length > 0.5, `${word}: named first for ${named} of ${rows.length} settings`);
    }
    assert.deepEqual(model.describe(model.generate([{ word: "warm", weight: 0.8 }]))[0]?.word, "warm");
  });
});
