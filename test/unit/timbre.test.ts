/**
 * The timbre classification of the bundled vocabulary (timbre.ts): every shipped word decided
 * once, the decision measured against the crowds' agreement, and `describe` naming timbre words only.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  bundledModelDir,
  isTimbreWord,
  OTHER_WORDS,
  readModelMetadata,
  TIMBRE_WORDS,
  type SemanticModel,
} from "../../server/src/core/index.js";
import { initBackend } from "../../server/src/core/network/backend.js";
import { loadSemanticModel } from "../../server/src/core/network/modelFolder.js";

const vocabulary = readModelMetadata(bundledModelDir()).vocabulary;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe("timbre words", () => {
  it("decides every shipped word exactly once, and lists no word the model does not ship", () => {
    const shipped = new Set(vocabulary.map((info) => info.word));
    for (const word of shipped)
      assert.ok(
        Object.hasOwn(TIMBRE_WORDS, word) !== Object.hasOwn(OTHER_WORDS, word),
        `${word}: decided ${Object.hasOwn(TIMBRE_WORDS, word) ? "twice" : "never"}`,
      );
    for (const word of [...Object.keys(TIMBRE_WORDS), ...Object.keys(OTHER_WORDS)]) assert.ok(shipped.has(word), word);
    for (const word of ["warm", "boxy", "harsh", "muddy", "radio"]) assert.ok(isTimbreWord(word), word);
    for (const word of ["sad", "love", "cat", "rock", "fast", "happy"]) assert.ok(!isTimbreWord(word), word);
    assert.ok(isTimbreWord("a-team-word"), "a word in neither list counts as timbre");
  });

  it("agrees with the crowds: timbre words are the ones people agree on more (measured)", () => {
    const agreement = (timbre: boolean) =>
      vocabulary.filter((info) => isTimbreWord(info.word) === timbre).map((info) => info.confidence?.agreement ?? 0);
    const timbre = median(agreement(true));
    const other = median(agreement(false));
    // Measured on the bundled model: 58 timbre words, median agreement 0.83; 44 others, 0.73.
    assert.ok(timbre > other + 0.05, `timbre ${timbre}, other ${other}`);
    const safeShare = (timbreWords: boolean) => {
      const words = vocabulary.filter((info) => isTimbreWord(info.word) === timbreWords);
      return words.filter((info) => (info.confidence?.sources.safe ?? 0) > 0).length / words.length;
    };
    // SAFE-DB's people were describing an EQ they had set: 40 of 58 timbre words, 8 of 44 others.
    assert.ok(
      safeShare(true) > 2 * safeShare(false),
      `SAFE-DB share: timbre ${safeShare(true)}, other ${safeShare(false)}`,
    );
  });
});

describe("describe names timbre words only", () => {
  let model: SemanticModel;
  before(async () => {
    await initBackend();
    model = loadSemanticModel(path.resolve("model")).model;
  });
  after(() => model.dispose());

  it("never names a feeling, a tempo or a level, even for the settings those words generate", () => {
    for (const word of ["sad", "calm", "soothing", "fast", "loud", "energetic", "quiet"]) {
      const named = model.describe(model.generate([{ word, weight: 1 }]));
      for (const term of named) assert.ok(isTimbreWord(term.word), `${word} is described as ${JSON.stringify(named)}`);
    }
  });
});
