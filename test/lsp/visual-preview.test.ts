/**
 * "See it" in the editor, continued: code lenses and their Expand command, the preview request,
 * the network still loading, text-only hovers and versioned edits.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type {
  ApplyWorkspaceEditParams,
  CodeAction,
  CodeLens,
  Hover,
  InlayHint,
  Position,
  TextEdit,
} from "vscode-languageserver-protocol";
import {
  analyseCurve,
  applyReplacements,
  logFrequencies,
  responseDb,
  roundBand,
  SLOTS,
  type EqBand,
} from "../../server/src/core/index.js";
import { hoverText, openWithCursor } from "../support/lspExpect.js";
import { parseCurveSvg, svgFromMarkdown } from "../support/svgExpect.js";
import { curveGeometry } from "../../client/src/preview/page/curve.js";
import {
  bandsOfText,
  expectMarkersAt,
  hoverAt as hoverAtWith,
  networkLoaded,
  previewAt,
  startBareClient as startBare,
  useVisualClient,
  VO_CLEAN,
  waitFor,
  type PreviewResult,
} from "../support/visualLsp.js";

const visual = useVisualClient();

const hoverAt = (uri: string, position: Position) => hoverAtWith(visual.client, uri, position);
const preview = (uri: string, position: Position) => previewAt(visual.client, uri, position);
const startBareClient = (...args: Parameters<typeof startBare> extends [unknown, ...infer Rest] ? Rest : never) =>
  startBare(visual.modelDir, ...args);

describe("LSP: code lenses and Expand", () => {
  const TEXT =
    'gain -1dB\nlowshelf 100Hz +2dB\n\npreset "Words" {\n  morph warm 0.5\n  bell1 2kHz -3dB\n}\n\npreset "Bands" {\n  bell 1kHz +3dB\n}\n<|>';

  it("offers Preview on every preset and Expand on those with a morph", async () => {
    const { uri } = await openWithCursor(visual.client, TEXT);
    const lenses = await visual.client.request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri } });
    assert.deepEqual(
      lenses.map((lens) => [
        lens.range.start.line,
        lens.command!.title,
        lens.command!.command,
        lens.command!.arguments,
      ]),
      [
        [0, "Preview", "eqpreset.openPreview", [uri, { line: 0, character: 0 }]],
        [3, "Preview", "eqpreset.openPreview", [uri, { line: 3, character: 0 }]],
        [3, "Expand", "eqpreset.expandPreset", [uri, 1, 1]],
        [8, "Preview", "eqpreset.openPreview", [uri, { line: 8, character: 0 }]],
      ],
    );
    // Each Preview lens's position leads the preview to its own preset.
    const names = [];
    for (const lens of lenses.filter((candidate) => candidate.command!.title === "Preview")) {
      const [lensUri, position] = lens.command!.arguments as [string, Position];
      names.push((await preview(lensUri, position))!.presetName);
    }
    assert.deepEqual(names, [null, "Words", "Bands"]);
    assert.deepEqual(visual.client.initializeResult!.capabilities.executeCommandProvider, {
      commands: ["eqpreset.expandPreset"],
    });
  });

  it("expands through workspace/executeCommand with the code action's edit, and refuses a stale version", async () => {
    const edits: ApplyWorkspaceEditParams[] = [];
    visual.client.connection.onRequest("workspace/applyEdit", (params: ApplyWorkspaceEditParams) => {
      edits.push(params);
      return { applied: true };
    });
    const { uri, text } = await openWithCursor(visual.client, TEXT);
    const lens = (await visual.client.request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri } })).find(
      (candidate) => candidate.command!.title === "Expand",
    )!;
    await visual.client.request("workspace/executeCommand", {
      command: lens.command!.command,
      arguments: lens.command!.arguments,
    });
    assert.equal(edits.length, 1);
    const changes = edits[0]!.edit.changes![uri]!;
    const actions = await visual.client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: { start: { line: 4, character: 3 }, end: { line: 4, character: 3 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(changes, actions.find((action) => action.title === "Expand into bands")!.edit!.changes![uri]);
    const expanded = applyReplacements(text, changes);
    assert.match(expanded, /^ {2}# morph warm 0\.5$/m);
    // The explicit bell keeps its values; the generated bands read back to their rounded values. (Slots
    // are assigned by order, so compare the bands, not their slot names.)
    const generated = (await preview(uri, { line: 4, character: 2 }))!.bands.filter((band) => band.slot !== "bell1");
    const described = (bands: EqBand[]) =>
      bands
        .map(
          (band) =>
            `${SLOTS.find((slot) => slot.id === band.slot)!.bandType} ${band.frequencyHz} ${band.gainDb} ${band.q}`,
        )
        .sort();
    assert.deepEqual(
      described(bandsOfText(expanded, 1)),
      described([
        { slot: "bell1", frequencyHz: 2000, gainDb: -3, q: 0.71 },
        ...generated.map((band) => roundBand({ ...band, slot: band.slot })),
      ]),
    );

    await visual.client.change(uri, `${text}# edited\n`);
    await visual.client.request("workspace/executeCommand", {
      command: lens.command!.command,
      arguments: lens.command!.arguments,
    });
    assert.equal(edits.length, 1);
    await waitFor(
      () =>
        visual.client.notifications.some(
          (n) => n.method === "window/showMessage" && /changed since/.test((n.params as { message: string }).message),
        ),
      "the stale-version warning",
    );
  });
});

describe("LSP: the preview request", () => {
  it("returns the preset's bands, response, peak, pre-gain and picture", async () => {
    const { uri } = await openWithCursor(visual.client, `samplerate 44.1kHz\n\n${VO_CLEAN}<|>`);
    const result = await preview(uri, { line: 4, character: 5 });
    assert.ok(result);
    assert.equal(result.uri, uri);
    assert.equal(result.presetName, "VO clean");
    assert.deepEqual(result.range, { start: { line: 2, character: 0 }, end: { line: 9, character: 1 } });
    assert.equal(result.sampleRate, 44100);
    assert.equal(result.outputGainDb, -1);
    assert.equal(result.pending, false);
    assert.deepEqual(
      result.bands.map((band) => [band.slot, band.type, band.q]),
      [
        ["lowShelf", "lowshelf", 0.71],
        ["bell1", "peaking", 1.4],
        ["bell2", "peaking", 1],
        ["bell3", "peaking", 4],
        ["highShelf", "highshelf", 0.71],
      ],
    );
    const bands = bandsOfText(`samplerate 44.1kHz\n${VO_CLEAN}`);
    assert.deepEqual(
      result.bands.map(({ slot, frequencyHz, gainDb, q }) => ({ slot, frequencyHz, gainDb, q })),
      bands,
    );
    assert.equal(result.frequencies.length, 200);
    const expectedFrequencies = logFrequencies(200, 20, 20000);
    result.frequencies.forEach((hz, i) => assert.ok(Math.abs(hz - expectedFrequencies[i]!) < 1e-6, `${i}: ${hz}`));
    const expected = responseDb(bands, Float64Array.from(result.frequencies), 44100, -1);
    result.responseDb.forEach((db, i) =>
      assert.ok(Math.abs(db - expected[i]!) < 1e-9, `${i}: ${db} vs ${expected[i]}`),
    );
    const analysis = analyseCurve(bands, 44100, -1);
    assert.equal(result.peakDb, analysis.peakDb);
    assert.equal(result.suggestedPreGainDb, analysis.suggestedPreGainDb);
    expectMarkersAt(result.svg, bands);
  });

  it("the hover's picture and the panel's curve of one preset have the same dB axis and markers", async () => {
    const presets = [
      // Gentle: ±12 dB in both (the panel used to draw ±6 dB, twice as steep).
      'preset "Gentle" {\n  bell 1kHz +2dB q 1\n  highshelf 8kHz -1.5dB\n}\n',
      // Steep: two boosts add up past 12 dB.
      'preset "Steep" {\n  lowshelf 100Hz +12dB\n  bell 150Hz +9dB q 0.7\n}\n',
      // A morph: generated bands, an added cut.
      'preset "Warm" {\n  morph warm\n  bell 3kHz -10dB q 2\n}\n',
    ];
    for (const text of presets) {
      const { uri } = await openWithCursor(visual.client, `${text}<|>`);
      const markdown = await hoverAt(uri, { line: 0, character: 9 });
      const svg = svgFromMarkdown(markdown);
      assert.ok(svg, `${text}: the hover has a picture`);
      const hover = parseCurveSvg(svg);
      const data = (await preview(uri, { line: 1, character: 3 }))!;
      const panel = curveGeometry({
        frequencies: data.frequencies,
        responseDb: data.responseDb,
        bands: data.bands,
        extremesDb: [data.peakDb, data.troughDb],
      });
      assert.equal(panel.scale.dbTop, hover.plot.dbRange, `${text}: the panel's axis is the hover's`);
      assert.equal(panel.scale.dbBottom, -hover.plot.dbRange);
      assert.deepEqual(
        panel.markers.map((marker) => marker.slot),
        hover.markers.map((marker) => marker.slot),
        `${text}: the same bands marked`,
      );
    }
  });

  it("answers null outside any preset and for unknown documents", async () => {
    const { uri } = await openWithCursor(visual.client, `${VO_CLEAN}\n\n<|>`);
    assert.equal(await preview(uri, { line: 9, character: 0 }), null);
    assert.equal(await preview(visual.client.uriFor("never-opened.eqp"), { line: 0, character: 0 }), null);
  });

  it("leaves out bands it cannot draw, and says so", async () => {
    const { uri } = await openWithCursor(visual.client, "samplerate 16kHz\nbell 1kHz +2dB\nhighshelf 12kHz +3dB<|>\n");
    const result = (await preview(uri, { line: 1, character: 0 }))!;
    assert.equal(result.presetName, null);
    assert.deepEqual(
      result.bands.map((band) => band.slot),
      ["bell1"],
    );
    assert.match(result.message!, /1 band with unusable values not drawn/);
    assert.ok(result.responseDb.every(Number.isFinite));
    assert.ok(result.frequencies.at(-1)! < 8000);
    assert.match(await hoverAt(uri, { line: 2, character: 2 }), /1 band with unusable values not drawn/);
  });

  it("tells the panel after each validation that the document changed", async () => {
    const { uri, text } = await openWithCursor(visual.client, `${VO_CLEAN}<|>`);
    await visual.client.change(uri, text.replace("+2.5dB", "+4dB"));
    await waitFor(
      () =>
        visual.client.notifications.some(
          (n) =>
            n.method === "eqpreset/previewChanged" && JSON.stringify(n.params) === JSON.stringify({ uri, version: 2 }),
        ),
      "eqpreset/previewChanged for version 2",
    );
    assert.equal((await preview(uri, { line: 3, character: 3 }))!.bands[2]!.gainDb, 4);
  });
});

describe("LSP: while the network loads", () => {
  it("shows no bands for a morph until the network is there, then refreshes the inlay hints", async () => {
    // Refreshes that came once the server had said the network is in use.
    let refreshesWithNetwork = 0;
    const bare = await startBareClient(
      { capabilities: { workspace: { inlayHint: { refreshSupport: true } } } },
      {
        "workspace/inlayHint/refresh": () => {
          if (networkLoaded(bare.notifications)) refreshesWithNetwork++;
          return null;
        },
      },
    );
    const { connection, notifications } = bare;
    try {
      const uri = visual.client.uriFor("loading.eqp");
      await bare.open(uri, "morph warm\n");
      // Messages arrive in order, and an answer's continuation runs before the next message is
      // handled: the status notifications received by then show whether the network was in use.
      const withStatus = <T>(answer: Promise<unknown>) =>
        answer.then((value) => ({ value: value as T, loaded: networkLoaded(notifications) }));
      const wholeFile = { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } };
      const [previewAnswer, hoverAnswer, hintsAnswer] = await Promise.all([
        withStatus<PreviewResult>(
          connection.sendRequest("eqpreset/preview", { uri, position: { line: 0, character: 1 } }),
        ),
        withStatus<Hover>(
          connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: { line: 0, character: 1 } }),
        ),
        withStatus<InlayHint[]>(
          connection.sendRequest("textDocument/inlayHint", { textDocument: { uri }, range: wholeFile }),
        ),
      ]);
      assert.equal(hintsAnswer.value.length, hintsAnswer.loaded ? 1 : 0);
      const { value: early, loaded: loadedAtPreview } = previewAnswer;
      const earlyHover = hoverText(hoverAnswer.value);
      const loadedAtHover = hoverAnswer.loaded;
      assert.equal(early.pending, !loadedAtPreview);
      if (!loadedAtPreview) {
        assert.deepEqual(early.bands, []);
        assert.match(early.message!, /network is loading/);
        assert.match(early.svg, /^<svg/);
      }
      assert.equal(svgFromMarkdown(earlyHover) === undefined, !loadedAtHover);
      if (!loadedAtHover) assert.match(earlyHover, /network is loading/);
      await waitFor(() => networkLoaded(notifications), "the network");
      await waitFor(() => refreshesWithNetwork > 0, "workspace/inlayHint/refresh after the network loaded");
      const later = (await connection.sendRequest("eqpreset/preview", {
        uri,
        position: { line: 0, character: 1 },
      })) as PreviewResult;
      assert.equal(later.pending, false);
      assert.equal(later.bands.length, 5);
      const hints = (await connection.sendRequest("textDocument/inlayHint", {
        textDocument: { uri },
        range: wholeFile,
      })) as InlayHint[];
      assert.equal(hints.length, 1);
    } finally {
      await bare.stop();
    }
  });
});

describe("LSP: hovers in editors that show markdown as text", () => {
  it("leaves the picture out for Neovim, and keeps the peak line", async () => {
    const bare = await startBareClient({ clientInfo: { name: "Neovim" }, capabilities: {} });
    try {
      const uri = visual.client.uriFor("neovim.eqp");
      await bare.open(uri, VO_CLEAN);
      const markdown = hoverText(
        (await bare.connection.sendRequest("textDocument/hover", {
          textDocument: { uri },
          position: { line: 0, character: 2 },
        })) as Hover,
      );
      assert.equal(svgFromMarkdown(markdown), undefined);
      assert.doesNotMatch(markdown, /data:image/);
      assert.match(markdown, /Peak boost \+\d\.\d dB/);
    } finally {
      await bare.stop();
    }
  });
});

describe("LSP: Expand for clients that take versioned edits", () => {
  it("sends the edit for the document version it was made from", async () => {
    const applied: ApplyWorkspaceEditParams[] = [];
    const bare = await startBareClient(
      { capabilities: { workspace: { applyEdit: true, workspaceEdit: { documentChanges: true } } } },
      {
        "workspace/applyEdit": (...args: unknown[]) => {
          applied.push(args[0] as ApplyWorkspaceEditParams);
          return { applied: true };
        },
      },
    );
    try {
      await waitFor(() => networkLoaded(bare.notifications), "the network");
      const uri = visual.client.uriFor("versioned.eqp");
      await bare.open(uri, 'preset "W" {\n  morph warm\n}\n');
      const lenses = (await bare.connection.sendRequest("textDocument/codeLens", {
        textDocument: { uri },
      })) as CodeLens[];
      const expand = lenses.find((lens) => lens.command!.title === "Expand")!;
      await bare.connection.sendRequest("workspace/executeCommand", {
        command: expand.command!.command,
        arguments: expand.command!.arguments,
      });
      assert.equal(applied.length, 1);
      const change = applied[0]!.edit.documentChanges![0] as {
        textDocument: { uri: string; version: number };
        edits: TextEdit[];
      };
      assert.deepEqual(change.textDocument, { uri, version: 1 });
      assert.equal(change.edits.length, 1);
      assert.match(change.edits[0]!.newText, /^# morph warm\n {2}lowshelf /);
    } finally {
      await bare.stop();
    }
  });
});
