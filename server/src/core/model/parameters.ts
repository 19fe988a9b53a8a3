/**
 * The 13 parameters of the SAFE equaliser as the model sees them, and their FIXED normalisation.
 * Bounds are never computed from data: the predecessor did, and could not produce anything above
 * 7.9 kHz. Frequencies and Q are normalised on a log scale, gains linearly.
 */
import { GAIN_RANGE, Q_RANGE, SHELF_Q, SLOTS, clamp, type EqBand, type NumericRange, type SlotId } from "../eq/index.js";

export const PARAMETER_COUNT = 13;

export type ParameterKind = "gain" | "frequency" | "q";

export interface ParameterFacts {
  index: number;
  name: string;
  slot: SlotId;
  kind: ParameterKind;
  /** The SAFE plug-in's range: generated values are always inside it. */
  pluginRange: NumericRange;
}

/** The order of the SAFE-DB columns: LS gain, LS freq, then gain, freq, Q of each bell, then HS gain, HS freq. */
export const PARAMETERS: readonly ParameterFacts[] = (() => {
  const list: ParameterFacts[] = [];
  for (const slot of SLOTS) {
    const kinds: ParameterKind[] = slot.hasQ ? ["gain", "frequency", "q"] : ["gain", "frequency"];
    for (const kind of kinds) {
      const pluginRange = kind === "gain" ? GAIN_RANGE : kind === "q" ? Q_RANGE : slot.frequency;
      list.push({ index: list.length, name: `${slot.id}.${kind}`, slot: slot.id, kind, pluginRange });
    }
  }
  return list;
})();

export type BoundsScheme = "plugin" | "audible";

export interface ParameterBounds {
  scheme: BoundsScheme;
  /** Per parameter: the range mapped onto [0, 1], and whether on a log scale. */
  ranges: { min: number; max: number; log: boolean }[];
}

/**
 * "plugin": each frequency over its band's plug-in range; "audible": every frequency over
 * 20 Hz–20 kHz. Q over 0.1–10 (log), gains over ±12 dB (linear), in both.
 */
export function fixedBounds(scheme: BoundsScheme): ParameterBounds {
  return {
    scheme,
    ranges: PARAMETERS.map((parameter) => {
      if (parameter.kind === "gain") return { min: GAIN_RANGE.min, max: GAIN_RANGE.max, log: false };
      if (parameter.kind === "q") return { min: Q_RANGE.min, max: Q_RANGE.max, log: true };
      const range = scheme === "plugin" ? parameter.pluginRange : { min: 20, max: 20000 };
      return { min: range.min, max: range.max, log: true };
    }),
  };
}

export function normalise(values: ArrayLike<number>, bounds: ParameterBounds, out = new Float32Array(PARAMETER_COUNT), offset = 0): Float32Array {
  for (let i = 0; i < PARAMETER_COUNT; i++) {
    const range = bounds.ranges[i]!;
    const value = values[i]!;
    out[offset + i] = range.log ? Math.log(value / range.min) / Math.log(range.max / range.min) : (value - range.min) / (range.max - range.min);
  }
  return out;
}

/** Back to plug-in units, clamped into [0, 1] and then into the plug-in's ranges. */
export function denormalise(normalised: ArrayLike<number>, bounds: ParameterBounds, offset = 0): Float64Array {
  const out = new Float64Array(PARAMETER_COUNT);
  for (let i = 0; i < PARAMETER_COUNT; i++) {
    const range = bounds.ranges[i]!;
    const t = clamp(normalised[offset + i]!, { min: 0, max: 1 });
    const value = range.log ? range.min * Math.pow(range.max / range.min, t) : range.min + t * (range.max - range.min);
    out[i] = clamp(value, PARAMETERS[i]!.pluginRange);
  }
  return out;
}

/** The five bands of a 13-parameter vector. */
export function bandsOf(values: ArrayLike<number>): EqBand[] {
  return [
    { slot: "lowShelf", gainDb: values[0]!, frequencyHz: values[1]!, q: SHELF_Q },
    { slot: "bell1", gainDb: values[2]!, frequencyHz: values[3]!, q: values[4]! },
    { slot: "bell2", gainDb: values[5]!, frequencyHz: values[6]!, q: values[7]! },
    { slot: "bell3", gainDb: values[8]!, frequencyHz: values[9]!, q: values[10]! },
    { slot: "highShelf", gainDb: values[11]!, frequencyHz: values[12]!, q: SHELF_Q },
  ];
}

/** Sorts the three bells by frequency in place (the plug-in does not; 15% of SAFE-DB rows are unsorted). */
export function sortBells(values: number[]): number[] {
  const bells = [0, 1, 2].map((bell) => values.slice(2 + bell * 3, 5 + bell * 3));
  bells.sort((a, b) => a[1]! - b[1]!);
  bells.forEach((bell, index) => values.splice(2 + index * 3, 3, ...bell));
  return values;
}
