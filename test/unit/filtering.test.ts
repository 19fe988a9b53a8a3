import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { logFrequencies, responseDb, type EqBand } from "../../server/src/core/index.js";
import { filterChannels, gainToDb, peakLevel, presetBiquads, rms } from "../../server/src/core/audio/index.js";
import { headroom } from "../../server/src/core/audio/index.js";
import { ceilingOf, fromFloat, sampleFormatOf, toFloat } from "../../server/src/core/audio/index.js";
import { voCleanBands } from "../support/presets.js";

const RATE = 48000;

function sine(frequencyHz: number, seconds = 1, amplitude = 0.25, sampleRate = RATE): Float64Array {
  return Float64Array.from(
    { length: Math.round(seconds * sampleRate) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRate),
  );
}

/** The level change of a steady sine through the bands, measured after the first 0.25 s (the filters' transient). */
function measuredGainDb(bands: EqBand[], frequencyHz: number, outputGainDb = 0, sampleRate = RATE): number {
  const input = sine(frequencyHz, 1, 0.25, sampleRate);
  const [output] = filterChannels([input], presetBiquads(bands, sampleRate), outputGainDb);
  const start = Math.round(0.25 * sampleRate);
  return gainToDb(rms(output!, start) / rms(input, start));
}

describe("filtering samples through a preset", () => {
  it("boosts a sine at a bell's centre by the bell's gain", () => {
    const gain = measuredGainDb([{ slot: "bell2", frequencyHz: 1000, gainDb: 6, q: 1 }], 1000);
    assert.ok(Math.abs(gain - 6) < 0.1, String(gain));
  });

  it("cuts a sine deep in a low shelf's plateau by the shelf's gain", () => {
    const gain = measuredGainDb([{ slot: "lowShelf", frequencyHz: 300, gainDb: -8, q: 0.71 }], 30);
    assert.ok(Math.abs(gain - -8) < 0.1, String(gain));
  });

  it("lifts a sine far above a high shelf by the shelf's gain", () => {
    const gain = measuredGainDb([{ slot: "highShelf", frequencyHz: 1500, gainDb: 5, q: 0.71 }], 16000);
    assert.ok(Math.abs(gain - 5) < 0.1, String(gain));
  });

  it("matches the analytic response of all bands together, output gain included", () => {
    const bands = voCleanBands();
    for (const sampleRate of [44100, 96000]) {
      const frequencies = logFrequencies(7, 100, 15000);
      const expected = responseDb(bands, frequencies, sampleRate, -1);
      frequencies.forEach((frequency, i) => {
        const gain = measuredGainDb(bands, frequency, -1, sampleRate);
        assert.ok(Math.abs(gain - expected[i]!) < 0.02, `${sampleRate} Hz, ${frequency} Hz: ${gain} vs ${expected[i]}`);
      });
    }
  });

  it("keeps channels apart: each has its own filter state", () => {
    const bands: EqBand[] = [{ slot: "bell1", frequencyHz: 500, gainDb: 9, q: 3 }];
    // The loud channel first: shared state would ring on into the silent one.
    const left = sine(500);
    const right = new Float64Array(RATE);
    const [outLeft, outRight] = filterChannels([left, right], presetBiquads(bands, RATE));
    assert.equal(peakLevel([outRight!]), 0);
    const [alone] = filterChannels([left], presetBiquads(bands, RATE));
    assert.deepEqual(outLeft, alone);
  });

  it("leaves the input untouched and skips 0 dB bands", () => {
    const input = sine(440);
    const copy = Float64Array.from(input);
    const [output] = filterChannels(
      [input],
      presetBiquads([{ slot: "bell1", frequencyHz: 440, gainDb: 0, q: 1 }], RATE),
    );
    assert.deepEqual(input, copy);
    assert.deepEqual(output, copy);
  });
});

describe("sample formats and headroom", () => {
  it("reads and writes integer and float samples without loss", () => {
    const sixteen = sampleFormatOf("16")!;
    const stored = Float64Array.from([-32768, -1, 0, 1, 32767]);
    assert.deepEqual(fromFloat(toFloat(stored, sixteen), sixteen), stored);
    assert.deepEqual(Array.from(toFloat(Float64Array.from([0, 128, 255]), sampleFormatOf("8")!)), [-1, 0, 127 / 128]);
    const float = sampleFormatOf("32f")!;
    assert.deepEqual(fromFloat(Float64Array.from([1.5, -0.25]), float), Float64Array.from([1.5, -0.25]));
    assert.equal(sampleFormatOf("4"), undefined);
  });

  it("says when a signal clips and which pre-gain avoids it", () => {
    const ceiling = ceilingOf(sampleFormatOf("16")!);
    const over = headroom(2, ceiling);
    assert.ok(over.clips);
    assert.ok(Math.abs(over.peakDbfs - 6.0206) < 1e-3);
    assert.equal(over.suggestedPreGainDb, -6.1);
    assert.ok(2 * Math.pow(10, over.suggestedPreGainDb / 20) <= ceiling);
    assert.deepEqual(headroom(0.5, ceiling).clips, false);
    assert.equal(headroom(0.5, ceiling).suggestedPreGainDb, 0);
  });
});
