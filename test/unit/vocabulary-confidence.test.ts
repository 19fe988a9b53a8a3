/**
 * A word's confidence: split-half reliability against chance, the shipping rule, the ranking of
 * the vocabulary by confidence, and the one-line summary of a curve. Generated curves only.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  curveRegionsSummary,
  describeConfidence,
  logFrequencies,
  parseModelMetadata,
  SeededRandom,
  Vocabulary,
} from "../../server/src/core/index.js";
import {
  comparativeBases,
  judgeWord,
  splitHalfReliability,
  type Contributor,
} from "../../server/src/core/training/index.js";

const GRID = logFrequencies(48, 20, 20000);

/** A smooth random curve: a few random bumps, as people's EQ curves are. */
function randomCurve(random: SeededRandom): Float64Array {
  const bumps = [0, 1, 2].map(() => ({ at: random.uniform(0, 47), gain: random.uniform(-6, 6) }));
  return Float64Array.from(GRID, (_, i) =>
    bumps.reduce((sum, b) => sum + b.gain * Math.exp(-(((i - b.at) / 6) ** 2)), 0),
  );
}

/** A word's people: its own shape plus each person's noise. */
function people(count: number, shape: Float64Array, noise: number, random: SeededRandom): Contributor[] {
  return Array.from({ length: count }, () => {
    const mine = randomCurve(random);
    return { source: "socialfx" as const, curveDb: shape.map((value, i) => value + noise * mine[i]!) };
  });
}

describe("word confidence", () => {
  it("measures agreement: the same curve agrees fully, unrelated curves do not", () => {
    const random = new SeededRandom(3);
    const shape = randomCurve(random);
    assert.equal(
      splitHalfReliability(
        [shape, shape, shape].map((curve) => Float64Array.from(curve)),
        1,
      ),
      1,
    );
    assert.equal(splitHalfReliability([shape], 1), undefined);
    const unrelated = Array.from({ length: 40 }, () => randomCurve(random));
    assert.ok(Math.abs(splitHalfReliability(unrelated, 1)!) < 0.6);
  });

  it("ships a word many people agree on as high, and rejects a word whose people disagree", () => {
    const random = new SeededRandom(5);
    const pool = Array.from({ length: 300 }, () => randomCurve(random));
    const pools = { socialfx: pool };
    const shape = randomCurve(random);
    const agreed = judgeWord(
      { word: "bright", contributors: people(20, shape, 0.3, random), examples: { socialfx: 20 } },
      pools,
      1,
    );
    assert.equal(agreed.ships, true);
    assert.equal(agreed.confidence.level, "high");
    assert.ok(agreed.chance <= 0.01 && agreed.confidence.agreement! > 0.9, JSON.stringify(agreed));
    const noise = judgeWord(
      {
        word: "hello",
        contributors: pool.slice(0, 12).map((curveDb) => ({ source: "socialfx" as const, curveDb })),
        examples: { socialfx: 12 },
      },
      pools,
      1,
    );
    assert.notEqual(noise.confidence.level, "high");
    assert.notEqual(noise.confidence.level, "medium");
    const single = judgeWord(
      { word: "once", contributors: people(1, shape, 0, random), examples: { safe: 1 } },
      pools,
      1,
    );
    assert.equal(single.ships, false);
  });

  it("ranks the vocabulary by confidence and describes a confidence in words", () => {
    const vocabulary = new Vocabulary([
      { word: "warm", examples: 500, confidence: { sources: { safe: 500 }, agreement: 0.9, level: "medium" } },
      { word: "crisp", examples: 10, confidence: { sources: { socialfx: 10 }, agreement: 0.95, level: "high" } },
      { word: "cat", examples: 2, confidence: { sources: { socialfx: 2 }, agreement: 0.1, level: "low" } },
      { word: "dark", examples: 8, confidence: { sources: { socialfx: 8 }, agreement: 0.97, level: "high" } },
      { word: "plain", examples: 50 },
    ]);
    assert.deepEqual(
      vocabulary.byConfidence().map((info) => info.word),
      ["dark", "crisp", "warm", "cat", "plain"],
    );
    assert.equal(vocabulary.confidenceOf("CAT")?.level, "low");
    assert.equal(
      describeConfidence({ sources: { safe: 532, socialfx: 64 }, agreement: 0.974, level: "high" }),
      "high confidence: 532 SAFE-DB settings, 64 SocialFX curves, agreement 0.97",
    );
    assert.equal(describeConfidence({ sources: { socialfx: 1 }, level: "low" }), "low confidence: 1 SocialFX curve");
  });

  it("reads confidence and summary from metadata, and ignores a malformed confidence", () => {
    const metadata = parseModelMetadata({
      format: "eqpreset-model",
      formatVersion: 1,
      vocabulary: [
        { word: "warm", examples: 3, summary: "lifts 150–500 Hz", confidence: { sources: { safe: 3 }, level: "low" } },
        { word: "odd", examples: 3, confidence: { level: "sure" } },
      ],
    });
    assert.equal(metadata.vocabulary[0]!.summary, "lifts 150–500 Hz");
    assert.equal(metadata.vocabulary[0]!.confidence?.level, "low");
    assert.equal(metadata.vocabulary[1]!.confidence, undefined);
  });

  it("knows which base word a comparative compares", () => {
    assert.deepEqual(comparativeBases("brighter"), ["bright", "brighte"]);
    assert.ok(comparativeBases("bigger").includes("big"));
    assert.ok(comparativeBases("warmer").includes("warm"));
    assert.deepEqual(comparativeBases("bass"), []);
    assert.deepEqual(comparativeBases("ever"), []);
  });
});

describe("curve summary", () => {
  it("names cuts and lifts by their edges, in frequency order, largest three", () => {
    const curve = GRID.map((f) => (f < 150 ? -4 : f > 3000 && f < 8000 ? 5 : 0));
    assert.equal(curveRegionsSummary(GRID, curve), "cuts lows, lifts 3.4–7.1 kHz");
    assert.equal(
      curveRegionsSummary(
        GRID,
        GRID.map((f) => (f > 7000 ? 3 : 0)),
      ),
      "lifts highs",
    );
    assert.equal(
      curveRegionsSummary(
        GRID,
        GRID.map(() => 0.5),
      ),
      "nearly flat (within ±1.5 dB)",
    );
    assert.equal(
      curveRegionsSummary(
        GRID,
        GRID.map(() => -3),
      ),
      "cuts everything",
    );
  });
});
