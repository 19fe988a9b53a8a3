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
import { SHELF_Q } from "../eq/index.js";
import { analyseCurve } from "../eq/index.js";
import { filterKindOf } from "../eq/index.js";
import { displayFrequency, displayGain, formatDecimal } from "../language/index.js";
import { FREQUENCY_DECIMALS, rounded } from "./written.js";
import type { ConcretePreset, ExportContext, ExportedPreset } from "./types.js";

export const APO_FILTER_TYPES = { lowshelf: "LSC", peaking: "PK", highshelf: "HSC" } as const;

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

export function apoFilterLines(preset: ConcretePreset): string[] {
  return preset.bands.map((band, index) => {
    const kind = filterKindOf(band.slot);
    const q = kind === "peaking" ? band.q : SHELF_Q;
    return `Filter ${index + 1}: ON ${APO_FILTER_TYPES[kind]} Fc ${apoFrequencyText(band.frequencyHz)} Hz Gain ${fixedText(band.gainDb, 1, 2)} dB Q ${fixedText(q, 2, 3)}`;
  });
}

export function exportApo(preset: ConcretePreset, context: ExportContext = {}): ExportedPreset {
  const analysis = analyseCurve(preset.bands, preset.sampleRate, preset.outputGainDb);
  const header = [
    `# ${preset.name !== undefined ? `"${preset.name}"` : "Preset"}${context.sourceName ? ` from ${context.sourceName}` : ""}, exported by eqp for Equalizer APO (AutoEQ ParametricEQ.txt)`,
  ];
  if (analysis.peakDb > 0) {
    header.push(
      `# Peak ${displayGain(analysis.peakDb)} at ${displayFrequency(analysis.peakFrequencyHz)}: lower the Preamp by ${formatDecimal(-analysis.suggestedPreGainDb, 1)} dB more to never clip.`,
    );
  }
  const lines = [...header, `Preamp: ${fixedText(preset.outputGainDb, 1, 2)} dB`, ...apoFilterLines(preset)];
  return { format: "apo", preset, text: `${lines.join("\n")}\n`, warnings: [] };
}
