/**
 * "Expand into bands" as text: the expansion re-parses to the same bands in the same slots, also
 * when explicit bells come after the morph (bells take their slot from their order).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  applyReplacements,
  effectiveBands,
  expansionEdits,
  logFrequencies,
  responseDb,
  parsePresetDocument,
  resolvePresets,
  roundBand,
  type EqBand,
} from "../../server/src/core/index.js";

/** Five fixed bands standing in for the model's output: the edit logic does not depend on their values. */
const GENERATED: EqBand[] = [
  { slot: "lowShelf", frequencyHz: 120, gainDb: 2, q: 0.71 },
  { slot: "bell1", frequencyHz: 300, gainDb: 3, q: 1 },
  { slot: "bell2", frequencyHz: 1200, gainDb: -1, q: 0.8 },
  { slot: "bell3", frequencyHz: 4000, gainDb: 1.5, q: 1.2 },
  { slot: "highShelf", frequencyHz: 8000, gainDb: -2, q: 0.71 },
];

function expand(text: string): { expanded: string; before: EqBand[]; after: EqBand[] } {
  const [preset] = resolvePresets(parsePresetDocument(text));
  const before = effectiveBands(preset!, GENERATED).map(roundBand);
  const expanded = applyReplacements(text, [...expansionEdits(text, [preset!], () => GENERATED).values()]);
  const reparsed = resolvePresets(parsePresetDocument(expanded))[0]!;
  assert.equal(reparsed.morph, undefined, `the morph is still there:\n${expanded}`);
  return { expanded, before, after: effectiveBands(reparsed, undefined) };
}

describe("expanding a morph into bands", () => {
  it("writes the free slots in place of the morph, keeping it as a comment", () => {
    const { expanded, before, after } = expand('preset "A" {\n  morph warm 0.5\n  gain -1dB\n}\n');
    assert.deepEqual(after, before);
    assert.match(expanded, /^ {2}# morph warm 0\.5\n {2}lowshelf 120Hz \+2dB\n {2}bell 300Hz \+3dB q 1\n/m);
  });

  // `bell1`: since issue 20 a plain bell adds to the morph's bands, and `bellN` replaces Bell N.
  it("keeps an explicit bell after the morph in its slot (Bell 1), writing the generated bells after it", () => {
    const { expanded, before, after } = expand(
      'preset "A" {\n  morph warm\n  bell1 1kHz +3dB q 2 # the presence lift\n  highshelf 9kHz +1dB\n}\n',
    );
    assert.deepEqual(after, before, expanded);
    assert.deepEqual(
      after.filter((band) => band.slot.startsWith("bell")).map((band) => [band.slot, band.frequencyHz]),
      [
        ["bell1", 1000],
        ["bell2", 1200],
        ["bell3", 4000],
      ],
    );
    assert.match(expanded, /bell1 1kHz \+3dB q 2 # the presence lift\n {2}bell 1\.2kHz -1dB q 0\.8\n/);
  });

  it("keeps two explicit bells before the morph in slots 1 and 2", () => {
    const { before, after } = expand("bell1 200Hz +1dB\nbell2 2kHz -2dB\nmorph bright 0.7\n");
    assert.deepEqual(after, before);
  });

  it("keeps an added bell and the filters around the five bands, which still sound the same", () => {
    const text = 'preset "A" {\n  highpass 80Hz 24dB/oct\n  morph warm\n  bell 3kHz +3dB q 2\n  notch 50Hz\n}\n';
    const { expanded, before, after } = expand(text);
    assert.equal(before.length, 8, "five generated bands, the added bell and two filters");
    const curve = (bands: EqBand[]) => Array.from(responseDb(bands, logFrequencies(64), 48000));
    const [a, b] = [curve(before), curve(after)];
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-9, expanded);
    assert.match(expanded, /highpass 80Hz 24dB\/oct/);
  });

  it("keeps Windows line endings in the text it carries over", () => {
    const { expanded, before, after } = expand(
      'preset "A" {\r\n  morph warm\r\n  # between\r\n  bell1 1kHz +3dB\r\n}\r\n',
    );
    assert.deepEqual(after, before);
    assert.match(expanded, /\r\n {2}# between\r\n {2}bell1 1kHz \+3dB\n {2}bell 1\.2kHz/);
  });
});
