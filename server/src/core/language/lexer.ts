/**
 * Tokens of the EQ preset language, in one ordered list (order matters: longer and more
 * specific patterns first, keywords before the identifier they would otherwise match).
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f\u00a0\ufeff]+/,
  group: Lexer.SKIPPED,
});
export const Comment = createToken({ name: "Comment", pattern: /(?:#|\/\/)[^\n\r]*/, group: "comments" });

/** A word: a descriptor (`warm`) or, when it matches one exactly, a keyword. */
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_\-']*/ });

function keyword(name: string, word: string): TokenType {
  // Case-insensitive: `Bell` and `BELL` read as `bell`; the formatter writes lower case.
  return createToken({ name, pattern: new RegExp(word, "i"), longer_alt: Identifier });
}

export const Preset = keyword("Preset", "preset");
export const Morph = keyword("Morph", "morph");
export const LowShelf = keyword("LowShelf", "lowshelf");
export const Bell = keyword("Bell", "bell");
export const HighShelf = keyword("HighShelf", "highshelf");
export const HighPass = keyword("HighPass", "highpass");
export const LowPass = keyword("LowPass", "lowpass");
export const Notch = keyword("Notch", "notch");
/** `bell1`…`bell3`: a bell that replaces the morph's generated Bell 1, 2 or 3 (a plain `bell` adds). */
export const Bell1 = keyword("Bell1", "bell1");
export const Bell2 = keyword("Bell2", "bell2");
export const Bell3 = keyword("Bell3", "bell3");
export const SampleRate = keyword("SampleRate", "samplerate");
export const Gain = keyword("Gain", "gain");
export const QKeyword = keyword("QKeyword", "q");
export const Tags = keyword("Tags", "tags");
/** `use "VO clean" [from "dialogue.eqp"]`: the preset starts from another preset's whole chain. */
export const Use = keyword("Use", "use");
export const From = keyword("From", "from");

/**
 * A number with an optional unit glued to it or separated by spaces: `250Hz`, `2.5 kHz`, `-3dB`,
 * `+1.5 db`, `0.7`, a filter's slope `24dB/oct`. One token, so that `2.5kHz` never splits into a
 * number and a word.
 */
export const Quantity = createToken({
  name: "Quantity",
  pattern:
    /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?:[ \t]*(?:[kK][hH][zZ]|[hH][zZ]|[dD][bB]\/[oO][cC][tT]|[dD][bB]|[kK])(?![A-Za-z0-9_]))?/,
});
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"(?:[^"\\\r\n]|\\.)*"/ });
/** An opening quote with no closing quote on the same line: lexed so the parser can say what is wrong. */
export const UnterminatedString = createToken({ name: "UnterminatedString", pattern: /"(?:[^"\\\r\n]|\\.)*/ });
export const LCurly = createToken({ name: "LCurly", pattern: /\{/ });
export const RCurly = createToken({ name: "RCurly", pattern: /\}/ });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/ });

/**
 * Every keyword, once: the grammar's tokens, the reserved words, completion, the formatter and the
 * TextMate grammar's test all read this list.
 */
export const KEYWORD_SPECS = [
  // `bell1`…`bell3` before `bell`: a keyword's pattern would otherwise match their first letters.
  { token: Preset, word: "preset", statement: false, topLevelOnly: true },
  { token: Morph, word: "morph", statement: true, topLevelOnly: false },
  { token: LowShelf, word: "lowshelf", statement: true, topLevelOnly: false },
  { token: Bell1, word: "bell1", statement: true, topLevelOnly: false },
  { token: Bell2, word: "bell2", statement: true, topLevelOnly: false },
  { token: Bell3, word: "bell3", statement: true, topLevelOnly: false },
  { token: Bell, word: "bell", statement: true, topLevelOnly: false },
  { token: HighShelf, word: "highshelf", statement: true, topLevelOnly: false },
  { token: HighPass, word: "highpass", statement: true, topLevelOnly: false },
  { token: LowPass, word: "lowpass", statement: true, topLevelOnly: false },
  { token: Notch, word: "notch", statement: true, topLevelOnly: false },
  { token: SampleRate, word: "samplerate", statement: true, topLevelOnly: false },
  { token: Gain, word: "gain", statement: true, topLevelOnly: false },
  { token: Tags, word: "tags", statement: true, topLevelOnly: false },
  { token: Use, word: "use", statement: true, topLevelOnly: false },
  { token: From, word: "from", statement: false, topLevelOnly: false },
  { token: QKeyword, word: "q", statement: false, topLevelOnly: false },
] as const;

export type Keyword = (typeof KEYWORD_SPECS)[number]["word"];

export const keywordTokens: TokenType[] = KEYWORD_SPECS.map((spec) => spec.token);

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  UnterminatedString,
  LCurly,
  RCurly,
  Semicolon,
  Quantity,
  ...keywordTokens,
  Identifier,
];

export const eqLexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: true });

/** The words the grammar reserves; a descriptor can never be one of them. */
export const KEYWORDS: readonly Keyword[] = KEYWORD_SPECS.map((spec) => spec.word);

/** The keywords that start a statement (inside a preset or at file level). */
export const STATEMENT_KEYWORDS: readonly Keyword[] = KEYWORD_SPECS.filter((spec) => spec.statement).map(
  (spec) => spec.word,
);
