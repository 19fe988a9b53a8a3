/**
 * No dead ends for an unknown word (issue 21): the nearest known word by meaning, from a glossary
 * of the words sound designers use that the crowds never gave (nasal, sibilant, telephone), and
 * spelling suggestions only for what is a typo.
 *
 * The glossary maps each word to the shipped word whose generated curve does what glossaries of
 * EQ terms say the word means (chosen by reading the shipped words' curve summaries), with the
 * region it names; test/unit/synonyms.test.ts checks every target is a shipped timbre word. A
 * word the glossary knows gets its meaning and never a spelling guess: by spelling, hollow is two
 * edits from mellow and crunchy two from punchy, and both mean something else.
 */
import { editDistance, type Vocabulary } from "./vocabulary.js";

export interface AudioSynonym {
  /** The shipped word nearest in meaning. */
  word: string;
  /** What the unknown word names, as glossaries of EQ terms describe it. */
  means: string;
}

const NASAL: AudioSynonym = { word: "radio", means: "a honky, nasal lift around 1 kHz, thin below" };
const SIBILANT: AudioSynonym = { word: "harsh", means: "the 'ss' region, 4–8 kHz" };
const TELEPHONE: AudioSynonym = { word: "radio", means: "a band-limited voice: no lows, no highs" };
const MUFFLED: AudioSynonym = { word: "muffled", means: "highs and upper mids taken away" };
const MUD: AudioSynonym = { word: "muddy", means: "too much 200–500 Hz" };
const RUMBLE: AudioSynonym = { word: "sub", means: "the lowest octave lifted" };
const BOOM: AudioSynonym = { word: "boomy", means: "a resonant low end, 80–200 Hz" };
const AIR: AudioSynonym = { word: "airy", means: "a lift above 10 kHz" };
const HARSH: AudioSynonym = { word: "harsh", means: "a hard lift at 2–6 kHz" };
const GRIT: AudioSynonym = { word: "raspy", means: "a mid-focused, rough edge without lows or highs" };

/** Unknown word → nearest known word by meaning. */
export const AUDIO_SYNONYMS: Readonly<Record<string, AudioSynonym>> = {
  nasal: NASAL,
  nasally: NASAL,
  honky: NASAL,
  honk: NASAL,
  sibilant: SIBILANT,
  sibilance: SIBILANT,
  essy: SIBILANT,
  esses: SIBILANT,
  telephone: TELEPHONE,
  phone: TELEPHONE,
  "lo-fi": TELEPHONE,
  lofi: TELEPHONE,
  megaphone: TELEPHONE,
  walkie: TELEPHONE,
  intercom: TELEPHONE,
  underwater: MUFFLED,
  muted: MUFFLED,
  smothered: MUFFLED,
  covered: MUFFLED,
  mud: MUD,
  murky: MUD,
  woolly: MUD,
  wooly: MUD,
  rumble: RUMBLE,
  rumbly: RUMBLE,
  subby: RUMBLE,
  tubby: BOOM,
  woofy: BOOM,
  boomier: BOOM,
  breathy: AIR,
  silky: AIR,
  sparkle: AIR,
  sparkly: AIR,
  shimmer: AIR,
  glassy: AIR,
  piercing: HARSH,
  strident: HARSH,
  brittle: HARSH,
  edgy: HARSH,
  abrasive: HARSH,
  crunchy: GRIT,
  crunch: GRIT,
  gritty: GRIT,
  dirty: GRIT,
  hollow: { word: "thin", means: "scooped: the body missing, the lows thin" },
  scooped: { word: "thin", means: "the body and low mids taken away" },
  cardboard: { word: "boxy", means: "a boxy resonance around 300–600 Hz" },
  sizzle: { word: "fizz", means: "a bright, fizzy top" },
  bite: { word: "cutting", means: "upper mids that cut through" },
  far: { word: "distant", means: "far away" },
  faraway: { word: "distant", means: "far away" },
  thump: { word: "punchy", means: "a low-end punch" },
  round: { word: "warm", means: "full lows, soft highs" },
};

/** A way forward for an unknown word: the word to put instead, and why. */
export interface WayForward {
  replacement: string;
  why: "meaning" | "spelling";
  /** For a meaning: what the unknown word names. */
  means?: string;
}

/** A typo is at most this many edits away (optimal string alignment). */
export const MAX_TYPO_EDITS = 2;

/** The nearest known word by meaning (glossary), or else by spelling when it is a typo. */
export function waysForward(word: string, vocabulary: Vocabulary): WayForward[] {
  const key = word.trim().toLowerCase();
  const synonym = Object.hasOwn(AUDIO_SYNONYMS, key) ? AUDIO_SYNONYMS[key] : undefined;
  if (synonym) return vocabulary.lookup(synonym.word) ? [{ replacement: synonym.word, why: "meaning", means: synonym.means }] : [];
  const suggestion = vocabulary.suggest(key);
  return suggestion && editDistance(key, suggestion) <= MAX_TYPO_EDITS ? [{ replacement: suggestion, why: "spelling" }] : [];
}
