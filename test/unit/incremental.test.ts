/**
 * Incremental parsing against a full parse: after every one of thousands of seeded random edits
 * (brace, quote, line-end and keyword edits among them), the document reusing the previous parse
 * must equal the document parsed from scratch, and an edit inside one preset must reparse only a
 * few lines.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  parseIncrementalDocument,
  parsePresetDocument,
  updateIncrementalDocument,
  type IncrementalDocument,
} from "../../server/src/core/language/index.js";
import { mulberry32 } from "../../server/src/core/model/index.js";
import { readSamples } from "../fuzz/generate.js";
import { generatePresets, toPresetText } from "../bench/generate.js";
import { plain } from "../support/plain.js";

const SEED = 20261201;
const EDITS = 4000;

/** What an editor does to a text: typing, deleting, pasting lines, and the edits that open or close a block or a name. */
const SNIPPETS = [
  "{",
  "}",
  '"',
  "\n",
  "\r\n",
  "\r",
  " ",
  "#",
  "//",
  ";",
  "q",
  "q 2",
  "1kHz",
  "-3dB",
  "+1.5 db",
  "0.5",
  "warm",
  "morph warm 0.5",
  "bell 1kHz +2dB q 1.4\n",
  "lowshelf 120Hz -3dB",
  "samplerate 44.1kHz\n",
  "gain -1dB\n",
  "tags punchy",
  'preset "X" {',
  'preset "X" {\n  bell 2kHz +1dB\n}\n',
  "preset ",
  "}\n",
  '"Y"',
  "\u0000",
  "é",
];

function randomEdit(text: string, random: () => number): string {
  const at = Math.floor(random() * (text.length + 1));
  const roll = random();
  if (roll < 0.35) {
    // Delete a short run, sometimes across lines.
    const length = 1 + Math.floor(random() * (random() < 0.8 ? 4 : 60));
    return text.slice(0, at) + text.slice(Math.min(text.length, at + length));
  }
  const snippet = SNIPPETS[Math.floor(random() * SNIPPETS.length)]!;
  if (roll < 0.85) return text.slice(0, at) + snippet + text.slice(at);
  // Replace a run with a snippet, as a paste over a selection does.
  const length = 1 + Math.floor(random() * 20);
  return text.slice(0, at) + snippet + text.slice(Math.min(text.length, at + length));
}

function checkEdits(start: string, edits: number, seed: number): { reparsedLines: number; edits: number } {
  const random = mulberry32(seed);
  let text = start;
  let state: IncrementalDocument = parseIncrementalDocument(text);
  let reparsedLines = 0;
  for (let index = 0; index < edits; index++) {
    // Now and then start again from the original, so the text does not drift into pure noise.
    const next = index % 200 === 199 ? start : randomEdit(text, random);
    state = updateIncrementalDocument(state, next);
    reparsedLines += state.parsedLines;
    const full = parsePresetDocument(next);
    if (!isDeepEqual(state.document, full)) {
      assert.deepEqual(
        state.document,
        full,
        `edit ${index} (seed ${seed}) from ${JSON.stringify(text)} to ${JSON.stringify(next)}`,
      );
    }
    text = next;
  }
  return { reparsedLines, edits };
}

/** Faster than assert.deepEqual on success, and as strict: a key holding undefined is kept, and NaN stays NaN. */
function isDeepEqual(a: unknown, b: unknown): boolean {
  const write = (value: unknown) =>
    JSON.stringify(value, (_key, field: unknown) =>
      field === undefined
        ? "<undefined>"
        : typeof field === "number" && !Number.isFinite(field)
          ? String(field)
          : field,
    );
  return write(a) === write(b);
}

describe("incremental parsing", () => {
  it(`gives the full parse's document after each of ${EDITS} random edits of the samples`, () => {
    const samples = readSamples();
    const perSample = Math.ceil(EDITS / samples.length);
    samples.forEach((sample, index) => checkEdits(sample.text, perSample, SEED + index));
  });

  it("gives the full parse's document after 200 random edits of a 600-line file, reparsing a few lines per edit", () => {
    const text = toPresetText(generatePresets(600));
    const { reparsedLines, edits } = checkEdits(text, 200, SEED + 100);
    // Most edits stay within one preset (~8 lines); the brace edits that open a block reparse more.
    assert.ok(reparsedLines / edits < 100, `${(reparsedLines / edits).toFixed(1)} lines reparsed per edit`);
  });

  it("reparses only the preset an edit inside it touches, and the positions after a new line move", () => {
    const text = toPresetText(generatePresets(2000));
    const state = parseIncrementalDocument(text);
    const line = text.split("\n").findIndex((entry, index) => index > 1000 && entry.includes("bell "));
    const lines = text.split("\n");
    lines[line] = lines[line]!.replace(/bell /, "bell 1kHz ");
    const edited = updateIncrementalDocument(state, lines.join("\n"));
    assert.ok(edited.parsedLines <= 20, `${edited.parsedLines} lines reparsed`);
    assert.deepEqual(plain(edited.document), plain(parsePresetDocument(lines.join("\n"))));
    lines.splice(line, 0, "  # a new comment line");
    const inserted = updateIncrementalDocument(edited, lines.join("\n"));
    assert.ok(inserted.parsedLines <= 20, `${inserted.parsedLines} lines reparsed`);
    assert.deepEqual(plain(inserted.document), plain(parsePresetDocument(lines.join("\n"))));
    // The chunks before the edit are the same objects: reused, not reparsed or copied.
    assert.equal(inserted.document.items[0], state.document.items[0]);
  });

  it("falls back to a full parse when an edit opens a block that takes in the rest of the file", () => {
    // Bare statements, one chunk per line: a `preset "X" {` above them takes them all in.
    const text = Array.from({ length: 2000 }, (_, index) => `bell ${index + 100}Hz +1dB\n`).join("");
    const state = parseIncrementalDocument(text);
    assert.equal(state.chunks.length, 2000);
    const opened = `bell 1kHz +1dB\npreset "X" {\n${text}`;
    const edited = updateIncrementalDocument(state, opened);
    assert.equal(edited.parsedLines, edited.lineStarts.length);
    assert.deepEqual(plain(edited.document), plain(parsePresetDocument(opened)));
    // Closing it again at the end stays bounded: the last chunk and the line before it.
    const closed = `${opened}}\n`;
    const again = updateIncrementalDocument(edited, closed);
    assert.deepEqual(plain(again.document), plain(parsePresetDocument(closed)));
  });
});
