import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EqBand } from "../../server/src/core/eq/index.js";
import { formatDescription } from "../../server/src/core/model/describePreset.js";

const filter = (slot: EqBand["slot"], frequencyHz: number): EqBand => ({ slot, frequencyHz, gainDb: 0, q: 0.7 });

describe("describe names pass filters and notches as filters", () => {
  it("appends them after the words, with the article as the number is spoken", () => {
    const bands = [
      { slot: "bell1", frequencyHz: 800, gainDb: 2, q: 1 } satisfies EqBand,
      filter("highpass", 300),
      filter("lowpass", 3400),
      filter("notch", 80),
      filter("notch", 110),
    ];
    assert.equal(
      formatDescription([{ word: "thin", weight: 0.8 }], bands),
      "0.8 thin, with a 300 Hz high-pass, a 3.4 kHz low-pass, an 80 Hz notch and a 110 Hz notch",
    );
  });

  it("names a filter when no word comes close, and nothing more for bells and shelves", () => {
    assert.equal(
      formatDescription([], [filter("lowpass", 18000)]),
      "no word of the model comes close, with an 18 kHz low-pass",
    );
    assert.equal(
      formatDescription([{ word: "warm", weight: 0.7 }], [{ slot: "bell2", frequencyHz: 1000, gainDb: 3, q: 1 }]),
      "0.7 warm",
    );
  });
});
