/**
 * The fixed-seed fuzz run: 100,000 small documents (token soup and mutated samples) through parse,
 * validation, hover, completion, symbols, folding and formatting, and parse + validate time that
 * grows linearly with the size of a document. `npm run fuzz` runs longer; a failure prints the
 * seed and index that replay it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { EqLanguageService } from "../../server/src/lsp/features/languageService.js";
import { fuzzDocument, readSamples } from "../fuzz/generate.js";
import { describeFailure, runFuzz } from "../fuzz/runner.js";
import { isLinear } from "../fuzz/scaling.js";

const SEED = 20261124;
const DOCUMENTS = 100_000;

describe("fuzz", () => {
  it(`survives ${DOCUMENTS.toLocaleString("en")} seeded documents with every range inside the text`, (t) => {
    // A 100k-character line costs as much as ~300 small documents: a few dozen of them are enough here.
    const report = runFuzz({
      seed: SEED,
      count: DOCUMENTS,
      generate: { longLineRate: 0.0002 },
      probes: 2,
      maxFailures: 5,
    });
    t.diagnostic(
      `${report.documents} documents, ${(report.characters / 1e6).toFixed(1)} MB, ${report.formatted} without syntax errors (formatted twice), ${report.seconds.toFixed(1)} s`,
    );
    assert.deepEqual(report.failures.map(describeFailure), []);
    assert.equal(report.documents, DOCUMENTS);
    // The generator must keep producing valid documents too, or the formatting checks test nothing.
    assert.ok(report.formatted > DOCUMENTS / 20, `only ${report.formatted} documents without syntax errors`);
  });

  it("parses and validates in time linear in the size of a document", () => {
    const service = new EqLanguageService();
    const context = service.validationContext();
    const samples = readSamples();
    // Shapes where error recovery works hardest, then a sample of fuzz documents.
    const shapes = [
      'preset "A" {\n  bell 1kHz +1dB\n',
      "preset ",
      "} ",
      "{ ",
      '"',
      "\u0000",
      "morph warm 0.1 bright 0.2 ",
      "bell 1kHz +1dB q 1 ",
      "q ",
      ";",
      'preset "A" { bell } preset { "x 1kHz ; } } {',
      ...Array.from(
        { length: 15 },
        (_, index) => fuzzDocument(SEED, index * 997, samples, { maxSize: 400, longLine: 0, longLineRate: 0 }).text,
      ),
    ];
    const slow = shapes.flatMap((text) => {
      const { linear, scaling } = isLinear(text, context);
      return linear
        ? []
        : [
            `${JSON.stringify(text.slice(0, 80))}: ${scaling.sizes.join("/")} characters took ${scaling.times.map((ms) => ms.toFixed(1)).join("/")} ms`,
          ];
    });
    assert.deepEqual(slow, []);
  });

  it("answers a hover on an absurd but finite gain (bell 1kHz 1e20dB) without running out of memory", () => {
    for (const text of [
      'preset "A" {\n  bell 1kHz 1e20dB\n}\n',
      'preset "A" {\n  bell 1kHz +1dB\n  gain 1e300dB\n}\n',
    ]) {
      const result = spawnSync(
        process.execPath,
        [
          "--max-old-space-size=256",
          "--import",
          "tsx",
          path.join("test", "fuzz", "hoverOnce.ts"),
          JSON.stringify(text),
          "1",
          "3",
        ],
        {
          encoding: "utf8",
          timeout: 30_000,
        },
      );
      assert.equal(
        result.status,
        0,
        `hover on ${JSON.stringify(text)}: exit ${result.status} ${result.signal ?? ""} ${result.stderr.slice(-300)}`,
      );
      assert.ok(Number(result.stdout) < 100_000, `a hover of ${result.stdout.trim()} characters`);
    }
  });
});
