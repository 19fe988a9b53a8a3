/**
 * "Match to a reference…" in the preview, over stdio (`eqpreset/matchReference`): two real WAV files
 * (pink noise, and the same noise through a known preset), matched by the core as `eqp match`
 * matches them, inserted after the preset the panel shows, with the curve error and the words; and
 * the refusals a user can meet (another sample rate, a silent file, not a WAV, a stale version).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { rmSync } from "node:fs";
import {
  applyReplacements,
  EqServices,
  logFrequencies,
  readDocument,
  responseDb,
  type EqBand,
} from "../../server/src/core/index.js";
import { filterChannels, matchSpectra, presetBiquads, wavFileSpectrum } from "../../server/src/core/audio/index.js";
import {
  MatchReferenceRequest,
  type MatchReferenceParams,
  type MatchReferenceResult,
} from "../../server/src/protocol/index.js";
import { temporaryFolder, writeFileIn } from "../support/cli.js";
import { openWithCursor } from "../support/lspExpect.js";
import { pinkNoise, wavBytes } from "../support/signals.js";
import { previewAt, useVisualClient } from "../support/visualLsp.js";

const visual = useVisualClient();
const work = temporaryFolder("preview-match");
after(() => rmSync(work, { recursive: true, force: true }));
const RATE = 48000;
const KNOWN: EqBand[] = [
  { slot: "lowShelf", frequencyHz: 150, gainDb: -4, q: 0.71 },
  { slot: "bell2", frequencyHz: 3000, gainDb: 3, q: 1 },
  { slot: "highShelf", frequencyHz: 10000, gainDb: 2, q: 0.71 },
];
const DOCUMENT = 'preset "Dialogue" {\n  bell 1kHz +1dB q 1\n}\n\npreset "Other" {\n  gain -2dB\n}\n';

const original = pinkNoise(10 * RATE, 7);
const originalFile = writeFileIn(work, "take2.wav", wavBytes([original], RATE, "32f"));
const processed = filterChannels([original], presetBiquads(KNOWN, RATE))[0]!;
const referenceFile = writeFileIn(work, "production.wav", wavBytes([processed], RATE, "32f"));

const match = (params: MatchReferenceParams) =>
  visual.client.request<MatchReferenceResult>(MatchReferenceRequest.method, params);

describe("LSP: eqpreset/matchReference", () => {
  it("inserts the matched preset after the shown one, as the core's match makes it, with its error and words", async () => {
    const { uri } = await openWithCursor(visual.client, `${DOCUMENT}<|>`);
    const shown = (await previewAt(visual.client, uri, { line: 1, character: 3 }))!;
    const result = await match({
      uri,
      version: shown.version!,
      position: shown.range.start,
      reference: referenceFile,
      current: originalFile,
    });
    assert.ok("edits" in result, JSON.stringify(result));
    assert.equal(result.presetName, "Match production");
    const edited = applyReplacements(DOCUMENT, result.edits);
    const presets = readDocument(edited).presets;
    assert.deepEqual(
      presets.map((preset) => preset.name),
      ["Dialogue", "Match production", "Other"],
      "inserted after the preset the panel shows",
    );
    assert.match(edited, /^# Match to a reference: production\.wav ← take2\.wav; 1\/3-octave smoothing/m);
    const errors = new EqServices().check(readDocument(edited)).filter((d) => d.severity === "error");
    assert.deepEqual(errors, [], "the inserted preset passes eqp check");

    // The same preset the core's match gives for the same files (what `eqp match` writes).
    const [reference, current] = [await wavFileSpectrum(referenceFile), await wavFileSpectrum(originalFile)];
    const core = matchSpectra(reference.power, current.power, RATE);
    const inserted = presets[1]!;
    const services = new EqServices();
    assert.deepEqual(services.bandsOf(inserted), core.bands);
    assert.equal(result.meanErrorDb, core.meanErrorDb);

    // And it recovers the known preset's curve.
    const grid = logFrequencies(200, 100, 16000);
    const want = responseDb(KNOWN, grid, RATE, 0);
    const got = responseDb(services.bandsOf(inserted), grid, RATE, inserted.outputGainDb);
    const meanError = grid.reduce((sum, _, i) => sum + Math.abs(want[i]! - got[i]!), 0) / grid.length;
    assert.ok(meanError < 0.6, `recovered within ${meanError.toFixed(3)} dB`);
    assert.ok(result.meanErrorDb < 0.5, `curve error ${result.meanErrorDb}`);
    assert.match(result.description, /\S/);
    assert.match(
      result.summary,
      /curve error mean \d+\.\d\d dB, max \d+\.\d\d dB off the measured difference; sounds like \S/,
    );
  });

  it("refuses, saying why: another sample rate, a silent file, not a WAV, a changed document", async () => {
    const { uri } = await openWithCursor(visual.client, `${DOCUMENT}<|>`);
    const base = {
      uri,
      version: 1,
      position: { line: 1, character: 0 },
      reference: referenceFile,
      current: originalFile,
    };
    const other = writeFileIn(work, "44k.wav", wavBytes([pinkNoise(3 * 44100, 2)], 44100));
    const silent = writeFileIn(work, "silent.wav", wavBytes([new Float64Array(3 * RATE)], RATE));
    const text = writeFileIn(work, "notes.wav", "not audio at all, just text in a file named .wav");
    const refused = async (params: Partial<MatchReferenceParams>) => {
      const result = await match({ ...base, ...params });
      assert.ok("refused" in result, JSON.stringify(result));
      return result.refused;
    };
    assert.match(await refused({ current: other }), /production\.wav is at 48 kHz and 44k\.wav at 44\.1 kHz: resample/);
    assert.match(await refused({ reference: silent }), /silent\.wav is silent/);
    assert.match(await refused({ reference: text }), /^notes\.wav: /);
    assert.match(await refused({ reference: `${work}/missing.wav` }), /missing\.wav could not be read \(ENOENT\)/);
    assert.match(await refused({ version: 7 }), /document changed/);
  });
});
