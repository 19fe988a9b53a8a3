import { bundledModelDir, readModelMetadata } from "../../server/src/core/index.js";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import type { CodeAction, DocumentSymbol, FoldingRange, Hover, TextEdit } from "vscode-languageserver-protocol";
import { fixtureModelDir } from "../support/fixtureModel.js";
import { LspTestClient } from "../support/lspClient.js";
import { expectCompletion, expectHover, openWithCursor } from "../support/lspExpect.js";

let client: LspTestClient;

before(async () => {
  client = await LspTestClient.start();
});
after(async () => {
  await client.stop();
});

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split("\n");
  const offset = (position: { line: number; character: number }) =>
    lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let result = text;
  for (const edit of sorted)
    result = result.slice(0, offset(edit.range.start)) + edit.newText + result.slice(offset(edit.range.end));
  return result;
}

describe("LSP: initialize", () => {
  it("announces the features", () => {
    const capabilities = client.initializeResult!.capabilities;
    assert.ok(capabilities.hoverProvider);
    assert.ok(capabilities.completionProvider);
    assert.ok(capabilities.documentSymbolProvider);
    assert.ok(capabilities.documentFormattingProvider);
    assert.ok(capabilities.foldingRangeProvider);
    assert.ok(capabilities.codeActionProvider);
  });

  it("reports the model in use", async () => {
    const status = (await client.waitForNotification("eqpreset/modelStatus")) as { words: number; dir: string };
    assert.ok(status.words >= 2);
    assert.match(status.dir, /model$/);
  });
});

describe("LSP: diagnostics", () => {
  it("publishes diagnostics with codes and ranges on open", async () => {
    const { diagnostics } = await openWithCursor(
      client,
      'preset "A" {\n  bell 2.5kHz +15dB q 1\n  morph wram 0.5<|>\n}\n',
    );
    const byCode = new Map(diagnostics.map((diagnostic) => [diagnostic.code, diagnostic]));
    assert.deepEqual(byCode.get("gain-out-of-range")!.range, {
      start: { line: 1, character: 14 },
      end: { line: 1, character: 19 },
    });
    assert.equal(byCode.get("gain-out-of-range")!.severity, 2);
    assert.match(byCode.get("unknown-word")!.message, /Did you mean 'warm'/);
    assert.equal(byCode.get("unknown-word")!.severity, 1);
    assert.equal(byCode.get("unknown-word")!.source, "eqpreset");
  });

  it("updates diagnostics after an incremental edit", async () => {
    const uri = client.uriFor("edit.eqp");
    const first = await client.open(uri, "morph wram 0.5\n");
    assert.equal(first.length, 1);
    const second = await client.change(uri, "warm", {
      start: { line: 0, character: 6 },
      end: { line: 0, character: 10 },
    });
    assert.deepEqual(second, []);
    // bell1: a plain bell would add to the morph and carry the bell-adds-to-morph note (filters issue).
    const third = await client.change(uri, "bell1 90kHz +1dB\n", {
      start: { line: 1, character: 0 },
      end: { line: 1, character: 0 },
    });
    assert.deepEqual(
      third.map((diagnostic) => diagnostic.code),
      ["frequency-outside-audible-range"],
    );
  });

  it("keeps diagnostics of other presets when a line is broken", async () => {
    const { diagnostics } = await openWithCursor(
      client,
      'preset "A" {\n  bell ]] 1kHz\n}\npreset "B" {\n  highshelf 30kHz +1dB<|>\n}\n',
    );
    const codes = diagnostics.map((diagnostic) => diagnostic.code);
    assert.ok(codes.includes("syntax-error"));
    assert.ok(codes.includes("frequency-outside-audible-range"));
  });
});

describe("LSP: hover", () => {
  it("describes a band, its range and its values", async () => {
    await expectHover(
      client,
      'preset "A" {\n  be<|>ll 2.5kHz +3dB q 1.2\n}\n',
      "Bell 1",
      "82 Hz–3.9 kHz",
      "+3 dB",
      "±12 dB",
    );
  });

  it("shows a frequency's musical note", async () => {
    await expectHover(client, "bell 44<|>0Hz +3dB q 1.2\n", "440 Hz", "A4");
  });

  it("explains gain and Q", async () => {
    await expectHover(client, "bell 440Hz +6<|>dB q 1.2\n", "Gain", "boost", "×2");
    await expectHover(client, "bell 440Hz +6dB q 1.<|>4\n", "bandwidth", "octaves");
  });

  it("shows a word's example count", async () => {
    await expectHover(client, "morph wa<|>rm 0.3 bright 0.7\n", "warm", "532 examples");
  });

  it("explains a weight and the sample rate", async () => {
    await expectHover(client, "morph warm -0.<|>3\n", "30% of the way", "opposite");
    await expectHover(client, "samplerate 4<|>4.1kHz\n", "Nyquist frequency 22.05 kHz");
  });

  it("summarises a preset on its name", async () => {
    await expectHover(
      client,
      'preset "Dia<|>logue" {\n  lowshelf 120Hz -3dB\n}\n',
      'Preset "Dialogue"',
      "Low shelf",
      "120 Hz",
    );
  });

  it("answers null on white space and for unknown documents", async () => {
    const { uri, position } = await openWithCursor(client, "morph warm\n\n<|>\n");
    assert.equal(await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position }), null);
    assert.equal(
      await client.request<Hover | null>("textDocument/hover", {
        textDocument: { uri: "file:///never-opened.eqp" },
        position,
      }),
      null,
    );
  });
});

describe("LSP: completion", () => {
  it("offers statements at the start of a line, and preset only at top level", async () => {
    await expectCompletion(client, "<|>", ["morph", "bell", "lowshelf", "highshelf", "samplerate", "gain", "preset"]);
    await expectCompletion(client, 'preset "A" {\n  <|>\n}\n', ["morph", "bell"], ["preset"]);
  });

  it("offers words with their example counts after morph", async () => {
    const items = await expectCompletion(client, "morph <|>", ["warm", "bright"], ["bell"]);
    // The detail says the count and, since the editor issue, the word's confidence.
    const warm = readModelMetadata(bundledModelDir()).vocabulary.find((info) => info.word === "warm")!;
    assert.match(items.find((item) => item.label === "warm")!.detail ?? "", new RegExp(`^${warm.examples} examples`));
    await expectCompletion(client, "morph warm 0.5 <|>", ["bright"]);
  });

  it("offers units right after a number", async () => {
    await expectCompletion(client, "bell 250<|>", ["Hz", "kHz", "dB"]);
    await expectCompletion(client, "gain -1<|>", ["dB"], ["Hz"]);
  });

  it("offers q inside a bell that has none", async () => {
    await expectCompletion(client, "bell 1kHz +2dB <|>", ["q"]);
    await expectCompletion(client, "bell 1kHz +2dB q 1 <|>", [], ["q"]);
  });

  it("offers nothing inside a comment", async () => {
    await expectCompletion(client, "# morph <|>", [], ["warm"]);
  });
});

describe("LSP: symbols, folding, formatting", () => {
  it("outlines presets with their bands", async () => {
    const { uri } = await openWithCursor(
      client,
      'samplerate 48kHz\npreset "VO" {\n  lowshelf 120Hz -3dB\n  bell1 2kHz +2dB q 1\n  morph warm 0.5\n}\npreset "SFX" {\n  gain -2dB<|>\n}\n',
    );
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri } });
    assert.deepEqual(
      symbols.map((symbol) => symbol.name),
      ["samplerate", "VO", "SFX"],
    );
    assert.deepEqual(
      symbols[1]!.children!.map((symbol) => `${symbol.name}: ${symbol.detail}`),
      ["Low shelf: 120 Hz -3 dB", "Bell 1: 2 kHz +2 dB Q 1", "morph: warm 0.5"],
    );
  });

  it("folds presets and comment blocks", async () => {
    const { uri } = await openWithCursor(client, '# one\n# two\npreset "A" {\n  bell 1kHz +1dB\n  gain -1dB\n}<|>\n');
    const ranges = await client.request<FoldingRange[]>("textDocument/foldingRange", { textDocument: { uri } });
    assert.deepEqual(
      ranges.map((range) => [range.startLine, range.endLine, range.kind ?? ""]),
      [
        [2, 4, ""],
        [0, 1, "comment"],
      ],
    );
  });

  it("formats into the canonical layout", async () => {
    const { uri, text } = await openWithCursor(client, 'preset "A"{\n bell 2500 Hz  +3.0dB q 1.50 # mid\n}<|>');
    const edits = await client.request<TextEdit[]>("textDocument/formatting", {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.equal(applyEdits(text, edits), 'preset "A" {\n  bell 2.5kHz +3dB q 1.5 # mid\n}\n');
  });

  it("does not format a document with syntax errors", async () => {
    const { uri } = await openWithCursor(client, 'preset "A" {\n bell 2500 Hz<|>');
    const edits = await client.request<TextEdit[]>("textDocument/formatting", {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.deepEqual(edits, []);
  });
});

describe("LSP: code actions", () => {
  async function actionsFor(textWithCursor: string, code: string) {
    const { uri, text, diagnostics } = await openWithCursor(client, textWithCursor);
    const diagnostic = diagnostics.find((candidate) => candidate.code === code);
    assert.ok(diagnostic, `no ${code} in ${JSON.stringify(diagnostics)}`);
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    return { uri, text, actions };
  }

  it("replaces an unknown word by the suggestion", async () => {
    const { uri, text, actions } = await actionsFor("morph wram 0.5<|>\n", "unknown-word");
    const fix = actions.find((action) => action.isPreferred)!;
    assert.equal(fix.title, "Replace 'wram' with 'warm'");
    assert.equal(applyEdits(text, fix.edit!.changes![uri]!), "morph warm 0.5\n");
  });

  it("clamps a value into its range", async () => {
    const { uri, text, actions } = await actionsFor(
      'preset "A" {\n  lowshelf 1.5kHz +20dB<|>\n}\n',
      "gain-out-of-range",
    );
    const fix = actions.find((action) => action.title.startsWith("Clamp '+20dB'"))!;
    assert.equal(applyEdits(text, fix.edit!.changes![uri]!), 'preset "A" {\n  lowshelf 1.5kHz +12dB\n}\n');
    const all = actions.find((action) => action.title.startsWith("Clamp all 2"))!;
    const fixed = applyEdits(text, all.edit!.changes![uri]!);
    assert.equal(fixed, 'preset "A" {\n  lowshelf 1kHz +12dB\n}\n');
    const after = await client.open(client.uriFor("clamped.eqp"), fixed);
    assert.deepEqual(after, []);
  });

  it("adds a missing unit and removes an ignored shelf Q", async () => {
    const missing = await actionsFor("bell 1kHz 3<|>\n", "missing-unit");
    assert.equal(missing.actions[0]!.title, "Replace '3' with '3dB'");
    const shelf = await actionsFor("lowshelf 100Hz +1dB q 2<|>\n", "shelf-q-ignored");
    assert.equal(applyEdits(shelf.text, shelf.actions[0]!.edit!.changes![shelf.uri]!), "lowshelf 100Hz +1dB\n");
  });
});

describe("LSP: model path", () => {
  it("falls back to the bundled model and says why when the model path is broken", async () => {
    const broken = mkdtempSync(path.join(tmpdir(), "eqp-model-"));
    writeFileSync(path.join(broken, "metadata.json"), "{ not json");
    const other = await LspTestClient.start({ modelPath: broken });
    try {
      const uri = other.uriFor("fallback.eqp");
      const diagnostics = await other.open(uri, "morph warm 0.5\n");
      assert.deepEqual(diagnostics, []);
      const status = (await other.waitForNotification("eqpreset/modelStatus")) as { warning: string };
      assert.match(status.warning, /not valid JSON.*bundled model/);
    } finally {
      await other.stop();
    }
  });

  it("takes a relative model path from the workspace folder, not from where the server started", async () => {
    const custom = await fixtureModelDir();
    const workspace = path.dirname(custom);
    const other = await LspTestClient.start({
      modelPath: path.basename(custom),
      rootUri: pathToFileURL(workspace).toString(),
    });
    try {
      const status = (await other.waitForNotification("eqpreset/modelStatus")) as { dir: string; warning?: string };
      assert.equal(status.warning, undefined);
      assert.equal(path.resolve(status.dir), path.resolve(custom));
      assert.deepEqual(await other.open(other.uriFor("relative-model.eqp"), "morph crunchy 0.5\n"), []);
    } finally {
      await other.stop();
    }
  });

  it("switches to the model folder given in the settings", async () => {
    const custom = await fixtureModelDir();
    const uri = client.uriFor("custom-model.eqp");
    const before = await client.open(uri, "morph crunchy 0.5\n");
    assert.equal(before[0]!.code, "unknown-word");
    await client.connection.sendNotification("workspace/didChangeConfiguration", {
      settings: { eqpreset: { modelPath: custom } },
    });
    // The vocabulary switches at once; diagnostics follow without any edit.
    const deadline = Date.now() + 20000;
    while (client.published.get(uri)!.diagnostics.length > 0) {
      if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(client.published.get(uri))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await client.connection.sendNotification("workspace/didChangeConfiguration", {
      settings: { eqpreset: { modelPath: "" } },
    });
  });
});
