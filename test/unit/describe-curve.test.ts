/**
 * Naming a curve with words (describeCurve.ts): non-negative weights over the words' curves, a
 * price per weight that a rare word pays more, words ordered by how much of the curve they make.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeCurve, type WordCurve } from "../../server/src/core/model/index.js";

const POINTS = 64;
/** A bump of `gainDb` centred at `centre` (0–1 along the grid), `width` wide. */
function bump(centre: number, width: number, gainDb: number): Float64Array {
  return Float64Array.from(
    { length: POINTS },
    (_, i) => gainDb * Math.exp(-(((i / (POINTS - 1) - centre) / width) ** 2)),
  );
}
function sum(...curves: Float64Array[]): Float64Array {
  return Float64Array.from({ length: POINTS }, (_, i) => curves.reduce((total, curve) => total + curve[i]!, 0));
}
const scaled = (curve: Float64Array, by: number) => curve.map((value) => value * by);

describe("describeCurve", () => {
  const low = bump(0.15, 0.12, 6);
  const high = bump(0.85, 0.12, 6);
  const small = bump(0.5, 0.1, 1);
  // Known from so many examples that the price of a weight is negligible here.
  const words: WordCurve[] = [
    { word: "lowish", examples: 1e8, curveDb: low },
    { word: "highish", examples: 1e8, curveDb: high },
    { word: "middling", examples: 1e8, curveDb: small },
  ];

  it("names the words a curve is made of, the larger part first, whatever the weights", () => {
    // middling takes a weight of 2 but makes 2 dB of the curve; highish at 0.6 makes 3.6 dB.
    const terms = describeCurve(sum(scaled(high, 0.6), scaled(small, 2)), words);
    assert.deepEqual(
      terms.map((term) => term.word),
      ["highish", "middling"],
    );
    assert.ok(Math.abs(terms[0]!.weight - 0.6) < 0.1, JSON.stringify(terms));
    assert.ok(terms[1]!.weight > terms[0]!.weight, JSON.stringify(terms));
  });

  it("never names a word against its direction: a cut is not described by a lift", () => {
    const terms = describeCurve(scaled(low, -1), words);
    assert.deepEqual(terms, []);
  });

  it("prefers the word known from more examples when two curves are alike", () => {
    const twins: WordCurve[] = [
      { word: "rare", examples: 2, curveDb: low },
      { word: "common", examples: 500, curveDb: low },
    ];
    const terms = describeCurve(low, twins);
    assert.equal(terms[0]?.word, "common", JSON.stringify(terms));
    assert.ok(!terms.some((term) => term.word === "rare"), JSON.stringify(terms));
  });

  it("names nothing for a flat curve and at most maxWords words", () => {
    assert.deepEqual(describeCurve(new Float64Array(POINTS), words), []);
    assert.equal(describeCurve(sum(low, high, scaled(small, 3)), words, 2).length, 2);
  });
});
