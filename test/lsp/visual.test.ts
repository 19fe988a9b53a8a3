/**
 * "See it" in the editor, over a real LSP connection with the fixture model: the response picture in
 * hovers, inlay hints after morphs, code lenses and their Expand command, and the preview request.
 */
import type { PreviewData } from "../../server/src/core/protocol/index.js";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node.js";
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
  parsePresetDocument,
  resolvePresets,
  responseDb,
  roundBand,
  SLOTS,
  type EqBand,
} from "../../server/src/core/index.js";
import { eqp, temporaryFolder, writeFileIn } from "../support/cli.js";
import { fixtureModelDir } from "../support/fixtureModel.js";
import { LspTestClient, SERVER_BUNDLE } from "../support/lspClient.js";
import { hoverText, openWithCursor } from "../support/lspExpect.js";
import { expectedPoint, parseCurveSvg, svgFromMarkdown } from "../support/svgExpect.js";

type PreviewResult = PreviewData;

let client: LspTestClient;
let modelDir: string;

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const networkLoaded = (notifications: { method: string; params: unknown }[]) =>
  notifications.some((n) => n.method === "eqpreset/modelStatus" && (n.params as { network: boolean }).network);

before(async () => {
  modelDir = await fixtureModelDir();
  client = await LspTestClient.start({ modelPath: modelDir });
  await waitFor(() => networkLoaded(client.notifications), "the network");
});
after(async () => {
  await client.stop();
});

async function hoverAt(uri: string, position: Position): Promise<string> {
  return hoverText(await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position }));
}

function preview(uri: string, position: Position): Promise<PreviewResult | null> {
  return client.request<PreviewResult | null>("eqpreset/preview", { uri, position });
}

function bandsOfText(text: string, presetIndex = 0): EqBand[] {
  const preset = resolvePresets(parsePresetDocument(text))[presetIndex]!;
  return preset.bands.map((band) => ({
    slot: band.slot.id,
    frequencyHz: band.frequencyHz!,
    gainDb: band.gainDb!,
    q: band.q,
  }));
}

/** The inlay hint's form of a band, written out independently of the server's code. */
function compact(band: { slot: string; frequencyHz: number; gainDb: number }): string {
  const short = SLOTS.find((slot) => slot.id === band.slot)!.short;
  const gain = Math.round(band.gainDb * 10) / 10;
  const frequency =
    band.frequencyHz >= 1000
      ? `${Number((band.frequencyHz / 1000).toFixed(1))} kHz`
      : `${Math.round(band.frequencyHz)} Hz`;
  return `${short} ${gain > 0 ? "+" : gain < 0 ? "−" : ""}${Math.abs(gain).toFixed(1)} dB@${frequency}`;
}

function expectMarkersAt(svg: string, bands: readonly { slot: string; frequencyHz: number; gainDb: number }[]) {
  const picture = parseCurveSvg(svg);
  assert.deepEqual(
    picture.markers.map((marker) => marker.slot),
    bands.map((band) => band.slot),
  );
  for (const band of bands) {
    const marker = picture.markers.find((candidate) => candidate.slot === band.slot)!;
    const expected = expectedPoint(picture, band.frequencyHz, band.gainDb);
    assert.ok(
      Math.abs(marker.cx - expected.x) <= 0.05 + 1e-9 && Math.abs(marker.cy - expected.y) <= 0.05 + 1e-9,
      `${band.slot}: ${JSON.stringify(marker)} vs ${JSON.stringify(expected)}`,
    );
  }
  return picture;
}

const VO_CLEAN = `preset "VO clean" {
  lowshelf 120Hz -4dB
  bell 300Hz -2dB q 1.4
  bell 3kHz +2.5dB q 1
  bell 6.5kHz -3dB q 4
  highshelf 12kHz +1.5dB
  gain -1dB
}
`;

describe("LSP: the response picture in hovers", () => {
  it("shows a preset's curve with a marker per band, its peak and pre-gain", async () => {
    const { uri, text } = await openWithCursor(client, `<|>${VO_CLEAN}`);
    const markdown = await hoverAt(uri, { line: 0, character: 10 });
    const svg = svgFromMarkdown(markdown);
    assert.ok(svg, markdown);
    expectMarkersAt(svg, bandsOfText(text));
    const analysis = analyseCurve(bandsOfText(text), 48000, -1);
    assert.ok(analysis.peakDb > 0);
    assert.ok(markdown.includes(`suggested pre-gain ${analysis.suggestedPreGainDb} dB`), markdown);
    assert.match(markdown, /Peak boost \+\d\.\d dB at [\d.]+ kHz/);
  });

  it("draws fewer markers for a preset with fewer bands", async () => {
    const { uri, position } = await openWithCursor(
      client,
      'pre<|>set "Radio" {\n  lowshelf 400Hz -12dB\n  bell 1.8kHz +6dB q 1.2\n  highshelf 3.5kHz -12dB\n}\n',
    );
    const svg = svgFromMarkdown(await hoverAt(uri, position));
    assert.ok(svg);
    assert.equal(parseCurveSvg(svg).markers.length, 3);
  });

  it("highlights the band under the cursor", async () => {
    const { uri, position } = await openWithCursor(
      client,
      `preset "A" {\n  lowshelf 120Hz -4dB\n  bell 300Hz -2dB\n  be<|>ll 3kHz +2dB\n}\n`,
    );
    const markdown = await hoverAt(uri, position);
    assert.match(markdown, /\*\*Bell 2\*\*/);
    const picture = parseCurveSvg(svgFromMarkdown(markdown)!);
    assert.deepEqual(
      picture.markers.filter((marker) => marker.highlighted).map((marker) => marker.slot),
      ["bell2"],
    );
    assert.equal(picture.markers.length, 3);
  });

  it("shows a morph's curve with the generated bands, explicit ones replacing their slots", async () => {
    const { uri, position } = await openWithCursor(
      client,
      'preset "M" {\n  mo<|>rph warm 0.3 bright 0.7\n  highshelf 9kHz -2dB\n}\n',
    );
    const result = await preview(uri, position);
    assert.ok(result && !result.pending);
    assert.deepEqual(result.bands.at(-1), {
      slot: "highShelf",
      type: "highshelf",
      frequencyHz: 9000,
      gainDb: -2,
      q: 0.71,
    });
    const markdown = await hoverAt(uri, position);
    expectMarkersAt(svgFromMarkdown(markdown)!, result.bands);
    assert.match(markdown, /Curve:/);
  });

  it("names the nearest words for a preset of explicit bands", async () => {
    // The bands the model makes of 'bright', written out: the nearest word must be 'bright'.
    const source = await openWithCursor(client, "mo<|>rph bright\n");
    const bright = (await preview(source.uri, source.position))!.bands;
    const lines = bright.map((band) => {
      const slot = SLOTS.find((candidate) => candidate.id === band.slot)!;
      return `${slot.bandType} ${band.frequencyHz}Hz ${band.gainDb}dB${slot.hasQ ? ` q ${band.q}` : ""}`;
    });
    const { uri } = await openWithCursor(client, `preset "Written out" {<|>\n  ${lines.join("\n  ")}\n}\n`);
    const markdown = await hoverAt(uri, { line: 0, character: 1 });
    const match = /Sounds like: ([\d.]+) (\w+)/.exec(markdown);
    assert.ok(match, markdown);
    assert.equal(match[2], "bright");
    // Only presets of explicit bands get the line.
    assert.doesNotMatch(await hoverAt(source.uri, { line: 0, character: 1 }), /Sounds like/);
  });

  it("names the same words as eqp describe, empty slots and unsorted bells included", async () => {
    // Radio leaves two bells empty (the model folder's flat setting fills them); Scooped lists its bells high to low.
    const text = `${VO_CLEAN}
preset "Radio" {
  lowshelf 400Hz -12dB
  bell 1.8kHz +6dB q 1.2
  highshelf 3.5kHz -12dB
}

preset "Scooped" {
  bell 5kHz +4dB q 2
  bell 2kHz -6dB q 0.8
  bell 200Hz +3dB q 1.5
}
`;
    const file = writeFileIn(temporaryFolder("visual"), "described.eqp", text);
    const described = eqp("describe", file, "--model", modelDir);
    assert.equal(described.status, 0, described.stderr);
    const words = new Map(
      described.stdout
        .trim()
        .split("\n")
        .map((line) => /^"(.+)": (.+)$/.exec(line)!.slice(1, 3) as [string, string]),
    );
    assert.deepEqual([...words.keys()], ["VO clean", "Radio", "Scooped"]);
    const { uri } = await openWithCursor(client, `<|>${text}`);
    const lines = text.split("\n");
    for (const [name, expected] of words) {
      const markdown = await hoverAt(uri, { line: lines.indexOf(`preset "${name}" {`), character: 1 });
      const soundsLike = /^Sounds like: (.+?)\.?$/m.exec(markdown);
      assert.ok(soundsLike, markdown);
      assert.equal(soundsLike[1], expected, name);
    }
  });
});

describe("LSP: inlay hints", () => {
  const TEXT =
    'preset "A" {\n  morph warm 0.3 bright 0.7\n}\npreset "B" {\n  morph warm\n  highshelf 9kHz -2dB\n}\npreset "C" {\n  bell 1kHz +3dB\n}\n<|>';

  it("shows the generated bands after each morph, leaving out explicitly set slots", async () => {
    const { uri, text } = await openWithCursor(client, TEXT);
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } },
    });
    assert.deepEqual(
      hints.map((hint) => hint.position),
      [
        { line: 1, character: 27 },
        { line: 4, character: 12 },
      ],
    );
    const a = (await preview(uri, { line: 1, character: 2 }))!;
    const b = (await preview(uri, { line: 4, character: 2 }))!;
    assert.equal(hints[0]!.label, a.bands.map(compact).join(" · "));
    assert.equal(
      hints[1]!.label,
      b.bands
        .filter((band) => band.slot !== "highShelf")
        .map(compact)
        .join(" · "),
    );
    assert.equal(hints[0]!.label.split(" · ").length, 5);
    assert.equal(hints[1]!.label.split(" · ").length, 4);
    assert.doesNotMatch(hints[1]!.label, /HS/);

    // The generated bands are the ones "Expand into bands" writes out (rounded).
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: { start: { line: 1, character: 3 }, end: { line: 1, character: 3 } },
      context: { diagnostics: [] },
    });
    const expanded = applyReplacements(
      text,
      actions.find((action) => action.title === "Expand into bands")!.edit!.changes![uri]!,
    );
    assert.deepEqual(
      bandsOfText(expanded, 0),
      a.bands.map((band) =>
        roundBand({ slot: band.slot, frequencyHz: band.frequencyHz, gainDb: band.gainDb, q: band.q }),
      ),
    );
  });

  it("answers only for the requested range", async () => {
    const { uri } = await openWithCursor(client, TEXT);
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 3, character: 0 }, end: { line: 6, character: 0 } },
    });
    assert.deepEqual(
      hints.map((hint) => hint.position.line),
      [4],
    );
  });
});

describe("LSP: code lenses and Expand", () => {
  const TEXT =
    'gain -1dB\nlowshelf 100Hz +2dB\n\npreset "Words" {\n  morph warm 0.5\n  bell 2kHz -3dB\n}\n\npreset "Bands" {\n  bell 1kHz +3dB\n}\n<|>';

  it("offers Preview on every preset and Expand on those with a morph", async () => {
    const { uri } = await openWithCursor(client, TEXT);
    const lenses = await client.request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri } });
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
    assert.deepEqual(client.initializeResult!.capabilities.executeCommandProvider, {
      commands: ["eqpreset.expandPreset"],
    });
  });

  it("expands through workspace/executeCommand with the code action's edit, and refuses a stale version", async () => {
    const edits: ApplyWorkspaceEditParams[] = [];
    client.connection.onRequest("workspace/applyEdit", (params: ApplyWorkspaceEditParams) => {
      edits.push(params);
      return { applied: true };
    });
    const { uri, text } = await openWithCursor(client, TEXT);
    const lens = (await client.request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri } })).find(
      (candidate) => candidate.command!.title === "Expand",
    )!;
    await client.request("workspace/executeCommand", {
      command: lens.command!.command,
      arguments: lens.command!.arguments,
    });
    assert.equal(edits.length, 1);
    const changes = edits[0]!.edit.changes![uri]!;
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
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

    await client.change(uri, `${text}# edited\n`);
    await client.request("workspace/executeCommand", {
      command: lens.command!.command,
      arguments: lens.command!.arguments,
    });
    assert.equal(edits.length, 1);
    await waitFor(
      () =>
        client.notifications.some(
          (n) => n.method === "window/showMessage" && /changed since/.test((n.params as { message: string }).message),
        ),
      "the stale-version warning",
    );
  });
});

describe("LSP: the preview request", () => {
  it("returns the preset's bands, response, peak, pre-gain and picture", async () => {
    const { uri } = await openWithCursor(client, `samplerate 44.1kHz\n\n${VO_CLEAN}<|>`);
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

  it("answers null outside any preset and for unknown documents", async () => {
    const { uri } = await openWithCursor(client, `${VO_CLEAN}\n\n<|>`);
    assert.equal(await preview(uri, { line: 9, character: 0 }), null);
    assert.equal(await preview(client.uriFor("never-opened.eqp"), { line: 0, character: 0 }), null);
  });

  it("leaves out bands it cannot draw, and says so", async () => {
    const { uri } = await openWithCursor(client, "samplerate 16kHz\nbell 1kHz +2dB\nhighshelf 12kHz +3dB<|>\n");
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
    const { uri, text } = await openWithCursor(client, `${VO_CLEAN}<|>`);
    await client.change(uri, text.replace("+2.5dB", "+4dB"));
    await waitFor(
      () =>
        client.notifications.some(
          (n) =>
            n.method === "eqpreset/previewChanged" && JSON.stringify(n.params) === JSON.stringify({ uri, version: 2 }),
        ),
      "eqpreset/previewChanged for version 2",
    );
    assert.equal((await preview(uri, { line: 3, character: 3 }))!.bands[2]!.gainDb, 4);
  });
});

/**
 * A bare client for what the shared test client cannot say in its initialize request (inlay hint
 * refresh support, its name): records notifications, answers the server's requests with null, or
 * through `onRequest` handlers set before `initialize`.
 */
async function startBareClient(
  initialize: { clientInfo?: { name: string }; capabilities: object },
  onRequest: Record<string, (...args: unknown[]) => unknown> = {},
) {
  const child = spawn(process.execPath, [SERVER_BUNDLE, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  const notifications: { method: string; params: unknown }[] = [];
  connection.onNotification((method: string, params: unknown) => notifications.push({ method, params }));
  for (const [method, handler] of Object.entries(onRequest)) connection.onRequest(method, handler);
  connection.onRequest((_method: string) => null);
  connection.listen();
  await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: null,
    ...initialize,
    initializationOptions: { modelPath: modelDir, validationDelay: 0 },
  });
  await connection.sendNotification("initialized", {});
  const open = (uri: string, text: string) =>
    connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "eqpreset", version: 1, text },
    });
  const stop = async () => {
    await connection.sendRequest("shutdown").catch(() => undefined);
    connection.dispose();
    child.kill();
  };
  return { connection, notifications, open, stop };
}

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
      const uri = client.uriFor("loading.eqp");
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
      const uri = client.uriFor("neovim.eqp");
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
      const uri = client.uriFor("versioned.eqp");
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
