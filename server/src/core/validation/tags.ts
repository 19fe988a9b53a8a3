/**
 * Checks of `tags` lines: a tag makes its preset an example of a word, so a tag must name a word,
 * once, on a preset that has a sound, and never the word the preset's own morph is made of.
 */
import type { TagsStatement } from "../language/index.js";
import type { ResolvedPreset } from "../presets/index.js";
import { DiagnosticCode, type EqDiagnostic } from "./diagnostics.js";

type Add = (
  range: EqDiagnostic["range"],
  severity: EqDiagnostic["severity"],
  code: EqDiagnostic["code"],
  message: string,
) => void;

export function checkTags(preset: ResolvedPreset, add: Add): void {
  // Most presets have no tags line: look before building the list.
  if (!preset.statements.some((statement) => statement.kind === "tags")) return;
  const lines = preset.statements.filter((statement): statement is TagsStatement => statement.kind === "tags");
  const morphWords = new Set(preset.morph?.terms.map((term) => term.word) ?? []);
  const seen = new Set<string>();
  for (const line of lines) {
    if (line.tags.length === 0) {
      add(line.keywordRange, "error", DiagnosticCode.EmptyTags, "'tags' needs at least one word: tags punchy intimate");
    }
    for (const tag of line.tags) {
      if (seen.has(tag.word)) {
        add(tag.range, "warning", DiagnosticCode.DuplicateTag, `'${tag.word}' is already a tag of this preset`);
        continue;
      }
      seen.add(tag.word);
      if (morphWords.has(tag.word)) {
        add(
          tag.range,
          "error",
          DiagnosticCode.TagCircular,
          `This preset's morph uses '${tag.word}', so it cannot also be an example of '${tag.word}': write its bands out (Expand) or drop the tag`,
        );
      }
    }
  }
  // A preset that uses another has that one's sound, even with no line of its own.
  if (!preset.morph && preset.bands.length === 0 && preset.uses.length === 0) {
    const first = lines[0]!;
    add(
      first.keywordRange,
      "warning",
      DiagnosticCode.TagOnFlatPreset,
      `Preset has no bands and no morph: as an example it says '${[...seen].join(", ")}' sounds like a flat EQ`,
    );
  }
}
