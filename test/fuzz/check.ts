/**
 * What must hold for any text: every feature of the language service answers without throwing,
 * every range it returns lies inside the document, and formatting a document without syntax errors
 * is idempotent and keeps its meaning. A broken property throws a FuzzFailure naming the check.
 */
import { deepStrictEqual } from "node:assert/strict";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic, DocumentSymbol, Position, Range } from "vscode-languageserver-protocol";
import {
  DiagnosticCode,
  formatDocument,
  parsePresetDocument,
  resolvePresets,
  type ResolvedPreset,
} from "../../server/src/core/index.js";
import type { ParsedDocument } from "../../server/src/lsp/features/documentStore.js";
import type { EqLanguageService } from "../../server/src/lsp/features/languageService.js";
import { probePositions, type FuzzDocument } from "./generate.js";

export class FuzzFailure extends Error {
  constructor(
    readonly check: string,
    detail: string,
  ) {
    super(`${check}: ${detail}`);
    this.name = "FuzzFailure";
  }
}

const KNOWN_CODES = new Set<string>(Object.values(DiagnosticCode));
const URI = "file:///fuzz/document.eqp";

/** Lines as LSP counts them: \r\n, \r and \n all end a line. */
export function documentLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function isBefore(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function contains(outer: Range, inner: Range): boolean {
  return !isBefore(inner.start, outer.start) && !isBefore(outer.end, inner.end);
}

function checkPosition(check: string, position: Position, lines: readonly string[]): void {
  const valid =
    Number.isInteger(position.line) &&
    Number.isInteger(position.character) &&
    position.line >= 0 &&
    position.character >= 0;
  if (!valid || position.line >= lines.length)
    throw new FuzzFailure(check, `${JSON.stringify(position)} is outside the document's ${lines.length} lines`);
  const length = lines[position.line]!.length;
  if (position.character > length)
    throw new FuzzFailure(
      check,
      `${JSON.stringify(position)} is past the end of line ${position.line} (${length} characters)`,
    );
}

export function checkRange(check: string, range: Range, lines: readonly string[]): void {
  checkPosition(check, range.start, lines);
  checkPosition(check, range.end, lines);
  if (isBefore(range.end, range.start))
    throw new FuzzFailure(check, `range ${JSON.stringify(range)} ends before it starts`);
}

function checkDiagnostics(diagnostics: Diagnostic[], lines: readonly string[]): void {
  for (const diagnostic of diagnostics) {
    checkRange(`diagnostic ${String(diagnostic.code)} range`, diagnostic.range, lines);
    if (!KNOWN_CODES.has(String(diagnostic.code)))
      throw new FuzzFailure("diagnostic code", `unknown code ${JSON.stringify(diagnostic.code)}`);
    if (typeof diagnostic.message !== "string" || diagnostic.message.trim() === "")
      throw new FuzzFailure("diagnostic message", `empty message on ${String(diagnostic.code)}`);
  }
}

/** VS Code rejects a whole outline whose symbol has an empty name or a selection outside its range. */
function checkSymbols(symbols: DocumentSymbol[], lines: readonly string[]): void {
  for (const symbol of symbols) {
    checkRange("symbol range", symbol.range, lines);
    checkRange("symbol selectionRange", symbol.selectionRange, lines);
    if (!symbol.name) throw new FuzzFailure("symbol name", `empty name for ${JSON.stringify(symbol.range)}`);
    if (!contains(symbol.range, symbol.selectionRange)) {
      throw new FuzzFailure(
        "symbol selectionRange",
        `${symbol.name}: ${JSON.stringify(symbol.selectionRange)} is not inside ${JSON.stringify(symbol.range)}`,
      );
    }
    checkSymbols(symbol.children ?? [], lines);
  }
}

/** What a document means: the values formatting must never change (-0 and 0 are the same gain). */
export function meaning(presets: readonly ResolvedPreset[]): unknown {
  const same = (value: number | undefined) => (value === 0 ? 0 : value);
  return presets.map((preset) => ({
    name: preset.name,
    sampleRate: same(preset.sampleRate),
    gain: same(preset.outputGainDb),
    morph: preset.morph?.terms.map((term) => [term.word, same(term.weight?.value), term.weight?.unit]),
    bands: preset.bands.map((band) => [band.slot.id, same(band.frequencyHz), same(band.gainDb), same(band.q)]),
    extraBands: preset.extraBands.length,
  }));
}

/** `parsed` is the service's own parse of `text`: formatting it must agree with the core. */
function checkFormatting(parsed: ParsedDocument, service: EqLanguageService, document: TextDocument): boolean {
  const text = parsed.text;
  const formatted = formatDocument(parsed.ast, text);
  const edits = service.format(document);
  for (const edit of edits) checkRange("formatting edit range", edit.range, documentLines(text));
  const applied = TextDocument.applyEdits(document, edits);
  if (formatted === undefined) {
    if (parsed.ast.syntaxErrors.length === 0)
      throw new FuzzFailure("formatting", "refused a document without syntax errors");
    if (edits.length > 0) throw new FuzzFailure("formatting", "edited a document with syntax errors");
    return false;
  }
  if (applied !== formatted)
    throw new FuzzFailure(
      "formatting edits",
      `the edits give ${JSON.stringify(applied)}, the formatter ${JSON.stringify(formatted)}`,
    );
  const reparsed = parsePresetDocument(formatted);
  if (reparsed.syntaxErrors.length > 0) {
    throw new FuzzFailure(
      "formatting output",
      `the formatted text has syntax errors (${reparsed.syntaxErrors[0]!.message}):\n${JSON.stringify(formatted)}`,
    );
  }
  const again = formatDocument(reparsed, formatted);
  if (again !== formatted)
    throw new FuzzFailure(
      "formatting idempotence",
      `format(format(x)) differs:\n${JSON.stringify(formatted)}\n${JSON.stringify(again)}`,
    );
  try {
    deepStrictEqual(meaning(resolvePresets(reparsed)), meaning(parsed.presets));
  } catch (error) {
    throw new FuzzFailure(
      "formatting meaning",
      `the formatted text means something else:\n${JSON.stringify(formatted)}\n${(error as Error).message}`,
    );
  }
  return true;
}

export interface CheckOptions {
  /** Hover and completion probes per document. */
  probes: number;
}

/**
 * Runs every check on one document; the service is reused, each document a new version. Returns
 * whether the document was valid enough to format (so the formatting checks ran).
 */
export function checkDocument(
  fuzz: FuzzDocument,
  service: EqLanguageService,
  version: number,
  options: CheckOptions = { probes: 2 },
): boolean {
  const document = TextDocument.create(URI, "eqpreset", version, fuzz.text);
  const lines = documentLines(fuzz.text);
  if (lines.length !== document.lineCount)
    throw new FuzzFailure("line count", `the test counts ${lines.length} lines, TextDocument ${document.lineCount}`);
  const step = <T>(name: string, run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof FuzzFailure) throw error;
      throw new FuzzFailure(`${name} threw`, (error as Error).stack ?? String(error));
    }
  };
  const diagnostics = step("diagnostics", () => service.diagnostics(document));
  step("diagnostics", () => checkDiagnostics(diagnostics, lines));
  step("code actions", () => {
    const end = { line: lines.length - 1, character: lines[lines.length - 1]!.length };
    for (const action of service.codeActions(document, {
      textDocument: { uri: URI },
      range: { start: { line: 0, character: 0 }, end },
      context: { diagnostics },
    })) {
      const edits = action.edit?.changes?.[URI] ?? [];
      for (const edit of edits) checkRange(`code action "${action.title}" edit range`, edit.range, lines);
      // Throws on overlapping edits, which an editor refuses to apply.
      TextDocument.applyEdits(document, edits);
    }
  });
  const parsed = service.store.get(document);
  for (const position of probePositions(fuzz, lines, options.probes)) {
    step("hover", () => {
      const hover = service.hover(document, position);
      if (!hover) return;
      if (hover.range) {
        checkRange("hover range", hover.range, lines);
        if (!contains(hover.range, { start: position, end: position }))
          throw new FuzzFailure(
            "hover range",
            `${JSON.stringify(hover.range)} does not hold ${JSON.stringify(position)}`,
          );
      }
    });
    step("completion", () => {
      for (const item of service.completion(document, position))
        if (typeof item.label !== "string" || !item.label)
          throw new FuzzFailure("completion", "an item without a label");
    });
  }
  step("symbols", () => checkSymbols(service.documentSymbols(document), lines));
  step("folding", () => {
    for (const range of service.foldingRanges(document)) {
      if (!(range.startLine >= 0 && range.startLine <= range.endLine && range.endLine < lines.length))
        throw new FuzzFailure("folding range", JSON.stringify(range));
    }
  });
  return step("formatting", () => checkFormatting(parsed, service, document));
}
