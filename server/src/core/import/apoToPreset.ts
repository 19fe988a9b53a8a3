/**
 * An Equalizer APO / AutoEQ file as a SAFE preset: Preamp → `gain`; LSC → the low shelf, HSC → the
 * high shelf, up to three peaking filters → the bells, sorted by frequency. What a SAFE preset
 * cannot hold (a fourth bell, a second shelf, low-pass and other filter types, a shelf whose Q is
 * not 0.71, other APO commands) is reported as a warning naming its line, with the size of the
 * error in dB where it changes the curve, and kept in the preset as a comment, so nothing is lost.
 *
 * Values are kept to 0.01 Hz, 0.01 dB and 0.001 of Q, the precision `eqp export --format apo`
 * writes, so that import → export → import gives the same file.
 */
import { ABSURD_GAIN_DB, AUDIBLE_RANGE, DEFAULT_SAMPLE_RATE, SHELF_Q, type EqBand, type SlotId } from "../eq/index.js";
import {
  comparisonGrid,
  describeDeviation,
  filtersResponseDb,
  maxDeviation,
  type Deviation,
  type TargetFilter,
} from "../export/index.js";
import { writtenFrequency, writtenGain, writtenQ } from "../export/index.js";
import { bandLine } from "../presets/index.js";
import { formatDocument } from "../language/index.js";
import { displayFrequency, displayGain, formatDecimal, writeGain } from "../language/index.js";
import { parsePresetDocument } from "../language/index.js";
import { APO_FILTER_KINDS, type ApoDocument, type ApoFilterLine, type ApoLine } from "./apoParser.js";

export interface ImportWarning {
  line: number;
  column: number;
  message: string;
  /** How much leaving it out (or changing it) moves the curve, where that can be computed. */
  errorDb?: number;
}

export interface ImportedPreset {
  /** The .eqp text: one preset, in the formatter's canonical layout. */
  text: string;
  bands: EqBand[];
  outputGainDb: number;
  warnings: ImportWarning[];
}

export interface ImportOptions {
  name: string;
  /** The imported file's name, for the header comment. */
  sourceName?: string;
}

/** A filter the file asks for, as APO would run it. */
interface Candidate {
  source: ApoFilterLine;
  filter: TargetFilter;
}

interface Leftover {
  line: ApoLine;
  column: number;
  reason: string;
  /** The filter it would have run, to measure what leaving it out costs. */
  filter?: TargetFilter;
}

/** Q of a cookbook shelf with slope S at gain `gainDb` (the cookbook's alpha for S, written as Q). */
export function shelfQFromSlope(slope: number, gainDb: number): number {
  const a = Math.pow(10, gainDb / 40);
  const inner = (a + 1 / a) * (1 / slope - 1) + 2;
  return inner > 0 ? 1 / Math.sqrt(inner) : Number.NaN;
}

/** Q of a peaking filter given as a bandwidth in octaves, as APO computes alpha (at 48 kHz). */
export function qFromBandwidth(octaves: number, frequencyHz: number, sampleRate = DEFAULT_SAMPLE_RATE): number {
  const w0 = (2 * Math.PI * frequencyHz) / sampleRate;
  return 1 / (2 * Math.sinh(((Math.LN2 / 2) * octaves * w0) / Math.sin(w0)));
}

function quoted(name: string): string {
  return `"${name.replace(/[\r\n]+/g, " ").replace(/["\\]/g, "\\$&")}"`;
}

/** The filter a peaking/shelf line runs in APO, or why it cannot be a band. */
function candidateOf(line: ApoFilterLine): {
  candidate?: Candidate;
  leftover?: Omit<Leftover, "line">;
  problem?: { column: number; message: string };
} {
  const kind = APO_FILTER_KINDS[line.type.value];
  if (!line.enabled) return { leftover: { column: 1, reason: "a filter switched OFF" } };
  if (line.family === "other" || !kind)
    return {
      leftover: {
        column: line.type.column,
        reason: `a ${kind?.description ?? line.type.value} filter: SAFE has shelves and bells only`,
      },
    };
  if (!line.frequencyHz)
    return {
      problem: { column: line.type.column, message: `a ${kind.description} filter needs a frequency: Fc <Hz> Hz` },
    };
  if (!line.gainDb)
    return {
      problem: { column: line.type.column, message: `a ${kind.description} filter needs a gain: Gain <dB> dB` },
    };
  const frequencyHz = line.frequencyHz.value;
  const gainDb = line.gainDb.value;
  if (!(frequencyHz > 0))
    return { problem: { column: line.frequencyHz.column, message: "the frequency must be above 0 Hz" } };
  if (line.family === "peaking") {
    let q: number;
    if (line.q) q = line.q.value;
    else if (line.bandwidthOctaves) q = qFromBandwidth(line.bandwidthOctaves.value, frequencyHz);
    else
      return {
        problem: {
          column: line.type.column,
          message: "a peaking filter needs a width: Q <number> or BW Oct <octaves>",
        },
      };
    if (!(q > 0) || !Number.isFinite(q))
      return {
        problem: { column: (line.q ?? line.bandwidthOctaves)!.column, message: "the width must give a Q above 0" },
      };
    return { candidate: { source: line, filter: { kind: "peaking", frequencyHz, gainDb, q } } };
  }
  // Shelves: Q when given; else the slope (dB per octave, 12 = S 1); else APO's default S 0.9.
  let q: number;
  if (line.q) q = line.q.value;
  else q = shelfQFromSlope(line.slopeDb ? line.slopeDb.value / 12 : 0.9, gainDb);
  if (!(q > 0) || !Number.isFinite(q))
    return {
      problem: {
        column: (line.q ?? line.slopeDb ?? line.type).column,
        message: "this shelf's Q or slope gives no valid filter",
      },
    };
  return { candidate: { source: line, filter: { kind: line.family, frequencyHz, gainDb, q } } };
}

/**
 * Converts a parsed file. Throws nothing: problems that make a line unusable come back as `errors`
 * (with the parse errors), and the preset is only meaningful when there are none.
 */
export function apoToPreset(
  document: ApoDocument,
  options: ImportOptions,
): ImportedPreset & { errors: { line: number; column: number; message: string }[] } {
  const errors = [...document.errors];
  const warnings: ImportWarning[] = [];
  const leftovers: Leftover[] = [];
  const candidates: Candidate[] = [];
  let outputGainDb = 0;
  let preamps = 0;
  for (const line of document.lines) {
    if (line.kind === "preamp") {
      outputGainDb += line.gainDb;
      preamps++;
    } else if (line.kind === "other") {
      leftovers.push({ line, column: 1, reason: `the APO command '${line.command}' has no place in a SAFE preset` });
    } else if (line.kind === "filter") {
      const { candidate, leftover, problem } = candidateOf(line);
      if (problem) errors.push({ line: line.line, ...problem });
      if (leftover) leftovers.push({ line, ...leftover });
      if (candidate) candidates.push(candidate);
      if (line.thousandsSeparator)
        warnings.push({
          line: line.line,
          column: line.frequencyHz!.column,
          message: `Fc read as ${formatDecimal(line.frequencyHz!.value, 2)} Hz: Equalizer APO reads three decimals as a thousands separator`,
        });
    }
  }
  if (preamps > 1)
    warnings.push({
      line: document.lines.find((line) => line.kind === "preamp")!.line,
      column: 1,
      message: `${preamps} Preamp lines: their sum ${displayGain(outputGainDb)} becomes the preset's gain, as APO applies each`,
    });

  // Slots: the first low and high shelf; of the bells, the three largest (a zero-gain bell does nothing), sorted by frequency.
  const slotted = new Map<SlotId, Candidate>();
  const lowShelf = candidates.find((candidate) => candidate.filter.kind === "lowshelf");
  const highShelf = candidates.find((candidate) => candidate.filter.kind === "highshelf");
  if (lowShelf) slotted.set("lowShelf", lowShelf);
  if (highShelf) slotted.set("highShelf", highShelf);
  const bells = candidates.filter((candidate) => candidate.filter.kind === "peaking");
  const keptBells = [...bells]
    .sort((a, b) => Math.abs(b.filter.gainDb) - Math.abs(a.filter.gainDb))
    .slice(0, 3)
    .sort((a, b) => a.filter.frequencyHz - b.filter.frequencyHz);
  keptBells.forEach((bell, index) => slotted.set((["bell1", "bell2", "bell3"] as const)[index]!, bell));
  for (const candidate of candidates) {
    if ([...slotted.values()].includes(candidate)) continue;
    const reason =
      candidate.filter.kind === "peaking"
        ? "a fourth peaking filter: SAFE has three bells (the three largest are kept)"
        : `a second ${candidate.filter.kind === "lowshelf" ? "low" : "high"} shelf: SAFE has one`;
    leftovers.push({ line: candidate.source, column: candidate.source.type.column, reason, filter: candidate.filter });
  }

  // Everything the file runs, as APO would: the reference for every error below.
  const grid = comparisonGrid(DEFAULT_SAMPLE_RATE);
  const allFilters = candidates.map((candidate) => candidate.filter);
  const reference = filtersResponseDb(allFilters, grid, DEFAULT_SAMPLE_RATE, outputGainDb);
  const costOf = (replace: TargetFilter, by: TargetFilter | undefined): Deviation =>
    maxDeviation(
      reference,
      filtersResponseDb(
        allFilters
          .map((filter) => (filter === replace ? by : filter))
          .filter((filter): filter is TargetFilter => filter !== undefined),
        grid,
        DEFAULT_SAMPLE_RATE,
        outputGainDb,
      ),
      grid,
    );

  const bands: EqBand[] = [];
  const notes = new Map<SlotId, string>();
  for (const slot of ["lowShelf", "bell1", "bell2", "bell3", "highShelf"] as const) {
    const candidate = slotted.get(slot);
    if (!candidate) continue;
    const { filter, source } = candidate;
    const changes: string[] = [];
    let frequencyHz = writtenFrequency(filter.frequencyHz);
    if (frequencyHz < AUDIBLE_RANGE.min || frequencyHz > AUDIBLE_RANGE.max) {
      const clamped = Math.min(AUDIBLE_RANGE.max, Math.max(AUDIBLE_RANGE.min, frequencyHz));
      changes.push(
        `Fc ${displayFrequency(frequencyHz)} moved to ${displayFrequency(clamped)}, the edge of the audible range a preset allows`,
      );
      frequencyHz = clamped;
    }
    let gainDb = writtenGain(filter.gainDb);
    if (Math.abs(gainDb) > ABSURD_GAIN_DB) {
      const clamped = Math.sign(gainDb) * ABSURD_GAIN_DB;
      changes.push(`Gain ${displayGain(gainDb)} limited to ${displayGain(clamped)}`);
      gainDb = clamped;
    }
    let q = writtenQ(filter.q);
    if (filter.kind !== "peaking" && Math.abs(filter.q - SHELF_Q) >= 0.0005) {
      changes.push(`shelf Q ${formatDecimal(filter.q, 3)} becomes SAFE's fixed ${SHELF_Q}`);
      q = SHELF_Q;
    }
    if (filter.kind !== "peaking") q = SHELF_Q;
    const band: EqBand = { slot, frequencyHz, gainDb, q };
    bands.push(band);
    if (changes.length > 0) {
      const deviation = costOf(filter, { kind: filter.kind, frequencyHz, gainDb, q });
      warnings.push({
        line: source.line,
        column: source.type.column,
        message: `${changes.join("; ")}: ${describeDeviation(deviation)}`,
        errorDb: deviation.errorDb,
      });
      notes.set(slot, `was: ${source.text.trim()}`);
    }
  }
  for (const leftover of leftovers) {
    const deviation = leftover.filter ? costOf(leftover.filter, undefined) : undefined;
    warnings.push({
      line: leftover.line.line,
      column: leftover.column,
      message: `not imported, kept as a comment: ${leftover.reason}${deviation ? `; leaving it out is ${describeDeviation(deviation)}` : ""}`,
      ...(deviation ? { errorDb: deviation.errorDb } : {}),
    });
  }
  warnings.sort((a, b) => a.line - b.line || a.column - b.column);
  errors.sort((a, b) => a.line - b.line || a.column - b.column);

  const body = bands.map((band) => `  ${bandLine(band)}${notes.has(band.slot) ? ` # ${notes.get(band.slot)}` : ""}`);
  if (outputGainDb !== 0) body.push(`  gain ${writeGain(writtenGain(outputGainDb))}`);
  for (const leftover of [...leftovers].sort((a, b) => a.line.line - b.line.line))
    body.push(`  # not imported (line ${leftover.line.line}): ${leftover.line.text.trim()}`);
  const header = `# Imported from ${options.sourceName ?? "an Equalizer APO file"} by eqp import.`;
  const draft = `${header}\npreset ${quoted(options.name)} {\n${body.join("\n")}\n}\n`;
  const text = formatDocument(parsePresetDocument(draft), draft) ?? draft;
  return { text, bands, outputGainDb: writtenGain(outputGainDb), warnings, errors };
}
