/**
 * Quick fixes, switched on the diagnostic's code and built from the data the diagnostic carries:
 * replace an unknown word or keyword by the suggestion, add a missing unit, clamp a value into its
 * range (after "make it a high shelf" when the value belongs to another band type, see
 * bandTypeFix.ts), drop an ignored shelf Q. Plus "Fix all clamps" for the file.
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
} from "vscode-languageserver";
import { containsPosition, DiagnosticCode, expansionEdits, isBefore, type DiagnosticData } from "../../core/index.js";
import type { ParsedDocument } from "./documentStore.js";
import { DIAGNOSTIC_SOURCE } from "./diagnostics.js";
import type { EqServices } from "../../core/index.js";
import { bandTypeFixes, clampKeepsRegion } from "./bandTypeFix.js";
import { useLibraryPresetFix } from "./uses.js";

export class CodeActionProvider {
  constructor(
    private readonly allDiagnostics: (parsed: ParsedDocument) => Diagnostic[],
    private readonly services: EqServices,
  ) {}

  codeActions(parsed: ParsedDocument, params: CodeActionParams): CodeAction[] {
    const only = params.context.only;
    const wants = (kind: string) =>
      !only || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
    const wantsQuickFix = wants(CodeActionKind.QuickFix);
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.RefactorRewrite)) actions.push(...this.expandActions(parsed, params.range));
    if (wantsQuickFix) {
      for (const diagnostic of params.context.diagnostics) {
        if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
        actions.push(...quickFixes(parsed, diagnostic));
      }
      const clamps = this.allDiagnostics(parsed).filter(
        (diagnostic) => (diagnostic.data as DiagnosticData | undefined)?.fix === "clamp",
      );
      if (clamps.length > 1) {
        actions.push({
          title: `Clamp all ${clamps.length} out-of-range values in this file`,
          kind: CodeActionKind.QuickFix,
          diagnostics: clamps,
          edit: {
            changes: {
              [parsed.uri]: clamps.map((diagnostic) => ({
                range: diagnostic.range,
                newText: (diagnostic.data as { replacement: string }).replacement,
              })),
            },
          },
        });
      }
    }
    return actions;
  }

  /** "Expand into bands" for the morph under the cursor, and "Expand all" for the file. */
  private expandActions(parsed: ParsedDocument, range: CodeActionParams["range"]): CodeAction[] {
    const edits = expansionEdits(parsed.text, parsed.presets, (terms) => this.services.resolveTerms(terms));
    const actions: CodeAction[] = [];
    const here = [...edits.keys()].find((preset) => {
      const morphRange = preset.morph!.range;
      return (
        containsPosition(morphRange, range.start) ||
        (isBefore(range.start, morphRange.start) && !isBefore(range.end, morphRange.start))
      );
    });
    if (here) {
      actions.push({
        title: "Expand into bands",
        kind: CodeActionKind.RefactorRewrite,
        edit: { changes: { [parsed.uri]: [edits.get(here)!] } },
      });
    }
    if (edits.size > 1 || (edits.size === 1 && !here)) {
      actions.push({
        title: `Expand all ${edits.size} morph${edits.size === 1 ? "" : "s"} in this file into bands`,
        kind: CodeActionKind.RefactorRewrite,
        edit: { changes: { [parsed.uri]: [...edits.values()] } },
      });
    }
    return actions;
  }
}

function quickFixes(parsed: ParsedDocument, diagnostic: Diagnostic): CodeAction[] {
  const data = diagnostic.data as DiagnosticData | undefined;
  if (!data) return [];
  const edit = (newText: string): TextEdit => ({
    range: newText === "" ? withLeadingSpace(parsed, diagnostic.range) : diagnostic.range,
    newText,
  });
  const action = (title: string, newText: string, isPreferred: boolean): CodeAction => ({
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred,
    edit: { changes: { [parsed.uri]: [edit(newText)] } },
  });
  const current = textIn(parsed, diagnostic.range);
  switch (diagnostic.code) {
    case DiagnosticCode.UnknownWord:
    case DiagnosticCode.UnknownStatement:
    case DiagnosticCode.MissingUnit:
    case DiagnosticCode.WrongUnit:
    case DiagnosticCode.SlopeInvalid:
    case DiagnosticCode.BellAdds:
    case DiagnosticCode.UseMissing: {
      if (data.fix !== "replace") return [];
      // A word that names a library preset (`morph telephone`) is most likely meant as its `use`.
      const useFix = useLibraryPresetFix(parsed, diagnostic);
      const replacements = data.replacements.map((replacement, index) =>
        action(
          data.titles?.[index] ?? `Replace '${current}' with '${replacement}'`,
          replacement,
          index === 0 && !useFix,
        ),
      );
      return useFix ? [useFix, ...replacements] : replacements;
    }
    case DiagnosticCode.ShelfQ:
      return [action("Remove the q (shelves have a fixed Q of 0.71)", "", true)];
    case DiagnosticCode.FilterQIgnored:
      return [action("Remove the q (Butterworth sections have their own Qs)", "", true)];
    case DiagnosticCode.FilterGain:
      return [action("Remove the gain (a filter has none)", "", true)];
    default: {
      if (data.fix !== "clamp") return [];
      // Another band type first when the value belongs to one; a clamp that moves a frequency to
      // another region of the spectrum is offered, but never as the preferred fix.
      const retype = bandTypeFixes(parsed, diagnostic);
      const isFrequency = /Hz$/i.test(data.replacement);
      const keepsRegion = !isFrequency || clampKeepsRegion(frequencyOf(current), data.value);
      const title = keepsRegion
        ? `Clamp '${current}' to ${data.replacement}`
        : `Clamp '${current}' to ${data.replacement} (moves it to another part of the spectrum)`;
      return [...retype, action(title, data.replacement, retype.length === 0 && keepsRegion)];
    }
  }
}

/** The frequency a value's text says, in Hz (`25kHz`, `2.5k`, `300Hz`); NaN for anything else. */
function frequencyOf(text: string): number {
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(khz|k|hz)$/i.exec(text.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * (match[2]!.toLowerCase() === "hz" ? 1 : 1000);
}

function textIn(parsed: ParsedDocument, range: Diagnostic["range"]): string {
  const line = parsed.text.split(/\r\n|\r|\n/)[range.start.line] ?? "";
  return range.start.line === range.end.line
    ? line.slice(range.start.character, range.end.character)
    : line.slice(range.start.character);
}

/** Deleting a word also deletes the spaces before it, so no double space is left. */
function withLeadingSpace(parsed: ParsedDocument, range: Diagnostic["range"]): Diagnostic["range"] {
  const line = parsed.text.split(/\r\n|\r|\n/)[range.start.line] ?? "";
  let start = range.start.character;
  while (start > 0 && (line[start - 1] === " " || line[start - 1] === "\t")) start--;
  return { start: { line: range.start.line, character: start }, end: range.end };
}
