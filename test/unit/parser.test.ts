import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  parsePresetDocument,
  resolvePresets,
  type BandStatement,
  type MorphStatement,
  type PresetBlock,
} from "../../server/src/core/index.js";
import { plain } from "../support/plain.js";

describe("parser", () => {
  it("parses a one-line file as one unnamed preset", () => {
    const document = parsePresetDocument("morph warm 0.3 bright 0.7");
    assert.deepEqual(document.syntaxErrors, []);
    const [preset] = resolvePresets(document);
    assert.equal(preset!.name, undefined);
    assert.deepEqual(
      preset!.morph!.terms.map((term) => [term.word, term.weight?.value]),
      [
        ["warm", 0.3],
        ["bright", 0.7],
      ],
    );
  });

  it("parses preset blocks, bands, sample rate and trim with positions", () => {
    const text =
      'samplerate 48kHz\npreset "Dialogue" {\n  lowshelf 120Hz -3dB\n  bell 2.5kHz +3dB q 1.2\n  highshelf 10kHz +1.5dB\n  gain -1dB\n}\n';
    const document = parsePresetDocument(text);
    assert.deepEqual(document.syntaxErrors, []);
    const preset = document.items[1] as PresetBlock;
    assert.equal(preset.name, "Dialogue");
    assert.deepEqual(plain(preset.nameRange), { start: { line: 1, character: 7 }, end: { line: 1, character: 17 } });
    const bell = preset.statements[1] as BandStatement;
    assert.equal(bell.bandType, "bell");
    assert.equal(bell.frequency!.value, 2500);
    assert.equal(bell.gain!.value, 3);
    assert.equal(bell.q!.value, 1.2);
    assert.deepEqual(plain(bell.keywordRange), { start: { line: 3, character: 2 }, end: { line: 3, character: 6 } });
    const [resolved] = resolvePresets(document);
    assert.equal(resolved!.sampleRate, 48000);
    assert.equal(resolved!.outputGainDb, -1);
    assert.deepEqual(
      resolved!.bands.map((band) => band.slot.id),
      ["lowShelf", "bell1", "highShelf"],
    );
  });

  it("accepts band parameters in any order", () => {
    const document = parsePresetDocument("bell q 2 -4dB 800Hz");
    const band = document.items[0] as BandStatement;
    assert.equal(band.frequency!.value, 800);
    assert.equal(band.gain!.value, -4);
    assert.equal(band.q!.value, 2);
  });

  it("ends a morph at the end of its line", () => {
    const document = parsePresetDocument("morph warm 0.5\nbright 0.5");
    assert.equal((document.items[0] as MorphStatement).terms.length, 1);
    assert.equal(document.items[1]!.kind, "unknown");
  });

  it("names negative weights", () => {
    const morph = parsePresetDocument("morph bright -0.4").items[0] as MorphStatement;
    assert.equal(morph.terms[0]!.weight!.value, -0.4);
  });

  it("reads escaped quotes in preset names", () => {
    const preset = parsePresetDocument('preset "The \\"big\\" one" {\n}').items[0] as PresetBlock;
    assert.equal(preset.name, 'The "big" one');
  });
});

describe("parser recovery", () => {
  it("keeps the presets after a broken line", () => {
    const text = 'preset "A" {\n  bell 1kHz +3dB q\n  bell ]] 2kHz\n}\npreset "B" {\n  lowshelf 100Hz -2dB\n}\n';
    const document = parsePresetDocument(text);
    assert.ok(document.syntaxErrors.length > 0);
    const names = document.items
      .filter((item): item is PresetBlock => item.kind === "preset")
      .map((preset) => preset.name);
    assert.deepEqual(names, ["A", "B"]);
    const b = document.items[1] as PresetBlock;
    assert.equal((b.statements[0] as BandStatement).frequency!.value, 100);
  });

  it("reports a missing closing brace at the end and keeps the statements", () => {
    const document = parsePresetDocument('preset "A" {\n  bell 1kHz +3dB');
    assert.equal(document.syntaxErrors.length, 1);
    assert.match(document.syntaxErrors[0]!.message, /Expected '}' to close the preset/);
    assert.deepEqual(document.syntaxErrors[0]!.range.start, { line: 1, character: 16 });
    const preset = document.items[0] as PresetBlock;
    assert.equal(preset.closed, false);
    assert.equal(preset.statements.length, 1);
  });

  it("reports a stray closing brace and goes on", () => {
    const document = parsePresetDocument("}\nmorph warm");
    assert.match(document.syntaxErrors[0]!.message, /Unexpected '}'/);
    assert.equal(document.items[0]!.kind, "morph");
  });

  it("reports a preset without a name where the name should be", () => {
    const document = parsePresetDocument("preset {\n  bell 1kHz +1dB\n}");
    assert.match(document.syntaxErrors[0]!.message, /preset's name in quotes/);
    assert.deepEqual(document.syntaxErrors[0]!.range.start, { line: 0, character: 7 });
  });

  it("reports an unterminated name", () => {
    const document = parsePresetDocument('preset "Open {\n  bell 1kHz +1dB\n}');
    assert.ok(document.syntaxErrors.some((error) => /no closing quote/.test(error.message)));
  });

  it("never throws, whatever the input", () => {
    for (const text of [
      "",
      "\0\0",
      '"',
      "{{{{",
      "}}}}",
      "preset",
      'preset "x"',
      "bell bell bell",
      "morph 1 2 3",
      "q q q",
      "1e999Hz",
      "\u{1F600} bell",
    ]) {
      assert.doesNotThrow(() => parsePresetDocument(text), text);
    }
  });
});
