/**
 * Inlay hints: after each `morph`, the bands the model makes of it. VS Code cuts an inlay hint
 * after 43 characters (`editor.inlayHints.maximumLength`), so the label is the compact form, one
 * gain per slot (`→ LS+2.1 B1−1.0 B2+0.5 B3−0.3 HS+3.4 dB`, 40 characters for all five), and the
 * hint's own tooltip holds the full bands: frequency, gain and Q. Slots the preset sets explicitly
 * are left out: the morph does not fill them. Nothing while the network loads. Beside a morph, each
 * band line says which generated band it replaces or that it adds one; after each `use` line, the
 * chain the used preset brings in.
 */
import { MarkupKind, type InlayHint, type Range } from "vscode-languageserver";
import {
  displayFrequency,
  hasGain,
  isSafeSlot,
  type ResolvedPreset,
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
import { bandRole, usedChainTable } from "./bandRole.js";

/** VS Code's default `editor.inlayHints.maximumLength`: a longer label ends in "…". */
export const INLAY_HINT_MAX_LENGTH = 43;

export class InlayHintProvider {
  constructor(private readonly services: EqServices) {}

  inlayHints(parsed: ParsedDocument, range: Range): InlayHint[] {
    const hints: InlayHint[] = [];
    const within = (r: Range) => !isBefore(r.end, range.start) && !isBefore(range.end, r.start);
    for (const preset of parsed.presets) {
      if (!within(preset.range)) continue;
      const generated = preset.morph ? presetCurve(preset, this.services, parsed).generated : undefined;
      const morph = preset.morph;
      if (morph && generated && within(morph.range)) {
        const shown = generatedSlotsShown(preset, generated);
        if (shown.length > 0) hints.push(morphHint(morph.range, shown, generated.length - shown.length));
      }
      if (generated)
        hints.push(
          ...roleHints(preset, generated)
            .filter((hint) => within(hint.range))
            .map((h) => h.hint),
        );
      if (preset.uses.length > 0) hints.push(...this.useHints(preset, parsed, within));
    }
    return hints.sort((a, b) => (isBefore(a.position, b.position) ? -1 : isBefore(b.position, a.position) ? 1 : 0));
  }

  /** After each `use` line that finds its preset: what it brings in, compact, with the table as tooltip. */
  private useHints(preset: ResolvedPreset, parsed: ParsedDocument, within: (r: Range) => boolean): InlayHint[] {
    const resolver = this.services.useResolver();
    const home = this.services.homeOf(preset, parsed);
    const hints: InlayHint[] = [];
    for (const use of preset.uses) {
      if (!within(use.range) || resolver.problemAt(use, home)) continue;
      const found = resolver.target(use, home);
      if (!("home" in found)) continue;
      const chain = resolver.chain(found.home);
      hints.push({
        position: use.range.end,
        label: compactChain(chain.bands, chain.outputGainDb),
        paddingLeft: true,
        paddingRight: true,
        tooltip: {
          kind: MarkupKind.Markdown,
          value: [
            `**What this use brings in**: ${chain.bands.length} band${chain.bands.length === 1 ? "" : "s"}, output gain ${displayGain(chain.outputGainDb)}`,
            usedChainTable(chain.bands),
            "The preset's own lines apply after them.",
          ]
            .filter(Boolean)
            .join("\n\n"),
        },
      });
    }
    return hints;
  }
}

function morphHint(at: Range, shown: readonly EqBand[], replaced: number): InlayHint {
  return {
    position: at.end,
    label: compactBands(shown),
    // Both sides: the weight before it and a comment after it never touch the label.
    paddingLeft: true,
    paddingRight: true,
    tooltip: { kind: MarkupKind.Markdown, value: bandsTooltip(shown, replaced) },
  };
}

/**
 * Beside a morph: after each line of SAFE's five, the generated band it replaces (`replaces B2,
 * was 1.75k +6.0`); after each added bell, that it adds one. Pass filters and notches say nothing:
 * they cannot be mistaken for a morph's band.
 */
function roleHints(preset: ResolvedPreset, generated: readonly EqBand[]): { range: Range; hint: InlayHint }[] {
  const hints: { range: Range; hint: InlayHint }[] = [];
  for (const band of preset.bands) {
    const safe = isSafeSlot(band.slot.id);
    if (!safe && band.slot.id !== "bell") continue;
    const was = safe ? generated.find((candidate) => candidate.slot === band.slot.id) : undefined;
    if (safe && !was) continue;
    const label = was
      ? `\u2002replaces ${band.slot.short}, was ${compactFrequency(was.frequencyHz)} ${displayGainCompact(was.gainDb)} dB`
      : `\u2002adds a band to the morph's five`;
    const range = band.statement.range;
    hints.push({
      range,
      hint: {
        position: range.end,
        label,
        paddingLeft: true,
        paddingRight: true,
        tooltip: { kind: MarkupKind.Markdown, value: `This line ${bandRole(preset, band, generated)}.` },
      },
    });
  }
  return hints;
}

/**
 * ` → B@3k+2.0 HP80 LP3.4k`: a used chain in one short label, each band a letter or two with its
 * frequency (and gain where it has one; every bell a `B@`, whichever slot it holds: a bare `B3k`
 * would read as "Bell 3" beside the morph hints' `B3+1.3`), then the output gain; cut with "…"
 * before VS Code would.
 */
export function compactChain(bands: readonly EqBand[], outputGainDb: number): string {
  const parts = bands.map((band) => {
    const short =
      band.slot === "lowShelf" || band.slot === "highShelf" ? shortName(band) : (CHAIN_SHORT[band.slot] ?? "B@");
    const gain = hasGain(band.slot) ? displayGainCompact(band.gainDb) : "";
    return `${short}${compactFrequency(band.frequencyHz)}${gain}`;
  });
  if (Math.round(outputGainDb * 10) !== 0) parts.push(`out${displayGainCompact(outputGainDb)}`);
  if (parts.length === 0) return "\u2002→ flat";
  let label = "\u2002→";
  for (const [index, part] of parts.entries()) {
    const rest = index < parts.length - 1 ? " …".length : 0;
    if (label.length + 1 + part.length + rest > INLAY_HINT_MAX_LENGTH) return `${label} …`;
    label += ` ${part}`;
  }
  return label;
}

const CHAIN_SHORT: Partial<Record<string, string>> = { highpass: "HP", lowpass: "LP", notch: "NO" };

/** `80`, `3.4k`, `1.75k`, `12k`: three significant digits at most, `k` for kHz. */
function compactFrequency(hz: number): string {
  if (hz >= 1000) return `${Number((hz / 1000).toPrecision(3))}k`;
  return `${Math.round(hz)}`;
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
