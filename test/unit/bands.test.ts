import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeNote, musicalNote, slotFor, Vocabulary } from "../../server/src/core/index.js";

describe("band facts", () => {
  it("names musical notes of frequencies", () => {
    assert.deepEqual(musicalNote(440), { name: "A4", cents: 0 });
    assert.deepEqual(musicalNote(261.63), { name: "C4", cents: 0 });
    assert.equal(describeNote(2500), "D#7 +8 cents");
    assert.equal(describeNote(100), "G2 +35 cents");
    assert.equal(musicalNote(0), undefined);
  });

  it("fills bell slots in order, then adds bells (any number since issue 20)", () => {
    assert.equal(slotFor("bell", 0)!.id, "bell1");
    assert.equal(slotFor("bell", 2)!.id, "bell3");
    assert.equal(slotFor("bell", 3)!.id, "bell");
    assert.equal(slotFor("highpass", 7)!.id, "highpass");
    assert.equal(slotFor("lowshelf", 1), undefined);
  });
});

describe("vocabulary", () => {
  const vocabulary = new Vocabulary([
    { word: "Warm", examples: 532 },
    { word: "bright", examples: 504 },
    { word: "brighter", examples: 5 },
  ]);

  it("normalises words", () => {
    assert.equal(vocabulary.lookup("  WARM ")!.examples, 532);
  });

  it("suggests near words only", () => {
    assert.equal(vocabulary.suggest("wram"), "warm");
    assert.equal(vocabulary.suggest("brigth"), "bright");
    assert.equal(vocabulary.suggest("xylophone"), undefined);
  });
});
