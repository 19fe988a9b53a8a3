/**
 * The editor's side of `use "VO clean"`: completion of preset names after `use "` (this file's,
 * the workspace's with their file, the library's labelled as such), go-to-definition from a use
 * line to the used preset, and the quick fix that turns `morph telephone` into `use "telephone"`.
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import {
  CodeActionKind,
  CompletionItemKind,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type Location,
  type Position,
  type TextEdit,
} from "vscode-languageserver";
import {
  containsPosition,
  leadingComment,
  pathOfUri,
  presetAt,
  quoted,
  type EqServices,
  type MorphStatement,
  type PresetHome,
  type ResolvedPreset,
} from "../../core/index.js";
import type { ParsedDocument } from "./documentStore.js";

/** `use "` with the cursor inside the name (the name typed so far), or undefined elsewhere. */
export function typedUsedName(lineBefore: string): string | undefined {
  const match = /^\s*use\s+"((?:[^"\\]|\\.)*)$/i.exec(lineBefore);
  return match ? match[1] : undefined;
}

/** The names a `use "` can take here: this file's other presets, the workspace's, the library's. */
export function usedNameCompletions(
  parsed: ParsedDocument,
  position: Position,
  services: EqServices,
  lineAfter: string,
): CompletionItem[] {
  const file = pathOfUri(parsed.uri);
  const current = presetAt(parsed.presets, position);
  const closing = lineAfter.startsWith('"') ? "" : '"';
  const items = new Map<string, CompletionItem>();
  const add = (preset: ResolvedPreset, description: string, rank: number, documentation?: string) => {
    const name = preset.name;
    if (name === undefined || preset === current || items.has(name.toLowerCase())) return;
    items.set(name.toLowerCase(), {
      label: name,
      kind: rank === 2 ? CompletionItemKind.Reference : CompletionItemKind.Module,
      labelDetails: { description },
      detail: description,
      ...(documentation ? { documentation } : {}),
      // Inside the quotes: the name escaped as it is written, and the closing quote if missing.
      insertText: `${quoted(name).slice(1, -1)}${closing}`,
      sortText: `${rank}${name.toLowerCase()}`,
    });
  };
  for (const preset of parsed.presets) add(preset, "this file", 0);
  for (const { file: other, meaning } of services.workspace.documents())
    if (other !== file) for (const preset of meaning.presets) add(preset, path.basename(other), 1);
  for (const home of services.library.all()) add(home.preset, "library", 2, leadingComment(home.meaning, home.preset));
  return [...items.values()];
}

/** The used preset's name, for a position on a `use` line's name. */
export function usedPresetAt(parsed: ParsedDocument, position: Position, services: EqServices): PresetHome | undefined {
  const preset = presetAt(parsed.presets, position);
  const use = preset?.uses.find((statement) => containsPosition(statement.range, position));
  if (!preset || !use) return undefined;
  const found = services.useResolver().target(use, services.homeOf(preset, parsed));
  return "home" in found ? found.home : undefined;
}

/** Go to definition: from a `use` line to the preset it uses (in this file, another, or the library's). */
export function usedPresetLocation(parsed: ParsedDocument, position: Position, services: EqServices): Location | null {
  const home = usedPresetAt(parsed, position, services);
  if (!home) return null;
  const uri = home.file === undefined ? parsed.uri : pathToFileURL(home.file).toString();
  const block = home.preset.block;
  return { uri, range: block?.nameRange ?? block?.keywordRange ?? home.preset.range };
}

/**
 * For an unknown morph word that names a library preset (the diagnostic's `use`): replaces the
 * morph by `use "telephone"` when the word is all it has, else takes the word out of the morph
 * and puts the `use` line above it.
 */
export function useLibraryPresetFix(parsed: ParsedDocument, diagnostic: Diagnostic): CodeAction | undefined {
  const data = diagnostic.data as { use?: unknown } | undefined;
  if (typeof data?.use !== "string") return undefined;
  const preset = presetAt(parsed.presets, diagnostic.range.start);
  const morph = preset?.morph;
  const term = morph?.terms.find((candidate) => containsPosition(candidate.wordRange, diagnostic.range.start));
  if (!morph || !term) return undefined;
  const line = `use ${quoted(data.use)}`;
  const edits =
    morph.terms.length === 1 ? [{ range: morph.range, newText: line }] : splitMorph(parsed, morph, term, line);
  return {
    title: `Use the library preset "${data.use}" (${line})`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: true,
    edit: { changes: { [parsed.uri]: edits } },
  };
}

function splitMorph(
  parsed: ParsedDocument,
  morph: MorphStatement,
  term: MorphStatement["terms"][number],
  line: string,
): TextEdit[] {
  const start = morph.range.start;
  const lineText = parsed.text.slice(
    parsed.lineStarts[start.line] ?? 0,
    (parsed.lineStarts[start.line] ?? 0) + start.character,
  );
  const indent = /^[ \t]*/.exec(lineText)![0];
  // The word, its weight and the space before it go.
  const index = morph.terms.indexOf(term);
  const before = index > 0 ? morph.terms[index - 1]!.range.end : morph.keywordRange.end;
  return [
    { range: { start, end: start }, newText: `${line}\n${indent}` },
    { range: { start: before, end: term.range.end }, newText: "" },
  ];
}
