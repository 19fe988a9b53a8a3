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
import { previewAt, useVisualClient, VO_CLEAN } from "../support/visualLsp.js";

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
      key: "bell2",
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
      key: "bell1",
      slot: "bell1",
      frequencyHz: 500,
      gainDb: 1,
      q: 1,
    });
    assert.ok("refused" in result && /changed since/.test(result.refused), JSON.stringify(result));
  });

  it("a generated band: one override line after the morph, which stays; the other bands stay generated", async () => {
    const { uri, text } = await openWithCursor(
      visual.client,
      'preset "M" {\n  morph warm # the base\n  gain -1dB\n}\n<|>',
    );
    const preview = (await previewAt(visual.client, uri, { line: 1, character: 3 }))!;
    const before = preview.bands.map(({ slot, frequencyHz, gainDb, q }) => ({ slot, frequencyHz, gainDb, q }));
    const result = await editBand({
      uri,
      version: preview.version!,
      position: preview.range.start,
      key: "bell2",
      slot: "bell2",
      frequencyHz: 1918.4,
      gainDb: 6.94,
      q: 1.13,
    });
    const edited = applyReplacements(text, editsOf(result));
    assert.equal(edited, 'preset "M" {\n  morph warm # the base\n  bell2 1.92kHz +6.9dB q 1.1\n  gain -1dB\n}\n');
    await visual.client.change(uri, edited);
    const after = (await previewAt(visual.client, uri, { line: 1, character: 3 }))!;
    const shown = after.bands.map(({ slot, frequencyHz, gainDb, q }) => ({ slot, frequencyHz, gainDb, q }));
    assert.deepEqual(shown[2], { slot: "bell2", frequencyHz: 1920, gainDb: 6.9, q: 1.1 });
    assert.deepEqual(
      shown.filter((band) => band.slot !== "bell2"),
      before.filter((band) => band.slot !== "bell2"),
      "the generated bands the drag did not touch are unchanged",
    );

    const shelf = await editBand({
      uri,
      version: after.version!,
      position: after.range.start,
      key: "highShelf",
      slot: "highShelf",
      frequencyHz: 8000,
      gainDb: 3,
      q: 0.71,
    });
    assert.match(
      applyReplacements(edited, editsOf(shelf)),
      /^ {2}morph warm # the base\n {2}highshelf 8kHz \+3dB\n {2}bell2/m,
    );
  });

  it("an explicit bell2 beside a morph keeps its keyword (a plain bell would add a band)", async () => {
    const { uri, text } = await openWithCursor(
      visual.client,
      'preset "M" {\n  morph warm\n  bell2 1kHz +2dB q 1\n}\n<|>',
    );
    const preview = (await previewAt(visual.client, uri, { line: 1, character: 3 }))!;
    const result = await editBand({
      uri,
      version: preview.version!,
      position: preview.range.start,
      key: "bell2",
      slot: "bell2",
      frequencyHz: 1500,
      gainDb: 3,
      q: 1,
    });
    assert.match(applyReplacements(text, editsOf(result)), /^ {2}bell2 1\.5kHz \+3dB q 1$/m);
  });

  it("the filters around the five: each line by its key, the pass filter's slope kept, the notch's Q", async () => {
    const source = [
      'preset "Radio" {',
      "  morph warm",
      "  highpass 300Hz 24dB/oct",
      "  bell 2kHz +3dB q 2",
      "  notch 60Hz q 10",
      "  lowpass 3.4kHz q 1.2",
      "}",
      "<|>",
    ].join("\n");
    const { uri, text } = await openWithCursor(visual.client, source);
    const preview = (await previewAt(visual.client, uri, { line: 1, character: 3 }))!;
    assert.deepEqual(
      preview.bands.filter((band) => band.key.startsWith("chain-")).map((band) => [band.key, band.slot, band.type]),
      [
        ["chain-0", "highpass", "highpass"],
        ["chain-1", "bell", "peaking"],
        ["chain-2", "notch", "notch"],
        ["chain-3", "lowpass", "lowpass"],
      ],
    );
    const edit = async (key: string, slot: EditBandParams["slot"], frequencyHz: number, gainDb: number, q: number) =>
      applyReplacements(
        text,
        editsOf(
          await editBand({
            uri,
            version: preview.version!,
            position: preview.range.start,
            key,
            slot,
            frequencyHz,
            gainDb,
            q,
          }),
        ),
      ).split("\n");
    assert.equal((await edit("chain-0", "highpass", 251.3, 5, 0.7))[2], "  highpass 251Hz 24dB/oct");
    assert.equal((await edit("chain-1", "bell", 2500, 4.26, 3.14))[3], "  bell 2.5kHz +4.3dB q 3.1");
    assert.equal((await edit("chain-2", "notch", 50.2, 0, 24))[4], "  notch 50.2Hz q 24");
    assert.equal((await edit("chain-3", "lowpass", 4012, 0, 0.71))[5], "  lowpass 4.01kHz q 1.2");
    const wrong = await editBand({
      uri,
      version: preview.version!,
      position: preview.range.start,
      key: "chain-0",
      slot: "notch",
      frequencyHz: 100,
      gainDb: 0,
      q: 1,
    });
    assert.ok("refused" in wrong, "a key whose line is another kind of band is refused");
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
