/** The glossary of audio synonyms (synonyms.ts) against the bundled vocabulary. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AUDIO_SYNONYMS,
  bundledModelDir,
  isTimbreWord,
  readModelMetadata,
  Vocabulary,
  waysForward,
} from "../../server/src/core/index.js";

const vocabulary = new Vocabulary(readModelMetadata(bundledModelDir()).vocabulary);

describe("audio synonyms", () => {
  it("point every glossary word at a shipped timbre word, by meaning only", () => {
    for (const [word, synonym] of Object.entries(AUDIO_SYNONYMS)) {
      assert.ok(vocabulary.lookup(synonym.word), `${word} → ${synonym.word} is not shipped`);
      assert.ok(isTimbreWord(synonym.word), synonym.word);
      assert.ok(!vocabulary.lookup(word), `${word} is shipped itself`);
      assert.deepEqual(waysForward(word, vocabulary), [
        { replacement: synonym.word, why: "meaning", means: synonym.means },
      ]);
    }
  });

  it("keeps spelling suggestions for typos within two edits", () => {
    assert.deepEqual(waysForward("wram", vocabulary), [{ replacement: "warm", why: "spelling" }]);
    assert.deepEqual(waysForward("enerjetikk", vocabulary), []);
  });
});
