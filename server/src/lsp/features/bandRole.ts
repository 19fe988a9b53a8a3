/**
 * What a band line is to its preset, in words: which generated band it replaces or that it adds
 * to the morph's five (hover and inlay hints say the same), and a filter's hover rows.
 */
import {
  DEFAULT_PASS_SLOPE,
  displayFrequency,
  displayGain,
  displayQ,
  hasGain,
  displaySlope,
  isPassFilter,
  isSafeSlot,
  NOTCH_Q_RANGE,
  PASS_SLOPES,
  slotFacts,
  type EqBand,
  type ResolvedBand,
  type ResolvedPreset,
} from "../../core/index.js";

/**
 * "replaces the morph's Bell 2 (was 1.75 kHz +6 dB)", "adds a band to the morph's five", or
 * undefined without a morph. A line of SAFE's five slots takes that slot from the morph (core
 * effectiveBands); any other line comes after the five. `generated`: the morph's bands, when the
 * model has them, to say what the replaced one was.
 */
export function bandRole(
  preset: ResolvedPreset,
  band: ResolvedBand,
  generated?: readonly EqBand[],
): string | undefined {
  if (!preset.morph) return undefined;
  if (isSafeSlot(band.slot.id)) {
    const was = generated?.find((candidate) => candidate.slot === band.slot.id);
    const wasText = was ? ` (was ${displayFrequency(was.frequencyHz)} ${displayGain(was.gainDb)})` : "";
    return `replaces the morph's ${band.slot.label}${wasText}`;
  }
  return band.slot.id === "bell" ? "adds a band to the morph's five" : "filters the morph's five bands";
}

/** The hover table of a pass filter or notch: frequency, slope and Q with their ranges. */
export function filterRows(band: ResolvedBand, sampleRate: number): string[] {
  const nyquist = `20 Hz – ${displayFrequency(Math.min(20000, sampleRate / 2))} (below Nyquist)`;
  const frequency = band.frequencyHz !== undefined ? displayFrequency(band.frequencyHz) : "—";
  const rows = ["| | value | range |", "|---|---|---|", `| frequency | ${frequency} | ${nyquist} |`];
  if (isPassFilter(band.slot.id)) {
    const slope = band.slopeDbPerOctave ?? DEFAULT_PASS_SLOPE;
    rows.push(
      `| slope | ${displaySlope(slope)} (order ${slope / 6}, Butterworth) | ${PASS_SLOPES.join(", ")} dB/oct |`,
    );
    rows.push(
      slope === 12
        ? `| Q | ${displayQ(band.q)} | 0.1–10 (0.71 Butterworth) |`
        : `| Q | Butterworth per section | only at 12 dB/oct |`,
    );
  } else {
    rows.push(`| Q | ${displayQ(band.q)} | ${NOTCH_Q_RANGE.min}–${NOTCH_Q_RANGE.max} (30 by default) |`);
  }
  return rows;
}

/** A used chain's bands as a table, any band type (a filter's slope instead of its gain); undefined for none. */
export function usedChainTable(bands: readonly EqBand[]): string | undefined {
  if (bands.length === 0) return undefined;
  const rows = bands.map((band) => {
    const slot = slotFacts(band.slot);
    const gain = hasGain(band.slot) ? displayGain(band.gainDb) : "—";
    const shape =
      band.slopeDbPerOctave !== undefined ? `${band.slopeDbPerOctave} dB/oct` : slot.hasQ ? displayQ(band.q) : "—";
    return `| ${slot.label} | ${displayFrequency(band.frequencyHz)} | ${gain} | ${shape} |`;
  });
  return `| band | frequency | gain | Q / slope |\n|---|---|---|---|\n${rows.join("\n")}`;
}
