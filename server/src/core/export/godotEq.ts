/**
 * Godot's graphic EQ (AudioEffectEQ6/10/21, servers/audio/effects/eq.cpp and audio_effect_eq.cpp):
 * a bank of band-passes in parallel, each y[n] = c1 (x[n] − x[n−2]) + c3 y[n−1] − c2 y[n−2], their
 * outputs summed, each times its band's gain (a linear factor of the band's `band_db/<f>_hz`). The
 * coefficients come from the band's centre and its neighbours' (recalculate_band_coefficients),
 * here as Godot computes them, so that the response of a set of gains can be known and fitted.
 */

/** AudioEffectEQ21's centres (EQ::PRESET_21_BANDS). */
export const GODOT_EQ21_FREQUENCIES = [
  22, 32, 44, 63, 90, 125, 175, 250, 350, 500, 700, 1000, 1400, 2000, 2800, 4000, 5600, 8000, 11000, 16000, 22000,
] as const;
/** AudioEffectEQ6's and AudioEffectEQ10's centres (EQ::PRESET_6_BANDS, PRESET_10_BANDS). */
export const GODOT_EQ6_FREQUENCIES = [32, 100, 320, 1000, 3200, 10000] as const;
export const GODOT_EQ10_FREQUENCIES = [31.25, 62.5, 125, 250, 500, 1000, 2000, 4000, 8000, 16000] as const;
/** The range of a band's gain in the inspector ("-60,24,0.1"). */
export const GODOT_EQ_GAIN_DB = { min: -60, max: 24 };

export interface GodotBand {
  c1: number;
  c2: number;
  c3: number;
}

function solveQuadratic(a: number, b: number, c: number): number | undefined {
  const base = 2 * a;
  if (base === 0) return undefined;
  const squared = b * b - 4 * a * c;
  if (squared < 0) return undefined;
  return (-b + Math.sqrt(squared)) / base;
}

/** Each band's coefficients at a mix rate, as EQ::recalculate_band_coefficients computes them. */
export function godotBands(frequencies: readonly number[], mixRate: number): GodotBand[] {
  const log2 = Math.log2;
  return frequencies.map((frequency, i) => {
    let octaveSize: number;
    if (i === 0) octaveSize = log2(frequencies[1]!) - log2(frequency);
    else if (i === frequencies.length - 1) octaveSize = log2(frequency) - log2(frequencies[i - 1]!);
    else octaveSize = (log2(frequencies[i + 1]!) - log2(frequency) + (log2(frequency) - log2(frequencies[i - 1]!))) / 2;
    const low = Math.round(frequency / 2 ** (octaveSize / 2));
    const side = 0.5; // SQRT12 squared
    const th = (2 * Math.PI * frequency) / mixRate;
    const thL = (2 * Math.PI * low) / mixRate;
    const cos = Math.cos(th);
    const cosL = Math.cos(thL);
    const sinL2 = Math.sin(thL) ** 2;
    const a = side * cos * cos - 2 * side * cosL * cos + side - sinL2;
    const b = 2 * side * cosL * cosL + side * cos * cos - 2 * side * cosL * cos - side + sinL2;
    const c = 0.25 * side * cos * cos - 0.5 * side * cosL * cos + 0.25 * side - 0.25 * sinL2;
    const r1 = solveQuadratic(a, b, c) ?? 0;
    return { c1: 2 * ((0.5 - r1) / 2), c2: 2 * r1, c3: 2 * (0.5 + r1) * cos };
  });
}

/** One band's complex response at angular frequency w: c1 (1 − z⁻²) / (1 − c3 z⁻¹ + c2 z⁻²). */
function bandResponse(band: GodotBand, w: number): [number, number] {
  const nr = band.c1 * (1 - Math.cos(2 * w));
  const ni = band.c1 * Math.sin(2 * w);
  const dr = 1 - band.c3 * Math.cos(w) + band.c2 * Math.cos(2 * w);
  const di = band.c3 * Math.sin(w) - band.c2 * Math.sin(2 * w);
  const d = dr * dr + di * di;
  return [(nr * dr + ni * di) / d, (ni * dr - nr * di) / d];
}

/** The bank's magnitude in dB at each frequency for the bands' gains in dB. */
export function godotEqResponseDb(
  gainsDb: readonly number[],
  frequencies: ArrayLike<number>,
  mixRate: number,
  centres: readonly number[] = GODOT_EQ21_FREQUENCIES,
): Float64Array {
  const bands = godotBands(centres, mixRate);
  const out = new Float64Array(frequencies.length);
  for (let k = 0; k < frequencies.length; k++) {
    const w = (2 * Math.PI * frequencies[k]!) / mixRate;
    let re = 0;
    let im = 0;
    bands.forEach((band, j) => {
      const [r, i] = bandResponse(band, w);
      const gain = 10 ** (gainsDb[j]! / 20);
      re += gain * r;
      im += gain * i;
    });
    out[k] = 10 * Math.log10(re * re + im * im);
  }
  return out;
}

/** Solves the small symmetric system A x = b (Gaussian elimination with partial pivoting). */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]! || 1e-30;
    for (let row = col + 1; row < n; row++) {
      const factor = a[row]![col]! / p;
      for (let k = col; k <= n; k++) a[row]![k]! -= factor * a[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row]![n]!;
    for (let k = row + 1; k < n; k++) sum -= a[row]![k]! * x[k]!;
    x[row] = sum / (a[row]![row]! || 1e-30);
  }
  return x;
}

/**
 * Band gains (dB, within Godot's range) whose summed response is closest to `wantedDb`: least
 * squares on the complex sum with the wanted magnitude and the current phase, repeated (the phase
 * of a parallel bank is not free), with a small ridge so that neighbouring bands do not fight.
 */
export function fitGodotEq(
  wantedDb: Float64Array,
  frequencies: Float64Array,
  mixRate: number,
  centres: readonly number[] = GODOT_EQ21_FREQUENCIES,
): number[] {
  const bands = godotBands(centres, mixRate);
  const basis = Array.from(frequencies, (f) => bands.map((band) => bandResponse(band, (2 * Math.PI * f) / mixRate)));
  const wanted = Array.from(wantedDb, (db) => 10 ** (db / 20));
  const lowest = 10 ** (GODOT_EQ_GAIN_DB.min / 20);
  const highest = 10 ** (GODOT_EQ_GAIN_DB.max / 20);
  let gains = bands.map(() => 1);
  for (let iteration = 0; iteration < 15; iteration++) {
    const matrix = bands.map(() => bands.map(() => 0));
    const vector = bands.map(() => 0);
    basis.forEach((row, k) => {
      const re = row.reduce((sum, [r], j) => sum + gains[j]! * r, 0);
      const im = row.reduce((sum, [, i], j) => sum + gains[j]! * i, 0);
      const magnitude = Math.hypot(re, im) || 1;
      const [tr, ti] = [(wanted[k]! * re) / magnitude, (wanted[k]! * im) / magnitude];
      row.forEach(([rj, ij], j) => {
        vector[j]! += rj * tr + ij * ti;
        row.forEach(([rl, il], l) => (matrix[j]![l]! += rj * rl + ij * il));
      });
    });
    matrix.forEach((row, j) => (row[j]! += 1e-3 * frequencies.length * 1e-3));
    gains = solve(matrix, vector).map((gain) => Math.min(Math.max(gain, lowest), highest));
  }
  return gains.map((gain) => 20 * Math.log10(gain));
}
