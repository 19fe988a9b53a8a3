import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { displayFrequency, displayGain } from "../../server/src/core/index.js";
import { eqp, temporaryFolder, writeFileIn } from "../support/cli.js";

const work = temporaryFolder("print");

interface ExpandedBand {
  slot: string;
  frequencyHz: number;
  gainDb: number;
}

describe("eqp print", () => {
  it("shows a morph's generated bands, the same ones eqp expand writes", () => {
    const file = writeFileIn(
      work,
      "morphs.eqp",
      'preset "Warm" {\n  morph warm 0.8\n}\n\npreset "Warm, own bell" {\n  morph warm 0.8\n  bell1 2kHz -3dB q 2\n}\n',
    );
    const printed = eqp("print", file);
    assert.equal(printed.status, 0, printed.stderr);
    const expanded = eqp("expand", "--format", "json", file);
    assert.equal(expanded.status, 0, expanded.stderr);
    const presets = (JSON.parse(expanded.stdout) as { presets: { bands: ExpandedBand[] }[] }).presets;
    const [, warm, own] = printed.stdout.split(/\n(?= {2}")/);
    assert.ok(warm && own, printed.stdout);
    assert.match(warm, /morph warm 0\.8/);
    for (const band of presets[0]!.bands) {
      const label = {
        lowShelf: "Low shelf",
        bell1: "Bell 1",
        bell2: "Bell 2",
        bell3: "Bell 3",
        highShelf: "High shelf",
      }[band.slot]!;
      const row = warm.split("\n").find((line) => line.trim().startsWith(label));
      assert.ok(row, `${label} missing in\n${warm}`);
      assert.ok(row.includes(displayFrequency(band.frequencyHz)), row);
      assert.ok(row.includes(displayGain(band.gainDb)), row);
      assert.match(row, /generated$/);
    }
    // The explicit bell takes Bell 1; the generated bands fill the other four slots.
    assert.match(own, /Bell 1 +2 kHz +-3 dB +Q 2\n/);
    assert.equal(own.match(/generated/g)?.length, 4, own);
  });

  it("says when a morph gives no bands instead of printing none", () => {
    const file = writeFileIn(work, "unknown.eqp", "morph warmm\n");
    const printed = eqp("print", file);
    assert.equal(printed.status, 0, printed.stderr);
    assert.match(printed.stdout, /morph warmm\n {4}\(the morph gives no bands: run eqp check for why\)/);
  });
});
