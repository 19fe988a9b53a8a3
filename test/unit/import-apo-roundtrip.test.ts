/**
 * `eqp import` takes every APO filter a preset can express as it is, however many: import → export
 * apo → import gives the same preset, and the exported file the same filters as the original.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { effectiveBands, parsePresetDocument, resolvePresets } from "../../server/src/core/index.js";
import { EXPORT_TARGETS } from "../../server/src/core/export/index.js";
import { apoToPreset, parseApo } from "../../server/src/core/import/index.js";

/** A deterministic pseudo-random sequence, so that a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** An AutoEQ-style file of `count` filters, each of a type the language expresses, at most one shelf each side. */
function generatedFile(seed: number, count: number): string {
  const next = random(seed);
  const hz = () => Math.round(20 * 1000 ** next());
  const gain = () => (Math.round(next() * 240) / 10 - 12 || 1).toFixed(1);
  const q = () => (0.3 + Math.round(next() * 500) / 100).toFixed(2);
  const lines = [`Preamp: ${(-Math.round(next() * 80) / 10).toFixed(1)} dB`];
  const makers = [
    () => `PK Fc ${hz()} Hz Gain ${gain()} dB Q ${q()}`,
    () => `HPQ Fc ${hz()} Hz Q ${q()}`,
    () => `LPQ Fc ${hz()} Hz Q ${q()}`,
    () => `HP Fc ${hz()} Hz`,
    () => `LP Fc ${hz()} Hz`,
    () => `NO Fc ${hz()} Hz Q ${q()}`,
  ];
  if (next() < 0.7) lines.push(`LSC Fc ${hz()} Hz Gain ${gain()} dB Q 0.71`);
  if (next() < 0.7) lines.push(`HSC Fc ${hz()} Hz Gain ${gain()} dB Q 0.71`);
  while (lines.length < count + 1) lines.push(makers[Math.floor(next() * makers.length)]!());
  return `${lines.map((line, index) => (index === 0 ? line : `Filter ${index}: ON ${line}`)).join("\n")}\n`;
}

function imported(text: string) {
  const result = apoToPreset(parseApo(text), { name: "Round trip", sourceName: "ParametricEQ.txt" });
  assert.deepEqual(result.errors, [], text);
  return result;
}

/** The filter lines, each reduced to its type and numbers, in a stable order. */
function filterSet(text: string): string[] {
  return [...text.matchAll(/^Filter \d+: ON (.*)$/gm)]
    .map(([, rest]) => rest!.replace(/(\d)\.?0*(?= |$)/g, "$1"))
    .sort();
}

describe("eqp import of every filter a preset can express", () => {
  for (let seed = 1; seed <= 12; seed++) {
    const count = 1 + ((seed * 7) % 20);
    it(`import → export apo → import is the identity (seed ${seed}, ${count} filters)`, () => {
      const file = generatedFile(seed, count);
      const first = imported(file);
      assert.deepEqual(
        first.warnings.filter((warning) => /not imported/.test(warning.message)),
        [],
      );
      const preset = { name: "Round trip", sampleRate: 48000, outputGainDb: first.outputGainDb, bands: first.bands };
      const exported = EXPORT_TARGETS.apo.export(preset, {});
      assert.deepEqual(exported.warnings, []);
      const second = imported(exported.text);
      assert.deepEqual(second.bands, first.bands);
      assert.equal(second.outputGainDb, first.outputGainDb);
      assert.deepEqual(filterSet(exported.text), filterSet(file));
      assert.equal(first.bands.length, count);
      // The written preset reads back as the same bands.
      const [written] = resolvePresets(parsePresetDocument(first.text));
      assert.deepEqual(effectiveBands(written!, undefined), first.bands);
    });
  }
});
