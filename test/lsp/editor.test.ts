/**
 * Issue 11, "the editor a sound designer expects", over a real LSP connection (the bundled server
 * over stdio, the fixture model): hovers lead with the picture, then one line of numbers, then the
 * table, and every peak says whether it includes the output gain; quick fixes keep the user's
 * intent (`bell 25kHz` becomes a high shelf, not a 3.9 kHz presence boost); Expand lenses only
 * where Expand can act; completion of units right after a number as VS Code filters it, no word
 * twice on one line, words ranked by confidence with their summary.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import type { CodeAction, CodeLens, CompletionItem, MarkupContent } from "vscode-languageserver-protocol";
import { applyReplacements } from "../../server/src/core/index.js";
import { LspTestClient } from "../support/lspClient.js";
import { openWithCursor } from "../support/lspExpect.js";
import { hoverAt, useVisualClient, VO_CLEAN, waitFor, networkLoaded } from "../support/visualLsp.js";

const visual = useVisualClient();

/** The offsets of each pattern in `text`, failing when one is missing. */
function order(text: string, ...patterns: RegExp[]): number[] {
  return patterns.map((pattern) => {
    const match = pattern.exec(text);
    assert.ok(match, `${pattern} not in:\n${text}`);
    return match.index;
  });
}

function assertIncreasing(offsets: number[], text: string): void {
  for (let i = 1; i < offsets.length; i++) assert.ok(offsets[i - 1]! < offsets[i]!, `out of order:\n${text}`);
}

/** Every line that names a peak or a boost says whether the output gain is in it. */
function assertPeaksLabelled(markdown: string): void {
  for (const line of markdown.split("\n")) {
    if (/peak|no boost/i.test(line) && !line.startsWith("![")) assert.match(line, /output gain/, line);
  }
}

describe("LSP: hovers lead with the picture", () => {
  it("a preset: picture, then one line with the peak (output gain included), then the table", async () => {
    const { uri } = await openWithCursor(visual.client, `<|>${VO_CLEAN}`);
    const markdown = await hoverAt(visual.client, uri, { line: 0, character: 10 });
    const offsets = order(
      markdown,
      /^!\[Frequency response/m,
      /^\*\*Preset "VO clean"\*\*.*Peak boost/m,
      /^\| band \|/m,
    );
    assertIncreasing(offsets, markdown);
    assert.equal(offsets[0], 0, "the picture is the first thing in the hover");
    assert.match(markdown, /Peak boost \+\d\.\d dB at [\d.]+ kHz \(incl\. output gain [-−]1 dB\)/);
    // One line of numbers: the heading line carries them all.
    const heading = markdown.split("\n").find((line) => line.startsWith('**Preset "VO clean"**'))!;
    assert.match(heading, /48 kHz.*incl\. output gain [-−]1 dB.*suggested pre-gain/);
    assertPeaksLabelled(markdown);
  });

  it("a morph: picture, the peak at the output, the generated bands, the EQ's own shape labelled as such", async () => {
    const { uri, position } = await openWithCursor(
      visual.client,
      'preset "M" {\n  mo<|>rph warm 0.3 bright 0.7\n  gain -3dB\n}\n',
    );
    const markdown = await hoverAt(visual.client, uri, position);
    const offsets = order(
      markdown,
      /^!\[Frequency response/m,
      /^\*\*morph\*\* warm 0\.3 · bright 0\.7 — (Peak boost|No boost)/m,
      /^\| band \|/m,
      /^Curve: .*\(the EQ alone, output gain not included\)\.$/m,
    );
    assertIncreasing(offsets, markdown);
    assert.equal(offsets[0], 0);
    assert.match(markdown, /incl\. output gain [-−]3 dB/);
    assertPeaksLabelled(markdown);
  });

  it("a band: picture with the band highlighted first, then the band's line and its table", async () => {
    const { uri, position } = await openWithCursor(
      visual.client,
      'preset "A" {\n  lowshelf 120Hz -4dB\n  be<|>ll 3kHz +2dB\n}\n',
    );
    const markdown = await hoverAt(visual.client, uri, position);
    assertIncreasing(
      order(markdown, /^!\[Frequency response/m, /^\*\*Bell 1\*\* \(bell/m, /^\| \| value \|/m),
      markdown,
    );
    assertPeaksLabelled(markdown);
  });
});

async function fixesFor(text: string, code: string): Promise<{ uri: string; text: string; actions: CodeAction[] }> {
  const { uri, diagnostics } = await openWithCursor(visual.client, text);
  const diagnostic = diagnostics.find((candidate) => candidate.code === code);
  assert.ok(diagnostic, `no ${code} in ${JSON.stringify(diagnostics)}`);
  const actions = await visual.client.request<CodeAction[]>("textDocument/codeAction", {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], only: ["quickfix"] },
  });
  return {
    uri,
    text: text.replace("<|>", ""),
    // The fixes of this diagnostic: not "Clamp all", nor actions other features add for the preset.
    actions: actions.filter(
      (action) => !action.title.startsWith("Clamp all") && action.diagnostics?.some((d) => d.code === code),
    ),
  };
}

function applied(text: string, uri: string, action: CodeAction | undefined): string {
  assert.ok(action?.edit?.changes?.[uri], JSON.stringify(action));
  return applyReplacements(text, action.edit.changes[uri]);
}

describe("LSP: quick fixes keep the user's intent", () => {
  it("bell 25kHz: 'make it a high shelf' at 20 kHz is preferred; the 3.9 kHz clamp is offered but not preferred", async () => {
    const { uri, text, actions } = await fixesFor(
      'preset "Air" {\n  bell 25kHz +30dB q 2\n}\n<|>',
      "frequency-outside-audible-range",
    );
    assert.equal(actions[0]!.title, "Make it a high shelf at 20 kHz: 25 kHz is above what a bell reaches");
    assert.equal(actions[0]!.isPreferred, true);
    // The q goes too: a shelf's Q is fixed, and a leftover q would be a warning of its own.
    assert.equal(applied(text, uri, actions[0]), 'preset "Air" {\n  highshelf 20kHz +30dB\n}\n');
    const clamp = actions.find((action) => action.title.startsWith("Clamp '25kHz'"));
    assert.ok(clamp, JSON.stringify(actions.map((action) => action.title)));
    assert.match(clamp.title, /to 3\.9kHz \(moves it to another part of the spectrum\)/);
    assert.notEqual(clamp.isPreferred, true);
    assert.equal(actions.filter((action) => action.isPreferred).length, 1);
  });

  it("a bell below every bell becomes a low shelf, a low shelf at 15 kHz a high shelf", async () => {
    const low = await fixesFor("bell 40Hz +3dB\n<|>", "frequency-outside-band-range");
    assert.equal(
      applied(
        low.text,
        low.uri,
        low.actions.find((a) => a.isPreferred),
      ),
      "lowshelf 40Hz +3dB\n",
    );
    const high = await fixesFor("lowshelf 15kHz +3dB\n<|>", "frequency-outside-band-range");
    assert.equal(
      applied(
        high.text,
        high.uri,
        high.actions.find((a) => a.isPreferred),
      ),
      "highshelf 15kHz +3dB\n",
    );
  });

  it("no band-type change where the preset has no room for it; then no fix is preferred", async () => {
    const { actions } = await fixesFor("bell 25kHz +3dB\nhighshelf 12kHz +1dB\n<|>", "frequency-outside-audible-range");
    assert.deepEqual(
      actions.map((action) => [action.title, action.isPreferred === true]),
      [["Clamp '25kHz' to 3.9kHz (moves it to another part of the spectrum)", false]],
    );
  });

  it("a clamp that stays in the region is still the preferred fix", async () => {
    const { actions } = await fixesFor("bell 4kHz +3dB\n<|>", "frequency-outside-band-range");
    assert.deepEqual(
      actions.map((action) => [action.title, action.isPreferred === true]),
      [["Clamp '4kHz' to 3.9kHz", true]],
    );
  });
});

describe("LSP: lenses only where they can act", () => {
  it("no Expand lens on a preset whose morph gives no bands", async () => {
    const { uri } = await openWithCursor(
      visual.client,
      'preset "Typo" {\n  morph warn\n}\npreset "Good" {\n  morph warm\n}\npreset "Empty" {\n  morph\n}\n<|>',
    );
    const lenses = await visual.client.request<CodeLens[]>("textDocument/codeLens", { textDocument: { uri } });
    assert.deepEqual(
      lenses.map((lens) => [lens.range.start.line, lens.command!.title]),
      [
        [0, "Preview"],
        [3, "Preview"],
        [3, "Expand"],
        [6, "Preview"],
      ],
    );
  });
});

async function complete(
  textWithMarker: string,
  on = visual.client,
): Promise<{ items: CompletionItem[]; line: string }> {
  const { uri, position, text } = await openWithCursor(on, textWithMarker);
  const result = await on.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri }, position });
  return { items: result, line: text.split("\n")[position.line]! };
}

describe("LSP: completion", () => {
  it("bell 2|: units that replace the number, filtered by number + unit as VS Code filters by the word", async () => {
    const { items } = await complete("bell 2<|>");
    assert.deepEqual(
      items.map((item) => [item.label, item.filterText, item.textEdit]),
      ["Hz", "kHz", "dB"].map((unit) => [
        unit,
        `2${unit}`,
        { range: { start: { line: 0, character: 5 }, end: { line: 0, character: 6 } }, newText: `2${unit}` },
      ]),
    );
    // VS Code's word at the cursor is the number (language-configuration.json's wordPattern).
    const config = JSON.parse(readFileSync("language-configuration.json", "utf8")) as { wordPattern: string };
    const word = new RegExp(config.wordPattern).exec("2");
    assert.equal(word?.[0], "2");
    for (const item of items) assert.ok(item.filterText!.startsWith(word[0]));
    const signed = await complete("gain -1.5<|>");
    assert.deepEqual(
      signed.items.map((item) => item.textEdit),
      [{ range: { start: { line: 0, character: 5 }, end: { line: 0, character: 9 } }, newText: "-1.5dB" }],
    );
  });

  it("never offers a word the morph or tags line already has, except the one being typed", async () => {
    const labels = async (text: string) => (await complete(text)).items.map((item) => item.label);
    const afterWarm = await labels("morph warm 0.5 <|>");
    assert.ok(!afterWarm.includes("warm") && afterWarm.includes("bright"), afterWarm.join(" "));
    assert.ok((await labels("morph wa<|>")).includes("warm"));
    const tags = await labels('preset "P" {\n  tags bright <|>\n  bell 1kHz +1dB\n}\n');
    assert.ok(!tags.includes("bright") && tags.includes("warm"), tags.join(" "));
  });
});

describe("LSP: words with their summary and confidence", () => {
  let described: LspTestClient;

  before(async () => {
    // The fixture model with a confidence and a summary for two words, as the shipped model gets them.
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "eqp-confidence-")), "model");
    cpSync(visual.modelDir, dir, { recursive: true });
    const metadataFile = path.join(dir, "metadata.json");
    const metadata = JSON.parse(readFileSync(metadataFile, "utf8")) as {
      vocabulary: Record<string, unknown>[];
      model?: { words?: Record<string, unknown>[] };
    };
    // Both word lists: the vocabulary (read first) and the network's own (used once it has loaded).
    for (const entry of [...metadata.vocabulary, ...(metadata.model?.words ?? [])]) {
      delete entry["summary"];
      delete entry["confidence"];
      if (entry["word"] === "crunchy") {
        entry["summary"] = "lifts 2–5 kHz, trims the lows";
        entry["confidence"] = { sources: { safe: 40, socialfx: 12 }, agreement: 0.81, level: "high" };
      }
      if (entry["word"] === "warm") entry["confidence"] = { sources: { safe: 60 }, level: "low" };
    }
    writeFileSync(metadataFile, JSON.stringify(metadata));
    described = await LspTestClient.start({ modelPath: dir });
    await waitFor(() => networkLoaded(described.notifications), "the network");
  });
  after(async () => {
    await described.stop();
  });

  it("ranks by confidence then examples, and shows summary and confidence on each item", async () => {
    const { items } = await complete("morph <|>", described);
    const labels = items.map((item) => item.label);
    assert.equal(labels[0], "crunchy", labels.join(" "));
    assert.equal(labels.at(-1), "warm", "low confidence goes last, whatever its examples");
    const crunchy = items[0]!;
    assert.equal(crunchy.labelDetails?.detail, " lifts 2–5 kHz, trims the lows");
    assert.match(crunchy.labelDetails?.description ?? "", /^high · \d+ examples$/);
    assert.match(crunchy.detail ?? "", /high confidence/);
    assert.match(
      (crunchy.documentation as MarkupContent).value,
      /Confidence: \*\*high\*\* — 40 examples from SAFE-DB, 12 from SocialFX \(\d+ in all\), agreement 0\.81/,
    );
    // Without a measured confidence: the count alone, said plainly.
    const bright = items.find((item) => item.label === "bright")!;
    assert.match(bright.detail ?? "", /^\d+ examples$/);
    assert.match((bright.documentation as MarkupContent).value, /no confidence measured/);
  });

  it("shows the confidence and the summary in the word's hover", async () => {
    const { uri, position } = await openWithCursor(described, "morph cru<|>nchy\n");
    const markdown = await hoverAt(described, uri, position);
    assert.match(markdown, /^\*\*crunchy\*\* — lifts 2–5 kHz, trims the lows$/m);
    assert.match(markdown, /Confidence: \*\*high\*\*/);
  });
});
