/**
 * "See it" in the editor, over a real LSP connection with the fixture model: the response picture in
 * hovers (picture first, then one line of numbers, then the table) and inlay hints after morphs.
 * Code lenses, Expand and the preview request are in visual-preview.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CodeAction, InlayHint, MarkupContent, Position } from "vscode-languageserver-protocol";
import {
  analyseCurve,
  applyReplacements,
  displayFrequency,
  displayGain,
  roundBand,
  SLOTS,
} from "../../server/src/core/index.js";
import { eqp, temporaryFolder, writeFileIn } from "../support/cli.js";
import { openWithCursor } from "../support/lspExpect.js";
import { parseCurveSvg, svgFromMarkdown } from "../support/svgExpect.js";
import {
  bandsOfText,
  expectMarkersAt,
  hoverAt as hoverAtWith,
  previewAt,
  useVisualClient,
  VO_CLEAN,
} from "../support/visualLsp.js";

const visual = useVisualClient();

/** The hint's form of a band's gain, written out independently of the server's code. */
function compactGain(band: { slot: string; gainDb: number }): string {
  const gain = Math.round(band.gainDb * 10) / 10;
  return `${SLOTS.find((slot) => slot.id === band.slot)!.short}${gain > 0 ? "+" : gain < 0 ? "−" : "±"}${Math.abs(gain).toFixed(1)}`;
}

const hoverAt = (uri: string, position: Position) => hoverAtWith(visual.client, uri, position);
const preview = (uri: string, position: Position) => previewAt(visual.client, uri, position);

describe("LSP: the response picture in hovers", () => {
  it("shows a preset's curve with a marker per band, its peak and pre-gain", async () => {
    const { uri, text } = await openWithCursor(visual.client, `<|>${VO_CLEAN}`);
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
      visual.client,
      'pre<|>set "Radio" {\n  lowshelf 400Hz -12dB\n  bell 1.8kHz +6dB q 1.2\n  highshelf 3.5kHz -12dB\n}\n',
    );
    const svg = svgFromMarkdown(await hoverAt(uri, position));
    assert.ok(svg);
    assert.equal(parseCurveSvg(svg).markers.length, 3);
  });

  it("highlights the band under the cursor", async () => {
    const { uri, position } = await openWithCursor(
      visual.client,
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
      visual.client,
      'preset "M" {\n  mo<|>rph warm 0.3 bright 0.7\n  highshelf 9kHz -2dB\n}\n',
    );
    const result = await preview(uri, position);
    assert.ok(result && !result.pending);
    assert.deepEqual(result.bands.at(-1), {
      key: "highShelf",
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
    const source = await openWithCursor(visual.client, "mo<|>rph bright\n");
    const bright = (await preview(source.uri, source.position))!.bands;
    const lines = bright.map((band) => {
      const slot = SLOTS.find((candidate) => candidate.id === band.slot)!;
      return `${slot.bandType} ${band.frequencyHz}Hz ${band.gainDb}dB${slot.hasQ ? ` q ${band.q}` : ""}`;
    });
    const { uri } = await openWithCursor(visual.client, `preset "Written out" {<|>\n  ${lines.join("\n  ")}\n}\n`);
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
    const described = eqp("describe", file, "--model", visual.modelDir);
    assert.equal(described.status, 0, described.stderr);
    const words = new Map(
      described.stdout
        .trim()
        .split("\n")
        .map((line) => /^"(.+)": (.+)$/.exec(line)!.slice(1, 3) as [string, string]),
    );
    assert.deepEqual([...words.keys()], ["VO clean", "Radio", "Scooped"]);
    const { uri } = await openWithCursor(visual.client, `<|>${text}`);
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
    const { uri, text } = await openWithCursor(visual.client, TEXT);
    const hints = await visual.client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } },
    });
    const morphHints = hints.filter((hint) => (hint.label as string).startsWith("\u2002→"));
    assert.deepEqual(
      morphHints.map((hint) => hint.position),
      [
        { line: 1, character: 27 },
        { line: 4, character: 12 },
      ],
    );
    const a = (await preview(uri, { line: 1, character: 2 }))!;
    const b = (await preview(uri, { line: 4, character: 2 }))!;
    // Issue 11 changed the label: all five slots in a form VS Code does not cut (it ends inlay hints
    // after 43 characters with "…"), the full bands in the hint's own tooltip.
    assert.equal(morphHints[0]!.label, `\u2002→ ${a.bands.map(compactGain).join(" ")} dB`);
    assert.equal(
      morphHints[1]!.label,
      `\u2002→ ${b.bands
        .filter((band) => band.slot !== "highShelf")
        .map(compactGain)
        .join(" ")} dB`,
    );
    for (const hint of morphHints) {
      assert.ok((hint.label as string).length <= 43, `${hint.label as string} is longer than VS Code shows`);
      assert.equal(hint.paddingLeft, true);
      assert.equal(hint.paddingRight, true);
    }
    assert.match(morphHints[0]!.label as string, /^\u2002→ LS[+−±]\d+\.\d B1\S+ B2\S+ B3\S+ HS[+−±]\d+\.\d dB$/);
    assert.doesNotMatch(morphHints[1]!.label as string, /HS/);
    const tooltip = (morphHints[0]!.tooltip as MarkupContent).value;
    for (const band of a.bands) {
      const row = `| ${SLOTS.find((slot) => slot.id === band.slot)!.label} | ${displayFrequency(band.frequencyHz)} | ${displayGain(band.gainDb)} |`;
      assert.ok(tooltip.includes(row), `tooltip lacks ${row}:\n${tooltip}`);
    }
    assert.match((morphHints[1]!.tooltip as MarkupContent).value, /explicit band replaces its slot/);

    // The generated bands are the ones "Expand into bands" writes out (rounded).
    const actions = await visual.client.request<CodeAction[]>("textDocument/codeAction", {
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
    const { uri } = await openWithCursor(visual.client, TEXT);
    const hints = await visual.client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 3, character: 0 }, end: { line: 6, character: 0 } },
    });
    // B's morph, then its high shelf's "replaces HS": nothing of A or C.
    assert.deepEqual(
      hints.map((hint) => hint.position.line),
      [4, 5],
    );
  });

  it("says after each band line beside a morph what it replaces or that it adds, and so does the hover", async () => {
    const { uri } = await openWithCursor(
      visual.client,
      'preset "P" {\n  morph warm\n  bell2 1kHz +3dB q 1\n  bell 3kHz +3dB q 2\n  highpass 80Hz\n}\npreset "Q" {\n  morph warm\n}\n<|>',
    );
    const hints = await visual.client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 6, character: 0 } },
    });
    // The morph's own Bell 2, from the preset that keeps it.
    const bell2 = (await preview(uri, { line: 7, character: 2 }))!.bands.find((band) => band.slot === "bell2")!;
    const roles = hints.filter((hint) => hint.position.line > 1);
    assert.deepEqual(
      roles.map((hint) => [hint.position, hint.label]),
      [
        [
          { line: 2, character: 21 },
          `\u2002replaces B2, was ${compactKilohertz(bell2.frequencyHz)} ${compactGain(bell2).slice(2)} dB`,
        ],
        [{ line: 3, character: 20 }, "\u2002adds a band to the morph's five"],
      ],
    );
    for (const hint of roles) assert.ok((hint.label as string).length <= 43, hint.label as string);
    const replaces = await hoverAt(uri, { line: 2, character: 3 });
    assert.ok(
      replaces.includes(
        `This line replaces the morph's Bell 2 (was ${displayFrequency(bell2.frequencyHz)} ${displayGain(bell2.gainDb)}).`,
      ),
      replaces,
    );
    assert.match(await hoverAt(uri, { line: 3, character: 3 }), /This line adds a band to the morph's five\./);
    assert.match(await hoverAt(uri, { line: 4, character: 3 }), /This line filters the morph's five bands\./);
  });
});

/** `1.75k`, `850`: the hint's frequency, written out independently of the server's code. */
function compactKilohertz(hz: number): string {
  return hz >= 1000 ? `${parseFloat((hz / 1000).toPrecision(3))}k` : String(Math.round(hz));
}
