/**
 * The requests behind the preview as an editor, over stdio: `eqpreset/editBand` (a drag, as the
 * edit of the band's line in the canonical format, or of the morph expanded with the dragged band;
 * refused on any version but the one the preview showed) and `eqpreset/previewText` (the presets of
 * a text that is no open document, such as the file at git HEAD).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyReplacements } from "../../server/src/core/index.js";
import {
  EditBandRequest,
  PreviewTextRequest,
  type EditBandParams,
  type EditBandResult,
  type PreviewTextResult,
} from "../../server/src/protocol/index.js";
import { openWithCursor } from "../support/lspExpect.js";
import { bandsOfText, previewAt, useVisualClient, VO_CLEAN } from "../support/visualLsp.js";

const visual = useVisualClient();

const editBand = (params: EditBandParams) => visual.client.request<EditBandResult>(EditBandRequest.method, params);

function editsOf(result: EditBandResult) {
  assert.ok("edits" in result, JSON.stringify(result));
  return result.edits;
}

describe("LSP: eqpreset/editBand", () => {
  it("rewrites the dragged band's line in the canonical format, rounded and clamped", async () => {
    const { uri, text } = await openWithCursor(visual.client, `${VO_CLEAN}<|>`);
    const preview = (await previewAt(visual.client, uri, { line: 1, character: 3 }))!;
    assert.equal(preview.version, 1);
    const result = await editBand({
      uri,
      version: preview.version!,
      position: preview.range.start,
      slot: "bell2",
      frequencyHz: 3987.654,
      gainDb: 14.04,
      q: 1.2345,
    });
    assert.equal(editsOf(result).length, 1);
    const edited = applyReplacements(text, editsOf(result));
    assert.match(edited, /^ {2}bell 3\.99kHz \+12dB q 1\.2$/m);
    assert.equal(edited.split("\n").length, text.split("\n").length, "one line changed, nothing added");
  });

  it("refuses an edit made on another version", async () => {
    const { uri, text } = await openWithCursor(visual.client, `${VO_CLEAN}<|>`);
    await visual.client.change(uri, `# a comment\n${text}`);
    const result = await editBand({
      uri,
      version: 1,
      position: { line: 0, character: 0 },
      slot: "bell1",
      frequencyHz: 500,
      gainDb: 1,
      q: 1,
    });
    assert.ok("refused" in result && /changed since/.test(result.refused), JSON.stringify(result));
  });

  it("a generated band: the morph is expanded, with the dragged band at its new values", async () => {
    const { uri, text } = await openWithCursor(visual.client, 'preset "M" {\n  morph warm\n  gain -1dB\n}\n<|>');
    const preview = (await previewAt(visual.client, uri, { line: 1, character: 3 }))!;
    const result = await editBand({
      uri,
      version: preview.version!,
      position: preview.range.start,
      slot: "highShelf",
      frequencyHz: 8000,
      gainDb: 3,
      q: 0.71,
    });
    const edited = applyReplacements(text, editsOf(result));
    assert.match(edited, /^ {2}# morph warm$/m);
    const bands = bandsOfText(edited);
    assert.equal(bands.length, 5);
    assert.deepEqual(bands.at(-1), { slot: "highShelf", frequencyHz: 8000, gainDb: 3, q: 0.71 });
  });
});

describe("LSP: eqpreset/previewText", () => {
  it("draws every preset of a text that is not open, morphs included", async () => {
    const text = `${VO_CLEAN}\npreset "Words" {\n  morph bright\n}\n`;
    const result = await visual.client.request<PreviewTextResult>(PreviewTextRequest.method, {
      uri: "file:///x.eqp@HEAD",
      text,
    });
    assert.deepEqual(
      result.presets.map((preset) => [preset.uri, preset.presetName, preset.bands.length, preset.version]),
      [
        ["file:///x.eqp@HEAD", "VO clean", 5, undefined],
        ["file:///x.eqp@HEAD", "Words", 5, undefined],
      ],
    );
    const empty = await visual.client.request<PreviewTextResult>(PreviewTextRequest.method, { uri: 3, text });
    assert.deepEqual(empty, { presets: [] });
  });
});
