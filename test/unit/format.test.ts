import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  formatDocument,
  parsePresetDocument,
  resolvePresets,
  writeFrequency,
  writeGain,
  writePlain,
} from "../../server/src/core/index.js";

function format(text: string): string | undefined {
  return formatDocument(parsePresetDocument(text), text);
}

/** What a document means, for comparing before and after formatting. */
function meaning(text: string): unknown {
  return resolvePresets(parsePresetDocument(text)).map((preset) => ({
    name: preset.name,
    sampleRate: preset.sampleRate,
    gain: preset.outputGainDb,
    morph: preset.morph?.terms.map((term) => [term.word, term.weight?.value]),
    bands: preset.bands.map((band) => [band.slot.id, band.frequencyHz, band.gainDb, band.q]),
  }));
}

describe("formatter", () => {
  it("writes the canonical layout and keeps comments", () => {
    const text =
      '# header\n\n\nsamplerate 48000\npreset   "VO"{ # hi\n  LowShelf 120hz -3.0dB   # rumble\n      bell  +3dB 2500 Hz q 1.20\n  highshelf 10k +1.5db; gain -1dB\n} # end\nmorph Warm 0.30 bright .7\n';
    assert.equal(
      format(text),
      '# header\n\nsamplerate 48kHz\n\npreset "VO" { # hi\n  lowshelf 120Hz -3dB # rumble\n  bell 2.5kHz +3dB q 1.2\n  highshelf 10kHz +1.5dB\n  gain -1dB\n} # end\n\nmorph warm 0.3 bright 0.7\n',
    );
  });

  it("leaves documents with syntax errors alone", () => {
    assert.equal(format('preset "A" {\n  bell 1kHz'), undefined);
  });

  it("keeps what it does not understand", () => {
    assert.equal(format("bell 1kHz 300 +2dB\n"), "bell 1kHz +2dB 300\n");
    assert.equal(format("bel 1kHz\n"), "bel 1kHz\n");
    // A `q` without its value (a diagnostic says so) stays for the user to finish, as does a second q.
    assert.equal(format("bell  1kHz +2dB q\n"), "bell 1kHz +2dB q\n");
    assert.equal(format("bell 1kHz +2dB q 2 q 3\n"), "bell 1kHz +2dB q 2 q 3\n");
  });

  it("is idempotent and keeps the meaning of every sample", () => {
    for (const file of readdirSync("samples").filter((name) => name.endsWith(".eqp"))) {
      const text = readFileSync(`samples/${file}`, "utf8");
      const once = format(text)!;
      assert.ok(once !== undefined, file);
      assert.equal(format(once), once, `${file} is not stable`);
      assert.deepEqual(meaning(once), meaning(text), file);
    }
  });

  it("samples are already in the canonical layout", () => {
    for (const file of readdirSync("samples").filter((name) => name.endsWith(".eqp"))) {
      const text = readFileSync(`samples/${file}`, "utf8");
      assert.equal(format(text), text, file);
    }
  });
});

describe("number writing round-trips", () => {
  it("writes frequencies that read back exactly", () => {
    for (const hz of [20, 22, 99.5, 1000, 1234.5678, 2500, 15980, 19999.99, 20000, 1 / 3]) {
      const text = writeFrequency(hz);
      const doc = parsePresetDocument(`bell ${text} +1dB`);
      const [preset] = resolvePresets(doc);
      assert.equal(preset!.bands[0]!.frequencyHz, hz, text);
    }
    assert.equal(writeFrequency(2500), "2.5kHz");
    assert.equal(writeFrequency(120), "120Hz");
  });

  it("writes gains and plain numbers with signs that read back", () => {
    assert.equal(writeGain(3), "+3dB");
    assert.equal(writeGain(-2.5), "-2.5dB");
    assert.equal(writeGain(0), "0dB");
    assert.equal(writePlain(0.1 + 0.2), "0.30000000000000004");
    assert.equal(Number(writePlain(0.1 + 0.2)), 0.1 + 0.2);
  });
});
