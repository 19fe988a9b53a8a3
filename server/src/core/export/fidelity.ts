/**
 * How faithfully a target reproduces a preset. A target's realisation says, band by band, which
 * filter the target will actually run (a shelf at the target's fixed Q, a Q or gain clamped into
 * its range, a band dropped); its response is compared with the preset's exact response
 * (`responseDb`) on a log grid, and the largest difference is the error reported in dB.
 */
import { SHELF_Q, slotFacts, type EqBand, type NumericRange } from "../eq/index.js";
import { ANALYSIS_POINTS, topFrequency } from "../eq/index.js";
import { biquad, biquadMagnitudeDb, filterKindOf, logFrequencies, responseDb, type FilterKind } from "../eq/index.js";
import { displayFrequency, displayGain, formatDecimal } from "../language/index.js";
import type { ConcretePreset, ExportFormat, ExportWarning } from "./types.js";

/** A filter as a target runs it: the shelves' Q is explicit, because targets differ there. */
export interface TargetFilter {
  kind: FilterKind;
  frequencyHz: number;
  gainDb: number;
  q: number;
}

/** Errors below this are reported as notes, not warnings: far below what anyone hears. */
export const AUDIBLE_ERROR_DB = 0.1;
/** Errors below this are not reported at all: they print as 0.00 dB. */
export const NEGLIGIBLE_ERROR_DB = 0.005;

/** The shelf Q of targets that ignore Q and use the cookbook's slope S = 1 instead. */
export const SLOPE_ONE_SHELF_Q = Math.SQRT1_2;

/** A target's ranges and the Q its shelves run at, as `realiseWithin` applies them. */
export interface TargetLimits {
  gain: NumericRange;
  frequency: NumericRange;
  q: NumericRange;
  shelfQ: number;
  /** Why the shelves differ from SAFE's, when `shelfQ` is not SHELF_Q. */
  shelfQReason?: string;
  outputGain?: NumericRange;
}

/**
 * The shelves of a target that ignores their Q and runs the cookbook's slope S = 1 (FMOD, Wwise,
 * Web Audio), with the reason each shelf's note gives: "<ignoring> (slope S = 1, Q ≈ 0.707 instead
 * of 0.71)"; `assumed` when the target does not document the slope.
 */
export function slopeOneShelves(ignoring: string, assumed = false): Pick<TargetLimits, "shelfQ" | "shelfQReason"> {
  return {
    shelfQ: SLOPE_ONE_SHELF_Q,
    shelfQReason: `${ignoring} (${assumed ? "assumed " : ""}slope S = 1, Q ≈ ${formatDecimal(SLOPE_ONE_SHELF_Q, 3)} instead of ${SHELF_Q})`,
  };
}

export function exactFilter(band: EqBand): TargetFilter {
  const kind = filterKindOf(band.slot);
  return { kind, frequencyHz: band.frequencyHz, gainDb: band.gainDb, q: kind === "peaking" ? band.q : SHELF_Q };
}

/** One band of the preset and what the target makes of it: undefined = dropped. */
export interface RealisedBand {
  band: EqBand;
  filter: TargetFilter | undefined;
  /** Why the target's filter differs from the band ("Q 0.3 raised to Wwise's minimum 0.5"). */
  changes: string[];
}

export interface Realisation {
  bands: RealisedBand[];
  outputGainDb: number;
  outputChanges: string[];
}

export function comparisonGrid(sampleRate: number): Float64Array {
  return logFrequencies(ANALYSIS_POINTS, 20, topFrequency(sampleRate));
}

export function filtersResponseDb(
  filters: readonly TargetFilter[],
  frequencies: Float64Array,
  sampleRate: number,
  outputGainDb = 0,
): Float64Array {
  const out = new Float64Array(frequencies.length).fill(outputGainDb);
  for (const filter of filters) {
    if (filter.gainDb === 0) continue;
    const coefficients = biquad(filter.kind, filter.frequencyHz, filter.gainDb, filter.q, sampleRate);
    for (let i = 0; i < frequencies.length; i++)
      out[i]! += biquadMagnitudeDb(coefficients, frequencies[i]!, sampleRate);
  }
  return out;
}

export interface Deviation {
  errorDb: number;
  atFrequencyHz: number;
}

export function maxDeviation(reference: Float64Array, other: Float64Array, frequencies: Float64Array): Deviation {
  let errorDb = 0;
  let at = 0;
  for (let i = 0; i < reference.length; i++) {
    const difference = Math.abs(reference[i]! - other[i]!);
    if (difference > errorDb) {
      errorDb = difference;
      at = i;
    }
  }
  return { errorDb, atFrequencyHz: frequencies[at] ?? 0 };
}

/** The error of a whole realisation against the preset's exact response. */
export function realisationDeviation(preset: ConcretePreset, realisation: Realisation): Deviation {
  const grid = comparisonGrid(preset.sampleRate);
  const exact = responseDb(preset.bands, grid, preset.sampleRate, preset.outputGainDb);
  const filters = realisation.bands.flatMap((realised) => (realised.filter ? [realised.filter] : []));
  return maxDeviation(exact, filtersResponseDb(filters, grid, preset.sampleRate, realisation.outputGainDb), grid);
}

/**
 * A warning per band the target changes, each with the error of that change alone, and one for the
 * whole preset when several changes add up. Nothing below 0.005 dB is reported.
 */
export function assessRealisation(
  format: ExportFormat,
  preset: ConcretePreset,
  realisation: Realisation,
): ExportWarning[] {
  const grid = comparisonGrid(preset.sampleRate);
  const exactFilters = preset.bands.map(exactFilter);
  const exact = filtersResponseDb(exactFilters, grid, preset.sampleRate, preset.outputGainDb);
  const warnings: ExportWarning[] = [];
  const push = (message: string, deviation: Deviation, slot?: EqBand["slot"]) => {
    if (deviation.errorDb < NEGLIGIBLE_ERROR_DB) return;
    warnings.push({
      format,
      preset: preset.name,
      slot,
      severity: deviation.errorDb >= AUDIBLE_ERROR_DB ? "warning" : "note",
      message: `${message}: ${describeDeviation(deviation)}`,
      errorDb: deviation.errorDb,
      atFrequencyHz: deviation.atFrequencyHz,
    });
  };
  realisation.bands.forEach((realised, index) => {
    if (realised.changes.length === 0) return;
    const filters = exactFilters
      .map((filter, other) => (other === index ? realised.filter : filter))
      .filter((filter): filter is TargetFilter => filter !== undefined);
    const label = `${slotFacts(realised.band.slot).label} (${bandSummary(realised.band)})`;
    push(
      `${label}: ${realised.changes.join("; ")}`,
      maxDeviation(exact, filtersResponseDb(filters, grid, preset.sampleRate, preset.outputGainDb), grid),
      realised.band.slot,
    );
  });
  if (realisation.outputChanges.length > 0) {
    const errorDb = Math.abs(realisation.outputGainDb - preset.outputGainDb);
    push(`output gain ${displayGain(preset.outputGainDb)}: ${realisation.outputChanges.join("; ")}`, {
      errorDb,
      atFrequencyHz: grid[0]!,
    });
  }
  if (warnings.length > 1) push("all changes together", realisationDeviation(preset, realisation));
  return warnings;
}

export function describeDeviation(deviation: Deviation): string {
  return `up to ${deviation.errorDb.toFixed(2)} dB off at ${displayFrequency(deviation.atFrequencyHz)}`;
}

export function bandSummary(band: EqBand): string {
  const facts = slotFacts(band.slot);
  return `${displayFrequency(band.frequencyHz)} ${displayGain(band.gainDb)}${facts.hasQ ? ` Q ${formatDecimal(band.q, 3)}` : ""}`;
}

/** Clamps a value into a target's range and says so in words. */
export function clampInto(
  value: number,
  range: NumericRange,
  what: string,
  target: string,
  unit = "",
): { value: number; change?: string } {
  const format = (number: number) => `${formatDecimal(number, 3)}${unit}`;
  if (value < range.min)
    return { value: range.min, change: `${what} ${format(value)} raised to ${target}'s minimum ${format(range.min)}` };
  if (value > range.max)
    return { value: range.max, change: `${what} ${format(value)} lowered to ${target}'s maximum ${format(range.max)}` };
  return { value };
}

/**
 * The usual realisation: each band's gain, frequency and Q clamped into the target's ranges, and
 * the shelves at the target's shelf Q.
 */
export function realiseWithin(preset: ConcretePreset, target: string, limits: TargetLimits): Realisation {
  const bands = preset.bands.map((band): RealisedBand => {
    const exact = exactFilter(band);
    const changes: string[] = [];
    const gain = clampInto(band.gainDb, limits.gain, "gain", target, " dB");
    const frequency = clampInto(band.frequencyHz, limits.frequency, "frequency", target, " Hz");
    let q = exact.q;
    if (exact.kind === "peaking") {
      const clamped = clampInto(band.q, limits.q, "Q", target);
      q = clamped.value;
      if (clamped.change) changes.push(clamped.change);
    } else if (limits.shelfQ !== SHELF_Q) {
      q = limits.shelfQ;
      changes.push(limits.shelfQReason ?? `shelf Q ${SHELF_Q} becomes ${formatDecimal(limits.shelfQ, 3)}`);
    }
    for (const change of [gain.change, frequency.change]) if (change) changes.push(change);
    return { band, filter: { kind: exact.kind, frequencyHz: frequency.value, gainDb: gain.value, q }, changes };
  });
  const output = limits.outputGain
    ? clampInto(preset.outputGainDb, limits.outputGain, "output gain", target, " dB")
    : { value: preset.outputGainDb };
  return { bands, outputGainDb: output.value, outputChanges: output.change ? [output.change] : [] };
}
