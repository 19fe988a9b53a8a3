/**
 * Which words describe a sound (timbre: warm, boxy, harsh) and which do not (a feeling, a
 * reaction, an object, a genre, a tempo, a level: sad, love, cat, rock). The crowds gave both
 * kinds, and both stay valid in presets; completion offers timbre words first and `describe`
 * names only them (issue 21).
 *
 * The rule: a word is timbre when audio-engineering glossaries of EQ and timbre descriptors use it
 * for the spectral character of a sound — its tonal balance (warm, bright, dark), a frequency
 * region (bass, presence, air), a texture of the spectrum (harsh, grainy, fizz) or the sound of a
 * space or device that EQ imitates (radio, distant, vintage). It is not timbre when it names how
 * the listener feels or judges (sad, soothing, pretty), an object or style (cat, rock, classic), a
 * tempo or rhythm (fast, throbbing), a level (loud, quiet) or an intensity without a region
 * (super, boost). Every shipped word's decision is listed below with its reason; a word of
 * another model or of a team that is in neither list counts as timbre (nothing speaks against it).
 * The measured check (model/README.md, test/unit/timbre.test.ts): timbre words are the ones the
 * crowds agree on more.
 */

export type TimbreReason = "tonal balance" | "frequency region" | "texture" | "space or device";
export type OtherReason = "feeling" | "reaction or value" | "object or style" | "tempo or rhythm" | "level" | "intensity";

/** Timbre words of the bundled vocabulary, each with the kind of description it is. */
export const TIMBRE_WORDS: Readonly<Record<string, TimbreReason>> = {
  warm: "tonal balance",
  bright: "tonal balance",
  cold: "tonal balance",
  soft: "tonal balance",
  clear: "tonal balance",
  harsh: "texture",
  smooth: "texture",
  heavy: "tonal balance",
  tinny: "tonal balance",
  dark: "tonal balance",
  deep: "tonal balance",
  sharp: "texture",
  crisp: "texture",
  full: "tonal balance",
  hard: "texture",
  airy: "frequency region",
  gentle: "tonal balance",
  hot: "tonal balance",
  mellow: "tonal balance",
  thin: "tonal balance",
  boomy: "frequency region",
  light: "tonal balance",
  muddy: "frequency region",
  muffled: "tonal balance",
  noisy: "texture",
  shrill: "texture",
  boxy: "frequency region",
  dull: "tonal balance",
  bassy: "frequency region",
  clicky: "texture",
  punchy: "texture",
  radio: "space or device",
  air: "frequency region",
  buzz: "texture",
  presence: "frequency region",
  raspy: "texture",
  toppy: "frequency region",
  bass: "frequency region",
  big: "tonal balance",
  boom: "frequency region",
  brassy: "texture",
  chunky: "tonal balance",
  cutting: "texture",
  distant: "space or device",
  dry: "space or device",
  fat: "tonal balance",
  fizz: "texture",
  grainy: "texture",
  high: "frequency region",
  "high-pitched": "frequency region",
  metallic: "texture",
  midboost: "frequency region",
  notchy: "texture",
  pure: "texture",
  sub: "frequency region",
  thick: "tonal balance",
  twangy: "texture",
  vintage: "space or device",
};

/** Words of the bundled vocabulary that do not describe a sound, each with what they describe instead. */
export const OTHER_WORDS: Readonly<Record<string, OtherReason>> = {
  loud: "level",
  quiet: "level",
  happy: "feeling",
  sad: "feeling",
  calm: "feeling",
  soothing: "feeling",
  peaceful: "feeling",
  relaxing: "feeling",
  serene: "feeling",
  scary: "feeling",
  love: "feeling",
  hate: "feeling",
  romantic: "feeling",
  emotional: "feeling",
  excited: "feeling",
  uplifting: "feeling",
  upbeat: "feeling",
  wistful: "feeling",
  sinister: "feeling",
  mischievous: "feeling",
  energetic: "feeling",
  aggravating: "reaction or value",
  jarring: "reaction or value",
  sweet: "reaction or value",
  elegant: "reaction or value",
  enchanting: "reaction or value",
  pleasing: "reaction or value",
  pretty: "reaction or value",
  cute: "reaction or value",
  fresh: "reaction or value",
  vibrant: "reaction or value",
  bold: "reaction or value",
  melodic: "object or style",
  melodious: "object or style",
  rock: "object or style",
  classic: "object or style",
  cat: "object or style",
  roar: "object or style",
  large: "intensity",
  super: "intensity",
  boost: "intensity",
  fast: "tempo or rhythm",
  slow: "tempo or rhythm",
  throbbing: "tempo or rhythm",
};

/** True unless the word is listed as describing something other than a sound. */
export function isTimbreWord(word: string): boolean {
  return !Object.hasOwn(OTHER_WORDS, word.trim().toLowerCase());
}
