import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eqLexer } from "../../server/src/core/language/index.js";
import { readQuantity } from "../../server/src/core/language/index.js";

function kinds(text: string): string[] {
  return eqLexer.tokenize(text).tokens.map((token) => `${token.tokenType.name}:${token.image}`);
}

describe("lexer", () => {
  it("reads numbers with glued or spaced units as one token", () => {
    assert.deepEqual(kinds("bell 2.5kHz +3dB q 1.2"), [
      "Bell:bell",
      "Quantity:2.5kHz",
      "Quantity:+3dB",
      "QKeyword:q",
      "Quantity:1.2",
    ]);
    assert.deepEqual(kinds("lowshelf 120 Hz -3 db"), ["LowShelf:lowshelf", "Quantity:120 Hz", "Quantity:-3 db"]);
    assert.deepEqual(kinds("highshelf 10k"), ["HighShelf:highshelf", "Quantity:10k"]);
  });

  it("keeps words that start with a keyword as words", () => {
    assert.deepEqual(kinds("morph bells gainful"), ["Morph:morph", "Identifier:bells", "Identifier:gainful"]);
    assert.deepEqual(kinds("morph quiet"), ["Morph:morph", "Identifier:quiet"]);
  });

  it("reads keywords in any case", () => {
    assert.deepEqual(kinds("BELL Morph"), ["Bell:BELL", "Morph:Morph"]);
  });

  it("does not glue a unit to a following word", () => {
    assert.deepEqual(kinds("morph warm 1 dbx"), ["Morph:morph", "Identifier:warm", "Quantity:1", "Identifier:dbx"]);
  });

  it("puts comments in their own group and skips white space", () => {
    const result = eqLexer.tokenize("gain -1dB # trim\n// note");
    assert.deepEqual(
      result.tokens.map((token) => token.image),
      ["gain", "-1dB"],
    );
    assert.deepEqual(
      result.groups["comments"]!.map((token) => token.image),
      ["# trim", "// note"],
    );
  });

  it("reports characters it cannot read and goes on", () => {
    const result = eqLexer.tokenize("gain @ -1dB");
    assert.equal(result.errors.length, 1);
    assert.deepEqual(
      result.tokens.map((token) => token.image),
      ["gain", "-1dB"],
    );
  });

  it("splits quantities into value and unit", () => {
    assert.deepEqual(readQuantity("2.5kHz"), { number: 2.5, unit: "kHz", value: 2500 });
    assert.deepEqual(readQuantity("10k"), { number: 10, unit: "kHz", value: 10000 });
    assert.deepEqual(readQuantity("-3 DB"), { number: -3, unit: "dB", value: -3 });
    assert.deepEqual(readQuantity("0.7"), { number: 0.7, unit: undefined, value: 0.7 });
  });
});
