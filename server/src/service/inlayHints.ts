/**
 * Inlay hints: after each `morph`, the bands the model makes of it, compact
 * (`LS +2.1 dB@180 Hz · B1 −1.0 dB@420 Hz · … · HS +3.4 dB@6.1 kHz`). Slots the preset sets
 * explicitly are left out: the morph does not fill them. Nothing while the network loads.
 */
import type { InlayHint, Range } from "vscode-languageserver";
import { formatDecimal, isBefore, SLOTS, type EqBand } from "../core/index.js";
import type { ParsedDocument } from "./documentStore.js";
import type { EqServices } from "../core/index.js";
import { generatedSlotsShown, presetCurve } from "./preview.js";

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
        label: shown.map(compactBand).join(" · "),
        paddingLeft: true,
        tooltip:
          'The bands the model makes of this morph. Explicit bands of the preset replace their slots; "Expand into bands" writes these out.',
      });
    }
    return hints;
  }
}

/** `B1 −1.0 dB@420 Hz`: short slot name, gain to 0.1 dB with a true minus sign, frequency. */
export function compactBand(band: EqBand): string {
  const short = SLOTS.find((slot) => slot.id === band.slot)?.short ?? band.slot;
  const gain = Math.round(band.gainDb * 10) / 10;
  const gainText = `${gain > 0 ? "+" : gain < 0 ? "−" : ""}${Math.abs(gain).toFixed(1)} dB`;
  const hz = band.frequencyHz;
  const frequencyText = hz >= 1000 ? `${formatDecimal(hz / 1000, 1)} kHz` : `${Math.round(hz)} Hz`;
  return `${short} ${gainText}@${frequencyText}`;
}
