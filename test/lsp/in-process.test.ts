/**
 * The providers through the server's own handlers, built in this process (`createLanguageServer`
 * over in-memory streams): fast, with `<|>` cursor markers, and debuggable with breakpoints.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CodeAction, CompletionItem, Diagnostic, Hover } from "vscode-languageserver-protocol";
import { LspTestClient, withCursor } from "../support/lspClient.js";

describe("providers in process", () => {
  let client: LspTestClient;
  let counter = 0;

  before(async () => {
    client = await LspTestClient.inProcess();
    await client.waitForNotification("eqpreset/modelStatus", 30_000);
    const deadline = Date.now() + 30_000;
    while (!client.notifications.some((n) => (n.params as { network?: boolean } | undefined)?.network)) {
      if (Date.now() > deadline) throw new Error("the network did not load");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  after(async () => {
    await client.stop();
  });

  async function at(textWithCursor: string) {
    const { text, position } = withCursor(textWithCursor);
    const uri = client.uriFor(`in-process-${++counter}.eqp`);
    const diagnostics = await client.open(uri, text);
    return { uri, position, diagnostics };
  }

  it("hovers a band's frequency in a sound designer's terms", async () => {
    const { uri, position } = await at('preset "VO" {\n  bell 2.<|>5kHz +3dB q 1.2\n}\n');
    const hover = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position });
    assert.ok(hover, "no hover");
    assert.match(JSON.stringify(hover.contents), /2\.5 kHz/);
  });

  it("shows a preset's name as text in its hover, never as an image, a link or markup", async () => {
    // A beacon from a cloned repository: the hover would fetch the image when shown.
    const name = "![x](https://example.invalid/p.png) <img src=x> [y](https://example.invalid)";
    const { uri, position } = await at(`pre<|>set "${name}" {\n  bell 1kHz +3dB\n}\n`);
    const hover = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position });
    assert.ok(hover, "no hover");
    const markdown = (hover.contents as { value: string }).value;
    assert.ok(markdown.includes("\\!\\[x\\]\\(https://example.invalid/p.png\\) \\<img src=x\\>"), markdown);
    // The only image is the curve, inline: no address outside the hover is ever fetched.
    assert.deepEqual(
      [...markdown.matchAll(/(?<!\\)!\[(?:\\.|[^\]\\])*\]\(([^)]*)\)/g)].map((match) => match[1]!.slice(0, 19)),
      ["data:image/svg+xml;"],
    );
  });

  it("still knows a band's gain and frequency after an edit above it moved the band", async () => {
    // The edit reparses the first preset only; the second is reused with its lines moved.
    const text = 'preset "A" {\n  bell 1kHz +1dB\n}\npreset "B" {\n  highshelf 2kHz +2dB\n}\n';
    const uri = client.uriFor(`in-process-${++counter}.eqp`);
    await client.open(uri, text);
    await client.change(uri, text.replace("  bell", "  # a note\n  bell"));
    const hoverAt = async (character: number) =>
      JSON.stringify(
        (
          await client.request<Hover | null>("textDocument/hover", {
            textDocument: { uri },
            position: { line: 5, character },
          })
        )?.contents,
      );
    assert.match(await hoverAt(17), /\*\*Gain\*\* \+2/);
    assert.match(await hoverAt(13), /\*\*Frequency\*\*/);
  });

  it("completes the words of the model after morph", async () => {
    const { uri, position } = await at("morph <|>");
    const items = await client.request<CompletionItem[]>("textDocument/completion", {
      textDocument: { uri },
      position,
    });
    const labels = items.map((item) => item.label);
    assert.ok(labels.includes("warm") && labels.includes("bright"), labels.slice(0, 20).join(", "));
  });

  it("offers the nearest word for a typo, as a quick fix of its diagnostic", async () => {
    const { uri, position, diagnostics } = await at("morph wa<|>rn 0.5");
    const unknown = diagnostics.filter((d: Diagnostic) => d.code === "unknown-word");
    assert.equal(unknown.length, 1, JSON.stringify(diagnostics));
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: { start: position, end: position },
      context: { diagnostics: unknown },
    });
    assert.ok(
      actions.some((action) => /warm/.test(action.title)),
      actions.map((a) => a.title).join("; "),
    );
  });

  it("reports the same diagnostics as a fresh check after an edit", async () => {
    const { uri } = await at("bell 1kHz +2dB<|>");
    const after = await client.change(uri, "bell 25kHz +2dB");
    assert.ok(
      after.some((d: Diagnostic) => d.code === "frequency-outside-audible-range"),
      JSON.stringify(after),
    );
  });
});
