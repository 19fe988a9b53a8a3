/** A fixed test vocabulary, so that core tests do not depend on the shipped model. */
import { Vocabulary } from "../../server/src/core/index.js";

export const testVocabulary = new Vocabulary([
  { word: "warm", examples: 532 },
  { word: "bright", examples: 504 },
  { word: "clear", examples: 8 },
  { word: "airy", examples: 6 },
]);
