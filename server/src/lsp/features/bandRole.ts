/**
 * What a band line is to its preset, in words: which generated band it replaces or that it adds
 * to the morph's five (hover and inlay hints say the same), and a filter's hover rows.
 */
import {
  DEFAULT_PASS_SLOPE,
  displayFrequency,
  displayQ,
  displaySlope,
  isPassFilter,
  isSafeSlot,
  NOTCH_Q_RANGE,
  PASS_SLOPES,
  type ResolvedBand,
  type ResolvedPreset,
} from "../../core/index.js";

/** "replaces the morph's Bell 1", "adds to the morph's five bands", or undefined without a morph. */
export function bandRole(preset: ResolvedPreset, band: ResolvedBand): string | undefined {
  if (!preset.morph) return undefined;
  if (isSafeSlot(band.slot.id)) return `replaces the morph's ${band.slot.label}`;
  return band.slot.id === "bell" ? "adds to the morph's five bands" : "filters the morph's five bands";
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
