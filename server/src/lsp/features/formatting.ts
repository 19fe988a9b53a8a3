/** Formatting: the whole document into the canonical layout, as one edit (none when already canonical). */
import type { TextEdit } from "vscode-languageserver";
import { formatDocument } from "../../core/index.js";
import type { ParsedDocument } from "./documentStore.js";

export class FormattingProvider {
  format(parsed: ParsedDocument): TextEdit[] {
    const formatted = formatDocument(parsed.ast, parsed.text);
    if (formatted === undefined || formatted === parsed.text) return [];
    const lines = parsed.text.split(/\r\n|\r|\n/);
    const end = { line: lines.length - 1, character: lines[lines.length - 1]!.length };
    return [{ range: { start: { line: 0, character: 0 }, end }, newText: formatted }];
  }
}
