/**
 * Equalizer APO's configuration syntax, as AutoEQ writes it (`ParametricEQ.txt`):
 *
 *   Preamp: -1.0 dB
 *   Filter 1: ON LSC Fc 120 Hz Gain -4.0 dB Q 0.71
 *   Filter 2: ON PK Fc 300 Hz Gain -2.0 dB Q 1.40
 *   Filter 3: ON HSC Fc 12000 Hz Gain 1.5 dB Q 0.71
 *
 * APO's LSC/PK/HSC are RBJ cookbook biquads with Q (its shelves take Q on LSC/HSC in the versions
 * AutoEQ targets), so the preset maps one to one. Frequencies are written with at most two decimals:
 * APO reads "1.500" as 1500 Hz (a Room EQ Wizard thousands separator), never three.
 */
import { analyseCurve, BUTTERWORTH_Q, SHELF_Q } from "../eq/index.js";
import { displayFrequency, displayGain, formatDecimal } from "../language/index.js";
import { assessRealisation, realiseWithin, type TargetFilter, type TargetKind, type TargetLimits } from "./fidelity.js";
import { FREQUENCY_DECIMALS, rounded } from "./written.js";
import type { ConcretePreset, ExportContext, ExportedPreset } from "./types.js";
import { GENERATOR_ID } from "./version.js";

export const APO_FILTER_TYPES = {
  lowshelf: "LSC",
  peaking: "PK",
  highshelf: "HSC",
  highpass: "HPQ",
  lowpass: "LPQ",
  notch: "NO",
} as const;
/** APO's high- and low-pass without a Q run at the Butterworth Q: written so when that is the Q. */
const BUTTERWORTH_TYPES = { highpass: "HP", lowpass: "LP" } as const;
/** The pass filter's Qs are written to 6 decimals: a cascade's Butterworth Qs (0.541196…) stay exact. */
const PASS_Q_DECIMALS = 6;

/**
 * APO runs the cookbook's filters at any value; it has no first-order section (its parser knows
 * none), so a 6 dB/oct part is fitted as a 12 dB/oct one and its cost reported.
 */
export const APO_LIMITS: TargetLimits = {
  gain: { min: -Infinity, max: Infinity },
  frequency: { min: 0, max: Infinity },
  q: { min: 0.01, max: Infinity },
  shelfQ: SHELF_Q,
  gainlessKinds: ["highpass", "lowpass", "notch"] satisfies TargetKind[],
};

/** A number with at least `min` and at most `max` decimals: "3.0", "2.35", "0.71". */
export function fixedText(value: number, min: number, max: number): string {
  const exact = formatDecimal(rounded(value, max), max);
  const decimals = exact.includes(".") ? exact.length - exact.indexOf(".") - 1 : 0;
  const text = decimals >= min ? exact : rounded(value, max).toFixed(min);
  return text === "-0" || /^-0\.0*$/.test(text) ? text.slice(1) : text;
}

export function apoFrequencyText(hz: number): string {
  return formatDecimal(rounded(hz, FREQUENCY_DECIMALS), FREQUENCY_DECIMALS);
}

/** One `Filter n:` line's type and parameters after Fc. */
function apoFilterText(filter: TargetFilter): string {
  const fc = `Fc ${apoFrequencyText(filter.frequencyHz)} Hz`;
  if (filter.kind === "highpass" || filter.kind === "lowpass") {
    if (Math.abs(filter.q - BUTTERWORTH_Q) < 1e-9) return `${BUTTERWORTH_TYPES[filter.kind]} ${fc}`;
    return `${APO_FILTER_TYPES[filter.kind]} ${fc} Q ${fixedText(filter.q, 2, PASS_Q_DECIMALS)}`;
  }
  if (filter.kind === "notch") return `NO ${fc} Q ${fixedText(filter.q, 2, 3)}`;
  if (filter.kind === "highpass1" || filter.kind === "lowpass1") throw new Error("APO has no first-order section");
  return `${APO_FILTER_TYPES[filter.kind]} ${fc} Gain ${fixedText(filter.gainDb, 1, 2)} dB Q ${fixedText(filter.q, 2, 3)}`;
}

export function apoFilterLines(filters: readonly TargetFilter[]): string[] {
  return filters.map((filter, index) => `Filter ${index + 1}: ON ${apoFilterText(filter)}`);
}

export function exportApo(preset: ConcretePreset, context: ExportContext = {}): ExportedPreset {
  const analysis = analyseCurve(preset.bands, preset.sampleRate, preset.outputGainDb);
  const header = [
    `# ${preset.name !== undefined ? `"${preset.name}"` : "Preset"}${context.sourceName ? ` from ${context.sourceName}` : ""}, exported by ${GENERATOR_ID} for Equalizer APO (AutoEQ ParametricEQ.txt)`,
  ];
  if (analysis.peakDb > 0) {
    header.push(
      `# Peak ${displayGain(analysis.peakDb)} at ${displayFrequency(analysis.peakFrequencyHz)}: lower the Preamp by ${formatDecimal(-analysis.suggestedPreGainDb, 1)} dB more to never clip.`,
    );
  }
  const realisation = realiseWithin(preset, "Equalizer APO", APO_LIMITS);
  const warnings = assessRealisation("apo", preset, realisation);
  header.push(...warnings.map((warning) => `# ${warning.severity}: ${warning.message}`));
  const filters = realisation.bands.flatMap((realised) => realised.filters);
  const lines = [...header, `Preamp: ${fixedText(preset.outputGainDb, 1, 2)} dB`, ...apoFilterLines(filters)];
  return { format: "apo", preset, text: `${lines.join("\n")}\n`, warnings };
}
