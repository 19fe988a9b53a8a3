/**
 * The scanner the parser runs (scanner.ts) against the Chevrotain lexer that defines the tokens
 * (lexer.ts): the same tokens with the same positions, the same comments and the same errors (and
 * the line count document.ts would measure), on fuzz documents and on soups of the characters
 * where the patterns are subtle.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ILexingResult, IToken } from "chevrotain";
import { eqLexer, lineExtent, readQuantity } from "../../server/src/core/language/index.js";
import { scan, type ScannedToken } from "../../server/src/core/language/scanner.js";
import { SeededRandom } from "../../server/src/core/model/index.js";
import { fuzzDocument, readSamples } from "../fuzz/generate.js";

function plain(token: IToken): unknown[] {
  return [
    token.tokenType.name,
    token.tokenTypeIdx,
    token.image,
    token.startOffset,
    token.endOffset,
    token.startLine,
    token.endLine,
    token.startColumn,
    token.endColumn,
  ];
}

function shown(result: ILexingResult): unknown {
  return {
    tokens: result.tokens.map(plain),
    comments: (result.groups["comments"] ?? []).map(plain),
    errors: result.errors,
  };
}

function assertSameAsLexer(text: string): void {
  const scanned = scan(text);
  // The number and unit the scanner reads on the way are what readQuantity makes of the text.
  const numbers = scanned.tokens.map((token) => {
    const { number, unit } = token as ScannedToken;
    return token.tokenType.name === "Quantity" ? { number, unit } : { number: Number.NaN, unit: undefined };
  });
  const read = scanned.tokens.map((token) => {
    if (token.tokenType.name !== "Quantity") return { number: Number.NaN, unit: undefined };
    const { number, unit } = readQuantity(token.image);
    return { number, unit };
  });
  assert.deepEqual(numbers, read, JSON.stringify(text));
  assert.deepEqual(shown(scanned), shown(eqLexer.tokenize(text)), JSON.stringify(text));
  const { lineCount, lastLineLength } = lineExtent(text);
  assert.deepEqual([scanned.lineCount, scanned.lastLineLength], [lineCount, lastLineLength], JSON.stringify(text));
  assert.deepEqual(
    scanned.unterminated,
    scanned.tokens.filter((token) => token.tokenType.name === "UnterminatedString"),
    JSON.stringify(text),
  );
}

/** Characters around which the patterns decide: signs, dots, exponents, units, quotes and escapes, line ends. */
const PIECES = [
  ..." \t\r\n\f\u00a0\ufeff\u2028\u0000{};#/\"\\'_-+.eEkKhHzZdDbBqQx19",
  "kHz",
  "Hz",
  "dB",
  "db",
  "1e5",
  "2.5",
  ".5",
  "\r\n",
  "//",
  "bell",
  "BELL",
  "q",
  "preset",
  "morph",
  "gain",
  "samplerate",
  "tags",
  "lowshelf",
  "highshelf",
  "é",
  "😀",
  "@",
];

describe("scanner", () => {
  it("reads the samples and fuzz documents as the Chevrotain lexer does", () => {
    for (const sample of readSamples()) assertSameAsLexer(sample.text);
    const samples = readSamples();
    for (let index = 0; index < 3000; index++) assertSameAsLexer(fuzzDocument(20261201, index, samples).text);
  });

  it("reads soups of the tricky characters as the Chevrotain lexer does", () => {
    const random = new SeededRandom(7);
    for (let index = 0; index < 20000; index++) {
      let text = "";
      const length = 1 + Math.floor(random.next() * 12);
      for (let piece = 0; piece < length; piece++) text += PIECES[Math.floor(random.next() * PIECES.length)];
      assertSameAsLexer(text);
    }
  });

  it("reads the edge cases of numbers, units, names and comments as the Chevrotain lexer does", () => {
    for (const text of [
      "",
      "1",
      "1.",
      "+.5e-3kHz",
      "1e",
      "1e+",
      "2 k2",
      "3 khzx",
      "3\tdb",
      "4 \tHz;",
      "- 1",
      '"a\\"b" "c\\',
      '"open\r\nnext',
      "# note\r// other\nbell",
      "/ x",
      "\u0000\u0001 @@ bell",
      "q'x bells Bell- _x",
      "-0 -0.0dB 0.1 0.3 1.25 2.675 9007199254740993 123456789012345.6 0.0000000000000000000000001 1.5e3 07.50kHz",
    ])
      assertSameAsLexer(text);
  });

  it("reads every decimal of up to six places exactly as parseFloat does", () => {
    const random = new SeededRandom(11);
    for (let index = 0; index < 20000; index++) {
      const places = Math.floor(random.next() * 7);
      const text = `${random.next() < 0.5 ? "-" : "+"}${(random.next() * 10 ** (1 + (index % 6))).toFixed(places)}dB`;
      const [token] = scan(text).tokens as ScannedToken[];
      assert.equal(Object.is(token!.number, Number.parseFloat(text)), true, text);
    }
  });

  it("reuses its tokens: a second scan leaves no string of the first one in the tokens it did not use", () => {
    scan("bell 1kHz +2dB q 1.4 # long line");
    const first = scan("a b c d e f g").tokens[6];
    assert.equal(first?.image, "g");
    scan("x");
    assert.equal(first?.image, "");
  });
});
