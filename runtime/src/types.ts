/**
 * The preset document (`eqp export --format json`, schema `schema/presets-1.schema.json`) and the
 * shapes the runtime returns. Parameters are what a preset is; coefficients are a convenience.
 */

/** Filter types: RBJ cookbook shelves, bells and notches; Butterworth high- and low-passes. */
export type FilterType = "lowshelf" | "peaking" | "highshelf" | "highpass" | "lowpass" | "notch";

/** Butterworth slopes: 6 dB per octave per order. */
export const PASS_SLOPES = [6, 12, 18, 24, 36, 48] as const;
export type PassSlope = (typeof PASS_SLOPES)[number];

export interface ShelfOrBellFilter {
  type: "lowshelf" | "peaking" | "highshelf";
  frequencyHz: number;
  gainDb: number;
  /** RBJ Q; a shelf's Q too (the SAFE plug-in's shelves use 0.71). */
  q: number;
}

export interface PassFilter {
  type: "highpass" | "lowpass";
  frequencyHz: number;
  slopeDbPerOct: PassSlope;
  /** Only at 12 dB/oct (one biquad); default 1/√2, the Butterworth Q. */
  q?: number;
}

export interface NotchFilter {
  type: "notch";
  frequencyHz: number;
  q: number;
}

export type Filter = ShelfOrBellFilter | PassFilter | NotchFilter;

/** Normalised biquad coefficients (a0 = 1): y = b0 x + b1 x₁ + b2 x₂ − a1 y₁ − a2 y₂. */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

export interface Preset {
  name: string;
  /** Where the preset was written: the file (relative to where eqp ran) and its 1-based line. */
  source?: { file: string; line: number };
  outputGainDb: number;
  filters: Filter[];
  /** The model that resolved the preset's morph, when it had one. */
  model?: { id: string; weightsHash?: string };
  /** Per sample rate (a decimal string, "48000"): every filter's sections, in filter order. */
  coefficients?: Record<string, Biquad[]>;
}

export interface PresetDocument {
  $schema?: string;
  schemaVersion: 1;
  generator?: string;
  presets: Preset[];
}
