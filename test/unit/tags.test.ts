import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  formatDocument,
  KEYWORDS,
  parsePresetDocument,
  resolvePresets,
  validateDocument,
  Vocabulary,
} from "../../server/src/core/index.js";

const vocabulary = new Vocabulary([{ word: "warm", examples: 500 }]);
const codes = (text: string) => validateDocument(parsePresetDocument(text), { vocabulary }).map((d) => d.code);

describe("tags", () => {
  it("makes a preset an example of each word, case-insensitively, with positions", () => {
    const text = 'preset "Kick" {\n  tags Punchy intimate\n  bell 80Hz +4dB\n}\n';
    const document = parsePresetDocument(text);
    assert.deepEqual(document.syntaxErrors, []);
    const [preset] = resolvePresets(document);
    assert.deepEqual(
      preset!.tags.map((tag) => [tag.text, tag.word, tag.range.start.line, tag.range.start.character]),
      [
        ["Punchy", "punchy", 1, 7],
        ["intimate", "intimate", 1, 14],
      ],
    );
    assert.equal(preset!.bands.length, 1);
  });

  it("keeps a tags line to its own line", () => {
    const [preset] = resolvePresets(parsePresetDocument('preset "A" {\n  tags punchy\n  bell 1kHz +2dB\n}\n'));
    assert.deepEqual(
      preset!.tags.map((tag) => tag.word),
      ["punchy"],
    );
    assert.equal(preset!.bands.length, 1);
  });

  it("reports empty, repeated and circular tags and tags on a flat preset", () => {
    assert.deepEqual(codes('preset "A" {\n  tags\n  bell 1kHz +2dB\n}\n'), ["empty-tags"]);
    assert.deepEqual(codes('preset "A" {\n  tags punchy PUNCHY\n  bell 1kHz +2dB\n}\n'), ["duplicate-tag"]);
    assert.deepEqual(codes('preset "A" {\n  morph warm\n  tags warm\n}\n'), ["tag-circular"]);
    assert.deepEqual(codes('preset "A" {\n  tags punchy\n  gain -1dB\n}\n'), ["tag-on-flat-preset"]);
    assert.deepEqual(codes('preset "A" {\n  tags punchy\n  bell 1kHz +2dB\n}\n'), []);
  });

  it("is formatted in lower case like morph words", () => {
    const text = 'preset "A" {\n    TAGS Punchy   Intimate\n  bell 1kHz +2dB\n}\n';
    assert.equal(
      formatDocument(parsePresetDocument(text), text),
      'preset "A" {\n  tags punchy intimate\n  bell 1kHz +2dB\n}\n',
    );
  });
});

describe("language facts", () => {
  it("the TextMate grammar colours every keyword of the one keyword list", () => {
    const grammar = readFileSync("syntaxes/eqpreset.tmLanguage.json", "utf8");
    const matched = new Set(
      [...grammar.matchAll(/\\\\b\(([a-z0-9|]+)\)\\\\b|\\\\b([a-z]+)\\\\b/g)].flatMap((m) =>
        (m[1] ?? m[2] ?? "").split("|"),
      ),
    );
    for (const keyword of KEYWORDS) assert.ok(matched.has(keyword), `the grammar has no rule for '${keyword}'`);
  });
});
