import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cIdentifiers, cStringLiteral, exportC } from "../../server/src/core/export/index.js";

describe("C export", () => {
  it("makes distinct C identifiers of any names", () => {
    assert.deepEqual(cIdentifiers(["VO clean", "VO  Clean!", "", "2nd take", "Émile's pad", "?!"]), [
      "vo_clean",
      "vo_clean_2",
      "preset",
      "preset_2nd_take",
      "emile_s_pad",
      "preset_2",
    ]);
  });

  it("escapes names as C string literals: quotes, backslashes, trigraphs, control and non-ASCII bytes", () => {
    assert.equal(cStringLiteral('A "b" \\ c'), '"A \\"b\\" \\\\ c"');
    assert.equal(cStringLiteral("why??/"), '"why\\077\\077/"');
    assert.equal(cStringLiteral("é\n1"), '"\\303\\251\\0121"');
  });

  it("points a preset without filters at NULL, as C99 has no empty array", () => {
    const text = exportC([{ name: "Flat", sampleRate: 48000, outputGainDb: -6, bands: [] }]);
    assert.match(text, /\{"Flat", -6, 0, NULL\},/);
    assert.doesNotMatch(text, /eqp_filters_flat/);
  });
});
