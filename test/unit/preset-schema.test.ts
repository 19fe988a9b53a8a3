/**
 * The preset document against its JSON Schema (draft 2020-12, shipped in runtime/schema): every
 * sample file's export, with coefficients, validates; documents that break the schema's rules do not.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import Ajv2020 from "ajv/dist/2020.js";
import { effectiveBands, parsePresetDocument, resolvePresets } from "../../server/src/core/index.js";
import { exportJson, PRESET_SCHEMA_ID, type DocumentPreset } from "../../server/src/core/export/index.js";

const schema = JSON.parse(readFileSync(path.resolve("runtime", "schema", "presets-1.schema.json"), "utf8")) as {
  $id: string;
};
const validate = new Ajv2020.default({ strict: true, allErrors: true }).compile(schema);

function assertValid(document: unknown): void {
  assert.ok(validate(document), JSON.stringify(validate.errors, null, 2));
}

/** A sample's presets as the export sees them; morphs left out (their bands need the model). */
function samplePresets(file: string): DocumentPreset[] {
  return resolvePresets(parsePresetDocument(readFileSync(file, "utf8"))).map((preset) => ({
    name: preset.name,
    fallbackName: path.basename(file, ".eqp"),
    sampleRate: preset.sampleRate,
    outputGainDb: preset.outputGainDb,
    bands: effectiveBands(preset, undefined),
    source: { file: `samples/${path.basename(file)}`, line: preset.range.start.line + 1 },
    ...(preset.morph ? { model: { id: "test", weightsHash: "00" } } : {}),
  }));
}

describe("preset document schema", () => {
  it("is the schema the document names", () => {
    assert.equal(schema.$id, PRESET_SCHEMA_ID);
  });

  const samples = readdirSync("samples").filter((file) => file.endsWith(".eqp"));
  for (const sample of samples) {
    it(`validates the export of samples/${sample}, with coefficients`, () => {
      const presets = samplePresets(path.join("samples", sample));
      assertValid(JSON.parse(exportJson(presets, { coefficientRates: [44100, 48000] })));
      assertValid(JSON.parse(exportJson(presets)));
    });
  }

  it("takes the filters the runtime knows beyond the SAFE bands", () => {
    assertValid({
      schemaVersion: 1,
      presets: [
        {
          name: "Radio",
          outputGainDb: 0,
          filters: [
            { type: "highpass", frequencyHz: 300, slopeDbPerOct: 18 },
            { type: "lowpass", frequencyHz: 3400, slopeDbPerOct: 12, q: 0.9 },
            { type: "notch", frequencyHz: 1000, q: 8 },
          ],
        },
      ],
    });
  });

  for (const [what, filter] of [
    ["a Q on a 24 dB/oct pass", { type: "highpass", frequencyHz: 80, slopeDbPerOct: 24, q: 1 }],
    ["a slope that is no Butterworth order", { type: "lowpass", frequencyHz: 80, slopeDbPerOct: 30 }],
    ["a bell without gain", { type: "peaking", frequencyHz: 80, q: 1 }],
    ["an unknown type", { type: "bandpass", frequencyHz: 80, q: 1 }],
    ["a negative frequency", { type: "notch", frequencyHz: -1, q: 1 }],
  ] as const) {
    it(`refuses ${what}`, () => {
      assert.equal(validate({ schemaVersion: 1, presets: [{ name: "x", outputGainDb: 0, filters: [filter] }] }), false);
    });
  }
});
