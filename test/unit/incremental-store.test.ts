/**
 * The language server's path from an edit to its diagnostics reuses what the edit left alone: the
 * document store's incremental parse and resolved presets, the per-preset diagnostics kept by
 * preset object, the file-level diagnostics and the LSP conversions. After every seeded random
 * edit (new lines, duplicate names, second morphs, a changed file sample rate, broken braces, and
 * edits that change only a value), it must publish exactly what a fresh parse and validation give.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { EqServices } from "../../server/src/core/index.js";
import { mulberry32 } from "../../server/src/core/model/index.js";
import { toLspDiagnostic } from "../../server/src/lsp/features/diagnostics.js";
import { EqLanguageService } from "../../server/src/lsp/features/languageService.js";
import { generatePresets, toPresetText } from "../bench/generate.js";
import { plain } from "../support/plain.js";

const EDITS = 400;

/** Edits that change what a preset's checks see, or what the file-level checks see. */
const SNIPPETS = [
  "\n",
  "  morph warm 0.5 bright 0.9\n",
  "  bell 30kHz +2dB\n",
  "samplerate 22.05kHz\n",
  'preset "Preset 3" {\n  bell 1kHz 1\n}\n',
  "}",
  "{",
  "  gain 40dB\n",
  "  bel 1kHz\n",
];

describe("edit → diagnostics in the language service", () => {
  const services = new EqServices();
  const service = new EqLanguageService(services);
  before(async () => {
    await services.model.loadNetwork();
  });

  it(`gives a fresh validation's diagnostics after each of ${EDITS} random edits`, () => {
    const start = toPresetText(generatePresets(300));
    const random = mulberry32(20261202);
    let document = TextDocument.create("file:///bench/store.eqp", "eqpreset", 1, start);
    for (let index = 0; index < EDITS; index++) {
      const text = document.getText();
      const lines = text.split("\n");
      const line = Math.floor(random() * lines.length);
      const value = /[+-]?\d+(\.\d+)?dB|(?<=preset ")[^"]*/.exec(lines[line] ?? "");
      // Half the edits change one value or name in place, as typing over it does (a name taken
      // from the first presets makes duplicates, and undoes them).
      const edit =
        value && random() < 0.5
          ? {
              range: {
                start: { line, character: value.index },
                end: { line, character: value.index + value[0].length },
              },
              text: value[0].endsWith("dB")
                ? `${random() < 0.5 ? "+" : "-"}${Math.floor(random() * 30)}dB`
                : `Preset ${1 + Math.floor(random() * 5)}`,
            }
          : {
              range: { start: { line, character: 0 }, end: { line, character: random() < 0.3 ? 2 : 0 } },
              text: SNIPPETS[Math.floor(random() * SNIPPETS.length)]!,
            };
      document = TextDocument.update(document, [edit], document.version + 1);
      const published = service.diagnostics(document);
      // A check from nothing: new services (no cache) on the same model, the same file.
      const fresh = new EqServices(services.model);
      const expected = fresh.check(fresh.read(document.getText()), "/bench/store.eqp").map(toLspDiagnostic);
      assert.deepEqual(plain(published), plain(expected), `edit ${index}`);
    }
  });
});
