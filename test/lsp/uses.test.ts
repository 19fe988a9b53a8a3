/**
 * `use "preset"` through the real language server (dist/server.js over stdio): diagnostics on the
 * use line, completion after `use "`, hover and go-to-definition, the preview listing the used
 * bands, the `morph telephone` quick fix,
 * and a preset that uses another checked again when the other changes (in the editor or on disk).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  Hover,
  InlayHint,
  Location,
  MarkupContent,
} from "vscode-languageserver-protocol";
import { compactChain } from "../../server/src/lsp/features/inlayHints.js";
import {
  EditBandRequest,
  type EditBandParams,
  type EditBandResult,
  type PreviewData,
} from "../../server/src/protocol/index.js";
import { eqp } from "../support/cli.js";
import { LspTestClient } from "../support/lspClient.js";

const root = mkdtempSync(path.join(tmpdir(), "eqp-uses-lsp-"));
const dialogue = path.join(root, "dialogue.eqp");
const DIALOGUE = 'preset "VO clean" {\n  highpass 80Hz\n  bell 3kHz +2dB q 1\n}\n';
const RADIO = 'preset "Radio" {\n  use "VO clean"\n  use "telephone"\n  use "nope"\n  morph telephone\n}\n';

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("use in the language server", () => {
  let client: LspTestClient;
  const radioUri = pathToFileURL(path.join(root, "radio.eqp")).toString();
  const dialogueUri = pathToFileURL(dialogue).toString();
  const diagnostics = () => client.published.get(radioUri)?.diagnostics ?? [];
  const codes = () => diagnostics().map((d: Diagnostic) => `${d.range.start.line + 1}:${String(d.code)}`);

  before(async () => {
    writeFileSync(dialogue, DIALOGUE);
    client = await LspTestClient.start({ rootUri: pathToFileURL(root).toString() });
    await client.open(radioUri, RADIO);
    // The workspace index is read in the background: "VO clean" is found once it is.
    await until("the workspace's preset", () => (codes().includes("2:use-missing") ? undefined : true));
  });

  after(async () => {
    await client?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("reports a missing preset on its use line, and nothing on the found ones", () => {
    assert.deepEqual(codes().sort(), ["4:use-missing", "5:unknown-word"]);
    const missing = diagnostics().find((d) => d.code === "use-missing")!;
    assert.deepEqual(missing.range.start, { line: 3, character: 6 });
    assert.match(missing.message, /No preset "nope"/);
  });

  it("completes preset names after use \", the library's labelled as library", async () => {
    await client.change(radioUri, RADIO.replace('use "nope"', 'use "'));
    const items = await client.request<CompletionItem[]>("textDocument/completion", {
      textDocument: { uri: radioUri },
      position: { line: 3, character: 7 },
    });
    const vo = items.find((item) => item.label === "VO clean");
    const telephone = items.find((item) => item.label === "telephone");
    assert.equal(vo?.labelDetails?.description, "dialogue.eqp");
    assert.equal(telephone?.labelDetails?.description, "library");
    assert.equal(telephone?.insertText, 'telephone"');
    assert.ok(!items.some((item) => item.label === "Radio"), "the preset itself is offered");
    await client.change(radioUri, RADIO);
  });

  it("hovers a library use line with its source, and goes to the used preset's definition", async () => {
    const hover = await client.request<Hover | null>("textDocument/hover", {
      textDocument: { uri: radioUri },
      position: { line: 2, character: 8 },
    });
    const text = JSON.stringify(hover?.contents ?? "");
    assert.match(text, /use \\"telephone\\"\*\* — from the library/);
    assert.match(text, /ITU-T G\.712/);
    assert.match(text, /High-pass \| 300 Hz/);
    const location = await client.request<Location | null>("textDocument/definition", {
      textDocument: { uri: radioUri },
      position: { line: 1, character: 8 },
    });
    assert.equal(location?.uri, dialogueUri);
    assert.deepEqual(location?.range.start, { line: 0, character: 7 });
  });

  it("hints after each found use line what it brings in, the table in the tooltip", async () => {
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri: radioUri },
      range: { start: { line: 0, character: 0 }, end: { line: 6, character: 0 } },
    });
    // "nope" is missing: no hint on line 4.
    assert.deepEqual(
      hints.map((hint) => hint.position),
      [
        { line: 1, character: 16 },
        { line: 2, character: 17 },
      ],
    );
    assert.equal(hints[0]!.label, "\u2002→ B@3k+2.0 HP80");
    // A used bell is `B@<frequency>`, never `B3…`, which the morph hints use for Bell 3.
    const bells = [
      { slot: "bell2", frequencyHz: 3800, gainDb: -0.5, q: 1 },
      { slot: "bell3", frequencyHz: 2000, gainDb: 3, q: 1 },
    ] as const;
    assert.equal(compactChain(bells, 0), "\u2002→ B@3.8k−0.5 B@2k+3.0");
    assert.match(hints[1]!.label as string, /^\u2002→ .*HP300 LP3\.4k$/);
    for (const hint of hints) assert.ok((hint.label as string).length <= 43, hint.label as string);
    const tooltip = (hints[0]!.tooltip as MarkupContent).value;
    assert.match(tooltip, /2 bands, output gain 0 dB/);
    assert.match(tooltip, /\| High-pass \| 80 Hz \| — \| 12 dB\/oct \|/);
    assert.match(tooltip, /\| Bell 1 \| 3 kHz \| \+2 dB \| 1 \|/);
  });

  it("says what a preset that uses others sounds like from its flattened chain, as eqp describe does", async () => {
    const text =
      'preset "Base" {\n  highpass 80Hz\n  bell 3kHz +2dB q 1\n}\npreset "Call" {\n  use "Base"\n  use "telephone"\n  bell 1kHz +3dB\n}\n';
    const file = path.join(root, "sounds.eqp");
    writeFileSync(file, text);
    const uri = pathToFileURL(file).toString();
    await client.open(uri, text);
    const hover = await client.request<Hover | null>("textDocument/hover", {
      textDocument: { uri },
      position: { line: 4, character: 9 },
    });
    const markdown = (hover?.contents as MarkupContent).value;
    const described = eqp("describe", file, "--preset", "Call");
    assert.equal(described.status, 0, described.stderr);
    const words = described.stdout.split("\n")[0]!.replace(/^"Call": /, "");
    // The used chains' filters are named: the hover describes what the preset sounds as.
    assert.match(words, /an 80 Hz high-pass, a 300 Hz high-pass and a 3\.4 kHz low-pass$/);
    assert.ok(markdown.includes(`Sounds like (with the presets it uses): ${words}`), markdown);
  });

  it("previews the flattened chain, listing the used presets' bands with the use line each came through", async () => {
    const preview = await client.request<PreviewData | null>("eqpreset/preview", {
      uri: radioUri,
      position: { line: 1, character: 4 },
    });
    assert.ok(preview);
    // Radio has no band line of its own: every band is a used preset's, in the chain's order.
    assert.deepEqual(
      preview.bands.map((band) => [band.key, band.slot, band.frequencyHz, band.from]),
      [
        // Each used preset's bands as its effective EQ has them: SAFE's slots first (its one bell is bell1).
        ["used-0", "bell1", 3000, 'use "VO clean"'],
        ["used-1", "highpass", 80, 'use "VO clean"'],
        ["used-2", "bell1", 2000, 'use "telephone"'],
        ["used-3", "highpass", 300, 'use "telephone"'],
        ["used-4", "lowpass", 3400, 'use "telephone"'],
      ],
    );
    // A used band's line is in the other preset: an edit of it from the panel is refused, not
    // applied to a line of this preset that happens to share its slot.
    const edit = await client.request<EditBandResult>(EditBandRequest.method, {
      uri: radioUri,
      version: preview.version!,
      position: { line: 1, character: 4 },
      key: "used-1",
      slot: "bell1",
      frequencyHz: 2500,
      gainDb: 4,
      q: 1,
    } satisfies EditBandParams);
    assert.ok("refused" in edit && /used preset/.test(edit.refused), JSON.stringify(edit));
    const at = (hz: number) => preview.responseDb[preview.frequencies.findIndex((f) => f >= hz)]!;
    // The library's telephone band-limits what VO clean passes.
    assert.ok(at(100) < -30, String(at(100)));
    assert.ok(at(10000) < -30, String(at(10000)));
    assert.ok(Math.abs(at(1000)) < 3, String(at(1000)));
  });

  it('offers use "telephone" for `morph telephone`, as the preferred fix', async () => {
    const unknown = diagnostics().find((d) => d.code === "unknown-word")!;
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: radioUri },
      range: unknown.range,
      context: { diagnostics: [unknown], only: ["quickfix"] },
    });
    const fix = actions.find((action) => action.title.startsWith('Use the library preset "telephone"'));
    assert.ok(fix?.isPreferred, JSON.stringify(actions.map((action) => action.title)));
    assert.deepEqual(fix!.edit!.changes![radioUri], [
      { range: { start: { line: 4, character: 2 }, end: { line: 4, character: 17 } }, newText: 'use "telephone"' },
    ]);
  });

  it("suggests the nearest preset name for a typo, with a quick fix", async () => {
    const typoUri = pathToFileURL(path.join(root, "typo.eqp")).toString();
    await client.open(typoUri, 'preset "Y" {\n  use "VO claen"\n}\n');
    const missing = await until("the typo's diagnostic", () =>
      client.published.get(typoUri)?.diagnostics.find((d: Diagnostic) => d.code === "use-missing"),
    );
    assert.match(missing.message, /did you mean "VO clean"\?$/);
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: typoUri },
      range: missing.range,
      context: { diagnostics: [missing], only: ["quickfix"] },
    });
    assert.deepEqual(
      actions.map((action) => [action.title, action.isPreferred, action.edit!.changes![typoUri]]),
      [
        [
          'Use "VO clean"',
          true,
          [{ range: { start: { line: 1, character: 6 }, end: { line: 1, character: 16 } }, newText: '"VO clean"' }],
        ],
      ],
    );
  });

  it("checks a user again when the preset it uses changes in the editor, then on disk", async () => {
    await client.open(dialogueUri, DIALOGUE);
    await client.change(dialogueUri, DIALOGUE.replace("  bell 3kHz", "  bel 3kHz"));
    // radio.eqp is not edited: its diagnostics move because "VO clean" did.
    await until("used-preset-errors", () => (codes().includes("2:used-preset-errors") ? true : undefined));
    const error = diagnostics().find((d) => d.code === "used-preset-errors")!;
    assert.match(error.message, /dialogue\.eqp:3:3: Unknown statement 'bel'/);
    await client.change(dialogueUri, DIALOGUE);
    await until("the error gone", () => (codes().includes("2:used-preset-errors") ? undefined : true));
    // Closed, the file on disk counts: broken there, then the watcher says so.
    await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: dialogueUri } });
    writeFileSync(dialogue, DIALOGUE.replace('"VO clean"', '"VO other"'));
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", {
      changes: [{ uri: dialogueUri, type: 2 }],
    });
    await until("use-missing on line 2", () => (codes().includes("2:use-missing") ? true : undefined));
  });
});
