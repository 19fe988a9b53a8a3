/**
 * How faithfully a target reproduces a preset. A target's realisation says, band by band, which
 * filter the target will actually run (a shelf at the target's fixed Q, a Q or gain clamped into
 * its range, a band dropped); its response is compared with the preset's exact response
 * (`responseDb`) on a log grid, and the largest difference is the error reported in dB.
 */
import { SHELF_Q, slotFacts, type EqBand, type NumericRange } from "../eq/index.js";
import { ANALYSIS_POINTS, topFrequency } from "../eq/index.js";
import { biquad, biquadMagnitudeDb, filterKindOf, logFrequencies, responseDb, type FilterKind } from "../eq/index.js";
import { butterworthQs, DEFAULT_PASS_SLOPE, firstOrderSection, isPassFilter, passOrder } from "../eq/index.js";
import { secondOrderSection, type Biquad } from "../eq/index.js";
import { displayFrequency, displayGain, formatDecimal } from "../language/index.js";
import type { ConcretePreset, ExportFormat, ExportWarning } from "./types.js";

/**
 * The sections a target can run: the cookbook's gain-bearing filters, its gainless second-order
 * high-pass, low-pass and notch (gain 0), and the first-order Butterworth high- and low-pass.
 */
export type TargetKind = FilterKind | "highpass" | "lowpass" | "notch" | "highpass1" | "lowpass1";

/** A filter as a target runs it, one section: the shelves' Q is explicit, because targets differ there. */
export interface TargetFilter {
  kind: TargetKind;
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
  /** The gainless sections the target runs (second-order high/low-pass and notch with Q, first-order); none when absent. */
  gainlessKinds?: readonly TargetKind[];
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

/** Whether a section changes the sound at 0 dB gain (the pass sections and the notch do). */
export function isGainless(kind: TargetKind): boolean {
  return kind !== "lowshelf" && kind !== "peaking" && kind !== "highshelf";
}

/** The sections a band runs as, exactly: one for a shelf, bell or notch, the Butterworth cascade for a pass filter. */
export function exactFilters(band: EqBand): TargetFilter[] {
  const at = { frequencyHz: band.frequencyHz, gainDb: 0 };
  if (band.slot === "notch") return [{ ...at, kind: "notch", q: band.q }];
  if (isPassFilter(band.slot)) {
    const order = passOrder(band.slopeDbPerOctave ?? DEFAULT_PASS_SLOPE);
    if (order === 2) return [{ ...at, kind: band.slot, q: band.q }];
    const sections: TargetFilter[] = butterworthQs(order).map((q) => ({ ...at, kind: band.slot as "highpass", q }));
    if (order % 2 === 1) sections.push({ ...at, kind: `${band.slot}1`, q: Math.SQRT1_2 });
    return sections;
  }
  const kind = filterKindOf(band.slot);
  return [{ kind, frequencyHz: band.frequencyHz, gainDb: band.gainDb, q: kind === "peaking" ? band.q : SHELF_Q }];
}

/** The biquad of one section at a sample rate. */
export function targetBiquad(filter: TargetFilter, sampleRate: number): Biquad {
  switch (filter.kind) {
    case "highpass1":
      return firstOrderSection("highpass", filter.frequencyHz, sampleRate);
    case "lowpass1":
      return firstOrderSection("lowpass", filter.frequencyHz, sampleRate);
    case "highpass":
    case "lowpass":
    case "notch":
      return secondOrderSection(filter.kind, filter.frequencyHz, filter.q, sampleRate);
    default:
      return biquad(filter.kind, filter.frequencyHz, filter.gainDb, filter.q, sampleRate);
  }
}

/** One band of the preset and what the target makes of it, section by section: none = dropped. */
export interface RealisedBand {
  band: EqBand;
  filters: TargetFilter[];
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
    if (filter.gainDb === 0 && !isGainless(filter.kind)) continue;
    const coefficients = targetBiquad(filter, sampleRate);
    for (let i = 0; i < frequencies.length; i++)
      out[i]! += biquadMagnitudeDb(coefficients, frequencies[i]!, sampleRate);
  }
  return out;
}

export interface Deviation {
  errorDb: number;
  atFrequencyHz: number;
}

/**
 * Where both curves are this far down, the difference is not one anyone hears: a 24 dB/oct
 * high-pass realised as two 12 dB/oct sections is "94 dB off" at 20 Hz only because −132 dB and
 * −38 dB differ, and both are silence beside the pass band. Levels below it count as the floor.
 */
export const SILENCE_FLOOR_DB = -60;

export function maxDeviation(reference: Float64Array, other: Float64Array, frequencies: Float64Array): Deviation {
  let errorDb = 0;
  let at = 0;
  for (let i = 0; i < reference.length; i++) {
    const difference = Math.abs(Math.max(reference[i]!, SILENCE_FLOOR_DB) - Math.max(other[i]!, SILENCE_FLOOR_DB));
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
  const filters = realisation.bands.flatMap((realised) => realised.filters);
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
  const exactByBand = preset.bands.map(exactFilters);
  const exact = filtersResponseDb(exactByBand.flat(), grid, preset.sampleRate, preset.outputGainDb);
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
  realisation.bands.forEach((realised) => {
    if (realised.changes.length === 0) return;
    // By identity, not position: a caller may pass some of the bands.
    const index = preset.bands.indexOf(realised.band);
    const filters = exactByBand.flatMap((sections, other) => (other === index ? realised.filters : sections));
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
 * The usual realisation: each band's gain, frequency and Q clamped into the target's ranges, the
 * shelves at the target's shelf Q, and each pass filter or notch as the sections the target runs
 * (fitted where it has no such section, the cost reported like any other change).
 */
export function realiseWithin(preset: ConcretePreset, target: string, limits: TargetLimits): Realisation {
  const bands = preset.bands.map((band): RealisedBand => {
    const [exact] = exactFilters(band);
    if (isGainless(exact!.kind)) return realiseGainless(band, preset.sampleRate, target, limits);
    const changes: string[] = [];
    const gain = clampInto(band.gainDb, limits.gain, "gain", target, " dB");
    const frequency = clampInto(band.frequencyHz, limits.frequency, "frequency", target, " Hz");
    let q = exact!.q;
    if (exact!.kind === "peaking") {
      const clamped = clampInto(band.q, limits.q, "Q", target);
      q = clamped.value;
      if (clamped.change) changes.push(clamped.change);
    } else if (limits.shelfQ !== SHELF_Q) {
      q = limits.shelfQ;
      changes.push(limits.shelfQReason ?? `shelf Q ${SHELF_Q} becomes ${formatDecimal(limits.shelfQ, 3)}`);
    }
    for (const change of [gain.change, frequency.change]) if (change) changes.push(change);
    return { band, filters: [{ kind: exact!.kind, frequencyHz: frequency.value, gainDb: gain.value, q }], changes };
  });
  const output = limits.outputGain
    ? clampInto(preset.outputGainDb, limits.outputGain, "output gain", target, " dB")
    : { value: preset.outputGainDb };
  return { bands, outputGainDb: output.value, outputChanges: output.change ? [output.change] : [] };
}

/** A pass filter or notch as the target runs it: its own sections where the target has them, fitted ones where not. */
function realiseGainless(band: EqBand, sampleRate: number, target: string, limits: TargetLimits): RealisedBand {
  const sections = exactFilters(band);
  const runs = limits.gainlessKinds ?? [];
  if (!sections.every((section) => runs.includes(section.kind) || runs.includes(secondOrderOf(section.kind))))
    return substituteBand(band, sampleRate, target, limits);
  const changes = new Set<string>();
  const filters = sections.map((section): TargetFilter => {
    const frequency = clampInto(section.frequencyHz, limits.frequency, "frequency", target, " Hz");
    if (frequency.change) changes.add(frequency.change);
    const placed = { ...section, frequencyHz: frequency.value };
    if (runs.includes(section.kind)) {
      if (section.kind.endsWith("1")) return placed;
      const q = clampInto(section.q, limits.q, "Q", target);
      if (q.change) changes.add(q.change);
      return { ...placed, q: q.value };
    }
    const kind = secondOrderOf(section.kind);
    const fitted = fitSection(placed, { ...placed, kind }, sampleRate, limits.q);
    changes.add(
      `${target} has no first-order section: the 6 dB/oct part runs as a 12 dB/oct section at ${displayFrequency(fitted.frequencyHz)}, Q ${formatDecimal(fitted.q, 3)}`,
    );
    return fitted;
  });
  return { band, filters, changes: [...changes] };
}

function secondOrderOf(kind: TargetKind): TargetKind {
  return kind === "highpass1" ? "highpass" : kind === "lowpass1" ? "lowpass" : kind;
}

/**
 * A pass filter or notch on a target with no such filter: the closest one gain-bearing filter at
 * the target's lowest gain (a deep bell for a notch, a deep shelf for a pass filter).
 */
function substituteBand(band: EqBand, sampleRate: number, target: string, limits: TargetLimits): RealisedBand {
  const kind: FilterKind = band.slot === "notch" ? "peaking" : band.slot === "highpass" ? "lowshelf" : "highshelf";
  const start: TargetFilter = {
    kind,
    frequencyHz: clampInto(band.frequencyHz, limits.frequency, "", target).value,
    gainDb: limits.gain.min,
    q: kind === "peaking" ? clampInto(band.q, limits.q, "", target).value : limits.shelfQ,
  };
  const fitted = fitSection(exactFilters(band), start, sampleRate, kind === "peaking" ? limits.q : undefined);
  const name = kind === "peaking" ? "bell" : "shelf";
  return {
    band,
    filters: [fitted],
    changes: [
      `${target} has no ${band.slot} filter: it runs as a ${displayGain(fitted.gainDb)} ${name} at ${displayFrequency(fitted.frequencyHz)}${kind === "peaking" ? `, Q ${formatDecimal(fitted.q, 3)}` : ""}`,
    ],
  };
}

/** Frequencies tried by a fit: a sixteenth of an octave apart, two octaves either side. */
const FIT_STEPS = 32;
/** Qs tried by a fit, log-spaced over the target's range (at most 0.1 to 30). */
const FIT_QS = 40;

/**
 * The section of `start`'s kind and gain whose response is closest (smallest largest error, on a
 * coarse grid) to `reference`'s, over frequency and, when `qRange` is given, Q.
 */
export function fitSection(
  reference: TargetFilter | readonly TargetFilter[],
  start: TargetFilter,
  sampleRate: number,
  qRange?: NumericRange,
): TargetFilter {
  const grid = comparisonGrid(sampleRate).filter((_, index) => index % 4 === 0);
  const wanted = filtersResponseDb(([] as TargetFilter[]).concat(reference), grid, sampleRate);
  const low = Math.max(qRange?.min ?? start.q, 0.1);
  const high = Math.min(qRange?.max ?? start.q, 30);
  const qs = qRange ? Array.from({ length: FIT_QS }, (_, i) => low * (high / low) ** (i / (FIT_QS - 1))) : [start.q];
  let best = start;
  let bestError = Infinity;
  for (let step = -FIT_STEPS; step <= FIT_STEPS; step++) {
    const frequencyHz = start.frequencyHz * 2 ** (step / 16);
    if (frequencyHz >= sampleRate / 2) continue;
    for (const q of qs) {
      const candidate = { ...start, frequencyHz, q };
      const error = maxDeviation(wanted, filtersResponseDb([candidate], grid, sampleRate), grid).errorDb;
      if (error < bestError) {
        best = candidate;
        bestError = error;
      }
    }
  }
  return best;
}
