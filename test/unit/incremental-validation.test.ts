/**
 * Per-preset diagnostics reuse: EqServices.check, which reuses the diagnostics of presets an edit
 * left alone, must give exactly what a fresh validateDocument gives, after every seeded random
 * edit (edits that add lines, rename presets into duplicates, add second morphs, change the file's
 * sample rate), with the model's network loaded so that generated bands are checked too.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  EqServices,
  parseIncrementalDocument,
  resolvePresets,
  updateIncrementalDocument,
  validateDocument,
} from "../../server/src/core/index.js";
import { mulberry32 } from "../../server/src/core/model/index.js";
import { generatePresets, toPresetText } from "../bench/generate.js";
import { plain } from "../support/plain.js";

const EDITS = 400;

/** Edits that change what a preset's checks see, or what the file-level checks see. */
const SNIPPETS = [
  "\n",
  "  morph warm 0.5 bright 0.9\n",
  "  morph warm 2\n",
  "  bell 30kHz +2dB\n",
  "  highshelf 23kHz +3dB\n",
  "  samplerate 8kHz\n",
  "samplerate 22.05kHz\n",
  'preset "Preset 3" {\n  bell 1kHz 1\n}\n',
  "}",
  "{",
  "#",
  "  gain 40dB\n",
  "  bel 1kHz\n",
  "q 30",
];

describe("per-preset diagnostics reuse", () => {
  const services = new EqServices();
  before(async () => {
    await services.model.loadNetwork();
  });

  it(`gives a fresh check's diagnostics after each of ${EDITS} random edits`, () => {
    const start = toPresetText(generatePresets(300));
    const random = mulberry32(20261201);
    let text = start;
    let state = parseIncrementalDocument(text);
    for (let index = 0; index < EDITS; index++) {
      const lineStarts = state.lineStarts;
      const at = lineStarts[Math.floor(random() * lineStarts.length)]! + (random() < 0.3 ? 2 : 0);
      const snippet = SNIPPETS[Math.floor(random() * SNIPPETS.length)]!;
      const cut = random() < 0.3 ? Math.floor(random() * 30) : 0;
      text = index % 100 === 99 ? start : text.slice(0, at) + snippet + text.slice(Math.min(text.length, at + cut));
      state = updateIncrementalDocument(state, text);
      const ast = state.document;
      const reused = services.check({ text, ast, presets: resolvePresets(ast) });
      // A check from nothing: new services (no cache) on the same model.
      const fresh = new EqServices(services.model);
      const expected = fresh.check(fresh.read(text));
      assert.deepEqual(plain(reused), plain(expected), `edit ${index}`);
    }
  });

  it("checks a preset again when only the model changed", () => {
    // At 8 kHz the generated high shelf of "bright" is above Nyquist: an error only with a network.
    const text = 'preset "A" {\n  samplerate 8kHz\n  morph bright 1\n}\n';
    const meaning = services.read(text);
    const code = "generated-frequency-above-nyquist";
    assert.ok(services.check(meaning).some((diagnostic) => diagnostic.code === code));
    services.model.dispose();
    const without = services.check(meaning);
    assert.ok(!without.some((diagnostic) => diagnostic.code === code));
    assert.deepEqual(
      plain(without),
      plain(validateDocument(meaning.ast, services.validationContext(), meaning.presets)),
    );
  });
});
