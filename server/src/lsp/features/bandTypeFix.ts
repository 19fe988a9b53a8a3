/**
 * Quick fixes for a frequency that belongs to another band type. `bell 25kHz` in the first bell
 * slot is an air boost: clamping it to the slot's 3.9 kHz would turn it into a presence boost, a
 * different sound. The fix that keeps the intent changes the band type ("make it a high shelf") and
 * only then clamps to what that type can reach (the audible range, Nyquist, the shelf's SAFE range).
 * A clamp that moves a frequency further than a third of an octave is never the preferred fix.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from "vscode-languageserver";
import {
  AUDIBLE_RANGE,
  DiagnosticCode,
  displayFrequency,
  locate,
  SLOTS,
  writeFrequency,
  type BandStatement,
  type BandType,
  type ResolvedPreset,
} from "../../core/index.js";
import type { ParsedDocument } from "./documentStore.js";

const FREQUENCY_CODES: readonly string[] = [
  DiagnosticCode.FrequencyInaudible,
  DiagnosticCode.FrequencyAboveNyquist,
  DiagnosticCode.FrequencyOutsideBand,
];

/** A third of an octave: as far as a clamp may move a frequency and still be the same sound. */
const SAME_REGION_OCTAVES = 1 / 3;

const TYPE_NAMES: Record<BandType, string> = {
  lowshelf: "a low shelf",
  bell: "a bell",
  highshelf: "a high shelf",
  highpass: "a high-pass",
  lowpass: "a low-pass",
  notch: "a notch",
};

/** Whether clamping `from` to `to` keeps the frequency in its region of the spectrum. */
export function clampKeepsRegion(from: number, to: number): boolean {
  if (!(from > 0) || !(to > 0) || !Number.isFinite(from)) return false;
  return Math.abs(Math.log2(to / from)) <= SAME_REGION_OCTAVES;
}

/** The band type a frequency belongs to, when it is not the band's own: above or below every slot of its type. */
function belongingType(bandType: BandType, hz: number): BandType | undefined {
  const bells = SLOTS.filter((slot) => slot.bandType === "bell");
  const bellMin = Math.min(...bells.map((slot) => slot.frequency.min));
  const bellMax = Math.max(...bells.map((slot) => slot.frequency.max));
  const lowShelf = SLOTS.find((slot) => slot.bandType === "lowshelf")!.frequency;
  const highShelf = SLOTS.find((slot) => slot.bandType === "highshelf")!.frequency;
  switch (bandType) {
    case "bell":
      if (hz > bellMax) return "highshelf";
      if (hz < bellMin) return "lowshelf";
      return undefined;
    case "lowshelf":
      if (hz <= lowShelf.max) return undefined;
      return hz > bellMax ? "highshelf" : "bell";
    case "highshelf":
      if (hz >= highShelf.min) return undefined;
      return hz < bellMin ? "lowshelf" : "bell";
    default:
      // A filter's range is the audible range: no other type suits a frequency better.
      return undefined;
  }
}

/** Whether the preset has room for one more band of `type` once `band` stops being its own type. */
function hasRoom(preset: ResolvedPreset, band: BandStatement, type: BandType): boolean {
  const others = preset.bands.filter((candidate) => candidate.statement !== band && candidate.slot.bandType === type);
  const capacity = SLOTS.filter((slot) => slot.bandType === type).length;
  return others.length < capacity;
}

/**
 * "Make it a high shelf" for a frequency diagnostic, or nothing when the frequency fits its band type
 * (then only the clamp is offered). The edit changes the keyword, clamps the frequency to the new
 * type's range and drops a `q` a shelf would ignore.
 */
export function bandTypeFixes(parsed: ParsedDocument, diagnostic: Diagnostic): CodeAction[] {
  if (typeof diagnostic.code !== "string" || !FREQUENCY_CODES.includes(diagnostic.code)) return [];
  const found = locate(parsed.ast, diagnostic.range.start, parsed.presets);
  if (found?.kind !== "bandValue" || found.role !== "frequency") return [];
  const { band, preset, quantity } = found;
  const hz = quantity.value;
  if (!Number.isFinite(hz) || hz <= 0) return [];
  const type = belongingType(band.bandType, hz);
  if (!type || !hasRoom(preset, band, type)) return [];
  const slots = SLOTS.filter((slot) => slot.bandType === type);
  const min = Math.max(AUDIBLE_RANGE.min, Math.min(...slots.map((slot) => slot.frequency.min)));
  const max = Math.min(
    AUDIBLE_RANGE.max,
    Math.max(...slots.map((slot) => slot.frequency.max)),
    preset.sampleRate * 0.4999,
  );
  const target = Number(Math.min(max, Math.max(min, hz)).toPrecision(4));
  const edits: TextEdit[] = [{ range: band.keywordRange, newText: type }];
  if (target !== hz) edits.push({ range: quantity.range, newText: writeFrequency(target) });
  if (type !== "bell") {
    for (const parameter of band.parameters) {
      if (parameter.kind === "q") edits.push({ range: withLeadingSpace(parsed.text, parameter.range), newText: "" });
    }
  }
  const where = target !== hz ? ` at ${displayFrequency(target)}` : "";
  return [
    {
      title: `Make it ${TYPE_NAMES[type]}${where}: ${displayFrequency(hz)} is ${type === "lowshelf" || (type === "bell" && band.bandType === "highshelf") ? "below" : "above"} what ${TYPE_NAMES[band.bandType]} reaches`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: true,
      edit: { changes: { [parsed.uri]: edits } },
    },
  ];
}

function withLeadingSpace(text: string, range: Diagnostic["range"]): Diagnostic["range"] {
  const line = text.split(/\r\n|\r|\n/)[range.start.line] ?? "";
  let start = range.start.character;
  while (start > 0 && (line[start - 1] === " " || line[start - 1] === "\t")) start--;
  return { start: { line: range.start.line, character: start }, end: range.end };
}
