import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CodeAction, Hover } from "vscode-languageserver-protocol";
import {
  applyReplacements,
  parsePresetDocument,
  resolvePresets,
  roundBand,
  type EqBand,
} from "../../server/src/core/index.js";
import { fixtureModelDir } from "../support/fixtureModel.js";
import { LspTestClient } from "../support/lspClient.js";
import { expectHover, hoverText, openWithCursor } from "../support/lspExpect.js";

let client: LspTestClient;
let modelDir: string;

before(async () => {
  modelDir = await fixtureModelDir();
  client = await LspTestClient.start({ modelPath: modelDir });
  // The network loads in the background; wait until the server says it is in use.
  const deadline = Date.now() + 20000;
  while (
    !client.notifications.some((n) => n.method === "eqpreset/modelStatus" && (n.params as { network: boolean }).network)
  ) {
    if (Date.now() > deadline)
      throw new Error(`the network did not load: ${JSON.stringify(client.notifications)} ${client.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});
after(async () => {
  await client.stop();
});

function bandsOf(text: string, presetIndex = 0): EqBand[] {
  const preset = resolvePresets(parsePresetDocument(text))[presetIndex]!;
  return preset.bands.map((band) => ({
    slot: band.slot.id,
    frequencyHz: band.frequencyHz!,
    gainDb: band.gainDb!,
    q: band.q,
  }));
}

describe("LSP with a trained model", () => {
  it("uses the model folder from the settings: its words are known", async () => {
    const { diagnostics } = await openWithCursor(client, "morph crunchy 0.5<|>\n");
    assert.deepEqual(diagnostics, []);
  });

  it("shows the five generated bands and the curve on a morph", async () => {
    const text = await expectHover(
      client,
      "mo<|>rph warm 0.3 bright 0.7\n",
      "Low shelf",
      "Bell 1",
      "Bell 2",
      "Bell 3",
      "High shelf",
      "Curve:",
    );
    assert.equal((text.match(/^\| (Low shelf|Bell \d|High shelf)/gm) ?? []).length, 5);
  });

  it("shows a word's examples, its typical settings and its own bands", async () => {
    const text = await expectHover(
      client,
      "morph wa<|>rm\n",
      "60 examples",
      "Typical settings in the data",
      "'warm' at full strength",
    );
    // The word's curve first, as on the morph (issue 21: the word hover had no picture).
    assert.match(text, /^!\[Frequency response of 'warm'\]\(data:image\/svg\+xml;base64,/);
  });

  it("expands a morph into five band lines that read back to the generated values", async () => {
    const { uri, text, position } = await openWithCursor(
      client,
      'preset "A" {\n  mo<|>rph warm 0.3 bright 0.7\n  gain -1dB\n}\n',
    );
    const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position });
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: { start: position, end: position },
      context: { diagnostics: [] },
    });
    const expand = actions.find((action) => action.title === "Expand into bands");
    assert.ok(expand, JSON.stringify(actions));
    const expanded = applyReplacements(text, expand.edit!.changes![uri]!);
    assert.match(expanded, /^ {2}# morph warm 0.3 bright 0.7$/m);
    const bands = bandsOf(expanded);
    assert.deepEqual(
      bands.map((band) => band.slot),
      ["lowShelf", "bell1", "bell2", "bell3", "highShelf"],
    );
    // The hover shows the same bands, rounded for display.
    const shown = hoverText(hover);
    for (const band of bands)
      assert.ok(
        shown.includes(
          band.slot === "lowShelf"
            ? "Low shelf"
            : band.slot === "highShelf"
              ? "High shelf"
              : `Bell ${band.slot.slice(-1)}`,
        ),
      );
    // Re-parsing gives exactly the rounded values: formatting them again changes nothing.
    for (const band of bands) assert.deepEqual(roundBand(band), band);
    const diagnostics = await client.open(client.uriFor("expanded.eqp"), expanded);
    assert.deepEqual(
      diagnostics.filter((diagnostic) => diagnostic.severity === 1),
      [],
    );
  });

  it("keeps explicit bands and expands only the free slots", async () => {
    const { uri, text, position } = await openWithCursor(client, "mo<|>rph warm\nhighshelf 9kHz -2dB\n");
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: { start: position, end: position },
      context: { diagnostics: [] },
    });
    const expanded = applyReplacements(
      text,
      actions.find((action) => action.title === "Expand into bands")!.edit!.changes![uri]!,
    );
    const bands = bandsOf(expanded);
    assert.equal(bands.filter((band) => band.slot === "highShelf").length, 1);
    assert.deepEqual(
      bands.find((band) => band.slot === "highShelf"),
      { slot: "highShelf", frequencyHz: 9000, gainDb: -2, q: 0.71 },
    );
    assert.equal(bands.length, 5);
  });

  it("offers to expand every morph of the file", async () => {
    const { uri, text } = await openWithCursor(
      client,
      'preset "A" {\n  morph warm\n}\npreset "B" {\n  morph bright 0.5\n}<|>\n',
    );
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    const all = actions.find((action) => action.title.startsWith("Expand all 2 morphs"));
    assert.ok(all, JSON.stringify(actions.map((action) => action.title)));
    const expanded = applyReplacements(text, all.edit!.changes![uri]!);
    assert.equal(bandsOf(expanded, 0).length, 5);
    assert.equal(bandsOf(expanded, 1).length, 5);
    assert.ok(!/^\s*morph/m.test(expanded));
  });

  it("checks generated frequencies against the preset's Nyquist frequency", async () => {
    const diagnostics = await client.open(client.uriFor("nyquist.eqp"), "samplerate 8kHz\nmorph bright\n");
    const generated = diagnostics.filter((diagnostic) => diagnostic.code === "generated-frequency-above-nyquist");
    assert.ok(generated.length >= 1, JSON.stringify(diagnostics));
    assert.match(generated[0]!.message, /at or above the Nyquist frequency 4 kHz of the sample rate 8 kHz/);
    assert.deepEqual(generated[0]!.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 12 } });
    const fine = await client.open(client.uriFor("nyquist-ok.eqp"), "samplerate 48kHz\nmorph bright\n");
    assert.deepEqual(
      fine.filter((diagnostic) => diagnostic.code === "generated-frequency-above-nyquist"),
      [],
    );
  });
});
