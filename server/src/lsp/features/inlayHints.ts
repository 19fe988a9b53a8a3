/**
 * Inlay hints: after each `morph`, the bands the model makes of it. VS Code cuts an inlay hint
 * after 43 characters (`editor.inlayHints.maximumLength`), so the label is the compact form, one
 * gain per slot (`→ LS+2.1 B1−1.0 B2+0.5 B3−0.3 HS+3.4 dB`, 40 characters for all five), and the
 * hint's own tooltip holds the full bands: frequency, gain and Q. Slots the preset sets explicitly
 * are left out: the morph does not fill them. Nothing while the network loads.
 */
import { MarkupKind, type InlayHint, type Range } from "vscode-languageserver";
import {
  displayFrequency,
  displayGain,
  displayGainCompact,
  displayQ,
  isBefore,
  SLOTS,
  type EqBand,
} from "../../core/index.js";
import type { ParsedDocument } from "./documentStore.js";
import type { EqServices } from "../../core/index.js";
import { generatedSlotsShown, presetCurve } from "./preview.js";

/** VS Code's default `editor.inlayHints.maximumLength`: a longer label ends in "…". */
export const INLAY_HINT_MAX_LENGTH = 43;

export class InlayHintProvider {
  constructor(private readonly services: EqServices) {}

  inlayHints(parsed: ParsedDocument, range: Range): InlayHint[] {
    const hints: InlayHint[] = [];
    for (const preset of parsed.presets) {
      const morph = preset.morph;
      if (!morph || isBefore(morph.range.end, range.start) || isBefore(range.end, morph.range.start)) continue;
      const generated = presetCurve(preset, this.services).generated;
      if (!generated) continue;
      const shown = generatedSlotsShown(preset, generated);
      if (shown.length === 0) continue;
      hints.push({
        position: morph.range.end,
        label: compactBands(shown),
        // Both sides: the weight before it and a comment after it never touch the label.
        paddingLeft: true,
        paddingRight: true,
        tooltip: { kind: MarkupKind.Markdown, value: bandsTooltip(shown, generated.length - shown.length) },
      });
    }
    return hints;
  }
}

/** ` → LS+2.1 B1−1.0 … dB`: short slot names, gains to 0.1 dB with a true minus sign, the unit once. */
export function compactBands(bands: readonly EqBand[]): string {
  // An en space first: VS Code's padding is a sliver, and an ASCII space would collapse.
  return `\u2002→ ${bands.map((band) => `${shortName(band)}${displayGainCompact(band.gainDb)}`).join(" ")} dB`;
}

function shortName(band: EqBand): string {
  return SLOTS.find((slot) => slot.id === band.slot)?.short ?? band.slot;
}

function bandsTooltip(bands: readonly EqBand[], replaced: number): string {
  const rows = bands.map((band) => {
    const slot = SLOTS.find((candidate) => candidate.id === band.slot);
    return `| ${slot?.label ?? band.slot} | ${displayFrequency(band.frequencyHz)} | ${displayGain(band.gainDb)} | ${slot?.hasQ ? displayQ(band.q) : "—"} |`;
  });
  const note =
    replaced > 0
      ? `The preset's explicit band${replaced === 1 ? " replaces its slot" : `s replace ${replaced} slots`}. `
      : "";
  return [
    "**The bands this morph makes**",
    `| band | frequency | gain | Q |\n|---|---|---|---|\n${rows.join("\n")}`,
    `${note}"Expand into bands" writes them out.`,
  ].join("\n\n");
}
