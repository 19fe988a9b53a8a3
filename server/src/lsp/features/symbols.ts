/** The outline: one symbol per preset, with its morph, bands and settings as children. */
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver";
import { displayFrequency, displayGain, displayQ, type ResolvedPreset, type Statement } from "../../core/index.js";
import type { ParsedDocument } from "./documentStore.js";

export class SymbolProvider {
  documentSymbols(parsed: ParsedDocument): DocumentSymbol[] {
    const symbols: DocumentSymbol[] = [];
    for (const item of parsed.ast.items) {
      if (item.kind === "samplerate" && item.value) {
        symbols.push({
          name: "samplerate",
          detail: displayFrequency(item.value.value),
          kind: SymbolKind.Constant,
          range: item.range,
          selectionRange: item.keywordRange,
        });
      }
    }
    for (const preset of parsed.presets) symbols.push(presetSymbol(preset));
    return symbols.sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    );
  }
}

function presetSymbol(preset: ResolvedPreset): DocumentSymbol {
  const children = preset.statements
    .map((statement) => statementSymbol(statement, preset))
    .filter((symbol): symbol is DocumentSymbol => symbol !== undefined);
  const summary = [
    preset.uses.length ? `uses ${preset.uses.map((use) => `"${use.name ?? ""}"`).join(", ")}` : "",
    preset.morph ? "morph" : "",
    preset.bands.length ? `${preset.bands.length} band${preset.bands.length === 1 ? "" : "s"}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return {
    name: preset.name !== undefined ? preset.name || '""' : "(unnamed preset)",
    detail: summary,
    kind: SymbolKind.Module,
    range: preset.range,
    selectionRange: preset.block?.nameRange ?? preset.block?.keywordRange ?? preset.range,
    children,
  };
}

function statementSymbol(statement: Statement, preset: ResolvedPreset): DocumentSymbol | undefined {
  switch (statement.kind) {
    case "morph":
      return {
        name: "morph",
        detail: statement.terms.map((term) => `${term.word}${term.weight ? ` ${term.weight.text}` : ""}`).join(" "),
        kind: SymbolKind.Function,
        range: statement.range,
        selectionRange: statement.keywordRange,
      };
    case "band": {
      const resolved = preset.bands.find((band) => band.statement === statement);
      const parts = [
        statement.frequency ? displayFrequency(statement.frequency.value) : "",
        statement.gain ? displayGain(statement.gain.value) : "",
        statement.bandType === "bell" && resolved ? `Q ${displayQ(resolved.q)}` : "",
      ].filter(Boolean);
      return {
        name: resolved?.slot.label ?? statement.bandType,
        detail: parts.join(" "),
        kind: SymbolKind.Field,
        range: statement.range,
        selectionRange: statement.keywordRange,
      };
    }
    case "samplerate":
      return {
        name: "samplerate",
        detail: statement.value ? displayFrequency(statement.value.value) : "",
        kind: SymbolKind.Constant,
        range: statement.range,
        selectionRange: statement.keywordRange,
      };
    case "use":
      return {
        name: "use",
        detail: `${statement.name !== undefined ? `"${statement.name}"` : ""}${statement.file !== undefined ? ` from "${statement.file}"` : ""}`,
        kind: SymbolKind.Module,
        range: statement.range,
        selectionRange: statement.keywordRange,
      };
    case "gain":
      return {
        name: "gain",
        detail: statement.value ? displayGain(statement.value.value) : "",
        kind: SymbolKind.Constant,
        range: statement.range,
        selectionRange: statement.keywordRange,
      };
    default:
      return undefined;
  }
}
