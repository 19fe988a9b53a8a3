/**
 * A GraphicEQ-only Equalizer APO file (AutoEQ's GraphicEQ.txt: `GraphicEQ: 20 -1.2; 21 -1.3; …`)
 * as a preset: the curve, read as APO reads it, fitted with the core fitter (SAFE's five bands,
 * added bells and the pass filters that earn their place: fit/fitMoreBands.ts), and the error of
 * the fit stated. APO interpolates a GraphicEQ linearly over log frequency and holds the end
 * values beyond its first and last points; several GraphicEQ lines run in series (their dB add).
 */
import { DEFAULT_SAMPLE_RATE, hasGain, isPassFilter, slotFacts, type EqBand } from "../eq/index.js";
import { AUDIBLE_ERROR_DB, comparisonGrid, writtenFrequency, writtenGain, writtenQ } from "../export/index.js";
import { fitMoreBands } from "../fit/index.js";
import { formatDecimal, writeGain } from "../language/index.js";
import { bandLine } from "../presets/index.js";
import { bandsResponseDb, totalCost, type TotalCost } from "./apoFit.js";
import type { ApoLine } from "./apoParser.js";
import type { ImportedChannelPreset, ImportWarning } from "./apoToPreset.js";

type Problem = { line: number; column: number; message: string };

/** A GraphicEQ line of the file: its line number and full text. */
export interface GraphicLine {
  line: number;
  text: string;
}

interface GraphicPoint {
  hz: number;
  db: number;
}

/** Bells the fit may add to SAFE's five: 13 bands at most, about what AutoEQ's own parametric files use (10). */
const EXTRA_BELLS = 8;
/** A GraphicEQ gain beyond this is no headphone correction: a typo or a broken file. */
const ABSURD_GRAPHIC_DB = 60;
/** Points the fit works on: an eighth of the comparison grid, as the parametric import's fit. */
const FIT_STRIDE = 8;
/** The rate the import compares at, as the parametric import. */
const SAMPLE_RATE = DEFAULT_SAMPLE_RATE;

/** The points of a `GraphicEQ:` line, or the first bad entry with its column (1-based). */
export function parseGraphicLine(source: GraphicLine): { points: GraphicPoint[] } | { error: Problem } {
  const colon = source.text.indexOf(":");
  const points: GraphicPoint[] = [];
  let offset = colon + 1;
  for (const entry of source.text.slice(colon + 1).split(";")) {
    const start = offset + (entry.length - entry.trimStart().length);
    offset += entry.length + 1;
    if (entry.trim() === "") continue;
    const fail = (message: string): { error: Problem } => ({
      error: { line: source.line, column: start + 1, message },
    });
    const parts = entry.trim().split(/\s+/);
    const [hz, db] = parts.map(Number);
    if (parts.length !== 2 || !Number.isFinite(hz) || !Number.isFinite(db))
      return fail(`a GraphicEQ point is a frequency and a gain in dB, e.g. '1000 -2.5', not '${entry.trim()}'`);
    if (hz! <= 0) return fail(`a GraphicEQ frequency must be above 0 Hz, not ${entry.trim().split(/\s+/)[0]}`);
    if (Math.abs(db!) > ABSURD_GRAPHIC_DB)
      return fail(`a GraphicEQ gain of ${formatDecimal(db!, 2)} dB is beyond ±${ABSURD_GRAPHIC_DB} dB`);
    const previous = points.at(-1);
    if (previous && hz! <= previous.hz)
      return fail(
        `GraphicEQ frequencies must rise: ${formatDecimal(hz!, 2)} Hz comes after ${formatDecimal(previous.hz, 2)} Hz`,
      );
    points.push({ hz: hz!, db: db! });
  }
  if (points.length === 0)
    return {
      error: { line: source.line, column: colon + 2, message: "a GraphicEQ line needs points: 'frequency gain; …'" },
    };
  return { points };
}

/** The curve on `grid` as APO runs it: linear in log frequency, the end values held beyond the ends. */
export function graphicResponseDb(points: readonly GraphicPoint[], grid: Float64Array): Float64Array {
  const out = new Float64Array(grid.length);
  let at = 0;
  for (let i = 0; i < grid.length; i++) {
    const hz = grid[i]!;
    while (at < points.length - 1 && points[at + 1]!.hz <= hz) at++;
    const low = points[at]!;
    const high = points[at + 1];
    if (hz <= low.hz || !high) out[i] = low.db;
    else {
      const t = Math.log(hz / low.hz) / Math.log(high.hz / low.hz);
      out[i] = low.db + t * (high.db - low.db);
    }
  }
  return out;
}

export interface GraphicFit {
  bands: EqBand[];
  /** The fitted preset against the file's curve (with its preamp). */
  total: TotalCost;
  /** A flat preset (the preamp alone) against the same curve: what the fit gained. */
  flatMaxDb: number;
}

/**
 * The GraphicEQ lines' curve plus `gainDb` (the preamp), fitted with bands written at the
 * precision the import writes, so the error measured is the error of the written text.
 */
export function fitGraphicCurve(
  curves: readonly (readonly GraphicPoint[])[],
  sampleRate: number,
  gainDb: number,
): GraphicFit {
  const grid = comparisonGrid(sampleRate);
  const reference = new Float64Array(grid.length).fill(gainDb);
  for (const points of curves) {
    const curve = graphicResponseDb(points, grid);
    for (let i = 0; i < grid.length; i++) reference[i]! += curve[i]!;
  }
  const points = Math.ceil(grid.length / FIT_STRIDE);
  const pick = (i: number) => Math.min(grid.length - 1, i * FIT_STRIDE);
  const frequencies = Float64Array.from({ length: points }, (_, i) => grid[pick(i)]!);
  const target = Float64Array.from({ length: points }, (_, i) => reference[pick(i)]! - gainDb);
  const fit = fitMoreBands(frequencies, target, {
    sampleRate,
    extraBells: EXTRA_BELLS,
    passes: ["highpass", "lowpass"],
  });
  // A band the written precision leaves at 0 dB does nothing; a pass filter has no gain to lose.
  const bands = fit.bands.map(writtenBand).filter((band) => !hasGain(band.slot) || band.gainDb !== 0);
  const total = totalCost(reference, bandsResponseDb(bands, grid, sampleRate, gainDb), grid);
  const flat = totalCost(reference, new Float64Array(grid.length).fill(gainDb), grid);
  return { bands, total, flatMaxDb: flat.maxDb };
}

/** A fitted band as the import writes it: 4 significant digits of frequency, 0.01 dB, Q to 0.001. */
function writtenBand(band: EqBand): EqBand {
  const written: EqBand = {
    slot: band.slot,
    frequencyHz: writtenFrequency(Number(band.frequencyHz.toPrecision(4))),
    gainDb: writtenGain(band.gainDb),
    // A pass filter keeps its exact Butterworth Q: rounded, it would read as a user Q.
    q: slotFacts(band.slot).hasQ && !isPassFilter(band.slot) ? writtenQ(band.q) : band.q,
  };
  if (band.slopeDbPerOctave !== undefined) written.slopeDbPerOctave = band.slopeDbPerOctave;
  return written;
}

/** What convertChain made of a chain, as far as a GraphicEQ-only chain replaces it. */
export interface ChainPreset {
  preset: ImportedChannelPreset;
  body: string[];
  hasFilters: boolean;
}

/**
 * A chain that runs no filter but GraphicEQ lines: the same preset (name, channels, preamp gain)
 * with the fitted bands, a comment and a warning (or a note, under audible) stating the fit's
 * error. Undefined when the chain has no GraphicEQ line; bad points go to `errors` (file:line:col).
 */
export function graphicChainPreset(
  chain: ChainPreset,
  lines: readonly ApoLine[],
  errors: Problem[],
  warnings: ImportWarning[],
): ChainPreset | undefined {
  const graphic = lines.filter(
    (line): line is Extract<ApoLine, { kind: "other" }> =>
      line.kind === "other" && line.command.toLowerCase() === "graphiceq",
  );
  if (graphic.length === 0) return undefined;
  const curves: GraphicPoint[][] = [];
  for (const line of graphic) {
    const parsed = parseGraphicLine(line);
    if ("error" in parsed) errors.push(parsed.error);
    else curves.push(parsed.points);
  }
  if (curves.length < graphic.length) return chain;
  // The GraphicEQ lines are imported now: not the leftovers convertChain reported them as.
  const graphicLines = new Set(graphic.map((line) => line.line));
  const kept = warnings.filter((w) => !(graphicLines.has(w.line) && w.message.startsWith("not imported")));
  warnings.splice(0, warnings.length, ...kept);
  const gainDb = chain.preset.outputGainDb;
  const fit = fitGraphicCurve(curves, SAMPLE_RATE, gainDb);
  const summary = `${fit.bands.length} band${fit.bands.length === 1 ? "" : "s"} fitted to the GraphicEQ curve, up to ${fit.total.maxDb.toFixed(2)} dB off it at ${formatDecimal(fit.total.atFrequencyHz, 0)} Hz (rms ${fit.total.rmsDb.toFixed(2)} dB)`;
  warnings.push({
    line: graphic[0]!.line,
    column: 1,
    message: `${summary}; the file's flat preamp alone would be ${fit.flatMaxDb.toFixed(2)} dB off`,
    errorDb: fit.total.maxDb,
    severity: fit.total.maxDb < AUDIBLE_ERROR_DB ? "note" : "warning",
  });
  const body = [
    ...fit.bands.map((band) => `  ${bandLine(band)}`),
    ...(gainDb !== 0 ? [`  gain ${writeGain(gainDb)}`] : []),
    ...chain.body.filter(
      (text) => text.startsWith("  # not imported") && !graphicLines.has(Number(/\(line (\d+)\)/.exec(text)?.[1])),
    ),
    `  # eqp import: ${summary}`,
  ];
  const preset: ImportedChannelPreset = {
    ...chain.preset,
    bands: fit.bands,
    total: fit.total,
    method: "fitted",
    keptMaxDb: fit.flatMaxDb,
    fittedMaxDb: fit.total.maxDb,
  };
  return { preset, body, hasFilters: true };
}
