/**
 * Code lenses above each preset: "Preview" opens the client's preview panel on it, "Expand" (for a
 * preset with a morph) writes the morph out as band lines. Expand runs on the server, as
 * `workspace/executeCommand`, with the same edit as the "Expand into bands" code action.
 */
import type { CodeLens, TextEdit } from "vscode-languageserver";
import { expansionEdits, presetLabel } from "../../core/index.js";
import type { ParsedDocument } from "./documentStore.js";
import { type EqServices } from "../../core/index.js";
import { EXPAND_PRESET_COMMAND, OPEN_PREVIEW_COMMAND } from "../../protocol/index.js";

export class CodeLensProvider {
  constructor(private readonly services: EqServices) {}

  /**
   * Expand only on presets it can expand now: a morph whose words and weights the model resolves
   * (a lens that only answers with a warning teaches nothing). While the network loads there is
   * none; the server refreshes the lenses when it is in.
   */
  codeLenses(parsed: ParsedDocument): CodeLens[] {
    const lenses: CodeLens[] = [];
    const expandable = expansionEdits(parsed.text, parsed.presets, (terms) => this.services.resolveTerms(terms));
    parsed.presets.forEach((preset, index) => {
      const start = preset.range.start;
      const range = { start, end: start };
      lenses.push({
        range,
        command: { title: "Preview", command: OPEN_PREVIEW_COMMAND, arguments: [parsed.uri, start] },
      });
      if (expandable.has(preset))
        lenses.push({
          range,
          command: {
            title: "Expand",
            command: EXPAND_PRESET_COMMAND,
            arguments: [parsed.uri, index, parsed.version],
          },
        });
    });
    return lenses;
  }

  /**
   * The edit "Expand" makes to the document as it is now, or why there is none. Refuses a version
   * other than the one the lens was made for: the preset index may point elsewhere by now.
   */
  expandEdit(parsed: ParsedDocument, presetIndex: unknown, version: unknown): { edit: TextEdit } | { refused: string } {
    if (version !== parsed.version)
      return { refused: "The document changed since this lens was shown: use Expand again." };
    const preset = typeof presetIndex === "number" ? parsed.presets[presetIndex] : undefined;
    if (!preset?.morph) return { refused: "There is no morph to expand in this preset." };
    const edit = expansionEdits(parsed.text, [preset], (terms) => this.services.resolveTerms(terms)).get(preset);
    if (edit) return { edit };
    if (this.services.model.networkLoading)
      return { refused: "The model's network is still loading: try Expand again in a moment." };
    return { refused: `The morph of ${presetLabel(preset)} gives no bands: fix its words and weights first.` };
  }
}
