/**
 * How a model was made, as the status bar and the model picker say it (server/src/protocol/
 * modelProvenance.ts): read from the bundled model's real metadata, and from a fine-tuned model's
 * (fine-tuning keeps the base's data and adds its examples: core/training/fineTune.ts).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { modelStatusText } from "../../client/src/modelLabel.js";
import { modelProvenance } from "../../server/src/protocol/index.js";

const bundled = JSON.parse(readFileSync("model/metadata.json", "utf8")) as {
  model: { createdAt: string; data: Record<string, unknown> & { rowsUsed: number } };
};

describe("how a model was made", () => {
  it("names the bundled V3 model's data, not its file", () => {
    const made = modelProvenance(bundled)!;
    const socialFx = (bundled.model.data["crowds"] as { socialfx: { rowsUsed: number } }).socialfx.rowsUsed;
    assert.equal(
      made,
      `V3 trained on SAFE-DB (${bundled.model.data.rowsUsed} settings) and SocialFX (${socialFx}), ${bundled.model.createdAt.slice(0, 10)}`,
    );
    assert.doesNotMatch(made, /\.csv/);
  });

  it("says a fine-tuned model was fine-tuned, from what, on how many of the team's examples", () => {
    const tuned = {
      model: {
        createdAt: "2026-12-07T10:00:00.000Z",
        data: {
          ...bundled.model.data,
          fineTuned: {
            base: { description: "The V3 semantic EQ model", createdAt: bundled.model.createdAt },
            teamExamples: [
              { word: "crunchy", file: "a.eqp", line: 1, preset: "A" },
              { word: "crunchy", file: "a.eqp", line: 5, preset: "B" },
              { word: "phone", file: "b.eqp", line: 1, preset: "C" },
            ],
          },
        },
      },
    };
    const made = modelProvenance(tuned)!;
    assert.match(
      made,
      /^fine-tuned 2026-12-07 from V3 trained on SAFE-DB \(\d+ settings\) and SocialFX \(\d+\) \(2026-12-01\)/,
    );
    assert.match(made, / on 3 tagged examples of crunchy, phone$/);
    assert.doesNotMatch(made, /SAFEEqualiserUserData/);
    const tooltip = modelStatusText(
      { dir: "/w/.eqpreset/model", words: 104, network: true, loading: false, trained: "2026-12-07", madeHow: made },
      { bundledDir: "/ext/model", workspaceFolder: "/w" },
    ).tooltip;
    assert.match(tooltip, /fine-tuned 2026-12-07 from V3/);
  });

  it("says nothing for metadata that does not tell", () => {
    for (const metadata of [null, {}, { model: {} }, { model: { data: {} } }])
      assert.equal(modelProvenance(metadata), undefined, JSON.stringify(metadata));
  });
});
