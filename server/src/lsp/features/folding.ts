/** Folding: preset blocks and runs of comment lines. */
import { FoldingRangeKind, type FoldingRange } from "vscode-languageserver";
import type { ParsedDocument } from "./documentStore.js";

export class FoldingProvider {
  foldingRanges(parsed: ParsedDocument): FoldingRange[] {
    const ranges: FoldingRange[] = [];
    for (const item of parsed.ast.items) {
      if (item.kind === "preset" && item.range.end.line > item.range.start.line) {
        // Keep the closing brace visible when folded.
        const endLine = item.closed ? item.range.end.line - 1 : item.range.end.line;
        if (endLine > item.range.start.line) ranges.push({ startLine: item.range.start.line, endLine });
      }
    }
    let runStart: number | undefined;
    let runEnd = -1;
    const flush = () => {
      if (runStart !== undefined && runEnd > runStart)
        ranges.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Comment });
      runStart = undefined;
    };
    const lines = parsed.text.split(/\r\n|\r|\n/);
    for (const comment of parsed.ast.comments) {
      const line = comment.range.start.line;
      const ownLine = (lines[line] ?? "").slice(0, comment.range.start.character).trim() === "";
      if (!ownLine) continue;
      if (runStart !== undefined && line === runEnd + 1) {
        runEnd = line;
      } else {
        flush();
        runStart = line;
        runEnd = line;
      }
    }
    flush();
    return ranges;
  }
}
