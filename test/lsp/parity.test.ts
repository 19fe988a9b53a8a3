/**
 * One core, two front doors: every sample, every fixture and more than 1,000 generated documents
 * are checked by `eqp check --format json` and by the language server over a real stdio LSP
 * connection, and both must report the same codes, severities and ranges.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { bundledModelDir, readModelMetadata } from "../../server/src/core/index.js";
import { generatePresets, toPresetText } from "../bench/generate.js";
import { DEFAULT_GENERATE_OPTIONS, fuzzDocument, readSamples } from "../fuzz/generate.js";
import { CLI } from "../support/cli.js";
import { spawnSync } from "node:child_process";
import { LspTestClient } from "../support/lspClient.js";

const SEVERITY = ["", "error", "warning", "information", "hint"];
const work = mkdtempSync(path.join(tmpdir(), "eqp-parity-"));

function eqpFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".eqp"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Texts that reach the model's own checks: every word, alone and mixed, at low and normal rates. */
function wordDocuments(): string[] {
  const words = readModelMetadata(bundledModelDir()).vocabulary.map((info) => info.word);
  return words.flatMap((word, index) => {
    const other = words[(index + 1) % words.length]!;
    return [8000, 11025, 22050, 48000].map(
      (rate) => `preset "${word} at ${rate}" {\n  samplerate ${rate}Hz\n  morph ${word} 1.2 ${other} -0.4\n}\n`,
    );
  });
}

function corpus(): { name: string; text: string }[] {
  const documents: { name: string; text: string }[] = [];
  for (const file of [...eqpFiles("samples"), ...eqpFiles("test/fixtures"), ...eqpFiles("test/e2e/workspace")]) {
    documents.push({ name: file, text: readFileSync(file, "utf8") });
  }
  wordDocuments().forEach((text, index) => documents.push({ name: `words-${index}`, text }));
  const samples = readSamples();
  const options = { ...DEFAULT_GENERATE_OPTIONS, longLine: 5_000 };
  for (let index = 0; index < 1000; index++) {
    documents.push({ name: `fuzz-${index}`, text: fuzzDocument(20261201, index, samples, options).text });
  }
  for (let seed = 1; seed <= 100; seed++) {
    documents.push({ name: `generated-${seed}`, text: toPresetText(generatePresets(40, seed)) });
  }
  // Team words cross files, and this server sees one file at a time: tags are compared in
  // test/cli/team-words.test.ts with the whole workspace open on both sides.
  return documents.filter((document) => !/\btags\b/i.test(document.text));
}

interface Comparable {
  code: string;
  severity: string;
  range: string;
}

const key = (d: Comparable) => `${d.range} ${d.severity} ${d.code}`;

describe("the CLI and the editor give the same diagnostics", () => {
  let client: LspTestClient;
  const documents = corpus();
  const files: string[] = [];

  before(async () => {
    mkdirSync(path.join(work, "docs"), { recursive: true });
    documents.forEach((document, index) => {
      const file = path.join(work, "docs", `${String(index).padStart(5, "0")}.eqp`);
      writeFileSync(file, document.text);
      files.push(file);
    });
    client = await LspTestClient.start();
    // Generated bands are checked once the network is in: wait for it, as a user's editor does.
    const deadline = Date.now() + 30_000;
    while (
      !client.notifications.some(
        (n) => n.method === "eqpreset/modelStatus" && (n.params as { network: boolean }).network,
      )
    ) {
      if (Date.now() > deadline) throw new Error("the server's network did not load within 30 s");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  after(async () => {
    await client?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it(`for ${documents.length} documents: samples, fixtures, every word and generated text`, async () => {
    assert.ok(documents.length >= 1100, `only ${documents.length} documents`);
    const cli = spawnSync(
      process.execPath,
      [CLI, "--workspace", path.join(work, "docs"), "check", "--format", "json", path.join(work, "docs")],
      {
        encoding: "utf8",
        maxBuffer: 1 << 28,
      },
    );
    assert.ok(cli.status === 0 || cli.status === 1, `eqp check failed: ${cli.stderr}`);
    const byFile = new Map<string, Comparable[]>();
    const results = JSON.parse(cli.stdout) as {
      file: string;
      diagnostics: {
        line: number;
        column: number;
        endLine: number;
        endColumn: number;
        severity: string;
        code: string;
      }[];
    }[];
    for (const result of results) {
      byFile.set(
        path.resolve(result.file),
        result.diagnostics.map((d) => ({
          code: d.code,
          severity: d.severity,
          range: `${d.line - 1}:${d.column - 1}-${d.endLine - 1}:${d.endColumn - 1}`,
        })),
      );
    }
    let compared = 0;
    let withDiagnostics = 0;
    const codes = new Set<string>();
    for (const [index, file] of files.entries()) {
      // The text exactly as the CLI read it from disk.
      const text = readFileSync(file, "utf8");
      const uri = pathToFileURL(file).toString();
      const lsp = (await client.open(uri, text)).map((d: Diagnostic) => ({
        code: String(d.code),
        severity: SEVERITY[d.severity ?? 1]!,
        range: `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`,
      }));
      await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
      const fromCli = byFile.get(path.resolve(file));
      assert.ok(fromCli, `eqp check did not report ${file}`);
      assert.deepEqual(
        lsp.map(key).sort(),
        fromCli.map(key).sort(),
        `${documents[index]!.name} (${file}) differs between the editor and eqp check`,
      );
      compared++;
      if (lsp.length > 0) withDiagnostics++;
      for (const d of lsp) codes.add(d.code);
    }
    assert.equal(compared, documents.length);
    // The corpus has to reach the checks that once differed, or the comparison proves little.
    assert.ok(codes.has("generated-frequency-above-nyquist"), [...codes].join(", "));
    assert.ok(codes.has("unknown-word") && codes.has("syntax-error"), [...codes].join(", "));
    assert.ok(withDiagnostics > documents.length / 2, `only ${withDiagnostics} documents had diagnostics`);
  });
});
