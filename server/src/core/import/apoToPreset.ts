/**
 * An Equalizer APO / AutoEQ file as SAFE presets: Preamp → `gain`; the shelves (LSC/HSC, and LS/HS
 * moved to their centre frequency as APO runs them) → the shelf slots, the three largest peaking
 * filters → the bells, sorted by frequency; or, when the file has more filters than the EQ has, the
 * five bands fitted to the file's whole response, whichever is closer. What a SAFE preset cannot
 * hold is reported as a warning naming its line, with its cost in dB, and kept as a comment; the
 * total error of the preset against the file's full response is reported too. The gain is lowered
 * when leaving filters out would make the preset peak above 0 dBFS where the file does not.
 *
 * Channel sections become a preset each (or the one chosen), of an If: block the first branch is
 * imported (apoChains.ts). Values are kept to 0.01 Hz, 0.01 dB and 0.001 of Q, the precision
 * `eqp export --format apo` writes, so that import → export → import gives the same file.
 */
import {
  ABSURD_GAIN_DB,
  isPassFilter,
  AUDIBLE_RANGE,
  DEFAULT_SAMPLE_RATE,
  SHELF_Q,
  type BandId,
  type EqBand,
  type SlotId,
} from "../eq/index.js";
import {
  AUDIBLE_ERROR_DB,
  comparisonGrid,
  describeDeviation,
  maxDeviation,
  NEGLIGIBLE_ERROR_DB,
  writtenFrequency,
  writtenGain,
  writtenQ,
  type TargetFilter,
} from "../export/index.js";
import { bandLine } from "../presets/index.js";
import {
  displayFrequency,
  displayGain,
  formatDecimal,
  formatDocument,
  parsePresetDocument,
  quotedName,
  sourceText,
  writeGain,
} from "../language/index.js";
import { graphicChainPreset } from "./apoGraphic.js";
import { bandsResponseDb, fittedBands, peakDb, totalCost, type TotalCost } from "./apoFit.js";
import { isStructureLine, splitChains } from "./apoChains.js";
import { readFilter, runResponseDb, type RunFilter } from "./apoFilters.js";
import type { ApoDocument, ApoFilterLine, ApoLine } from "./apoParser.js";

export interface ImportWarning {
  line: number;
  column: number;
  message: string;
  /** How much leaving it out (or changing it) moves the curve, where that can be computed. */
  errorDb?: number;
  /** "note" below 0.1 dB, as exports grade their errors: far under anything audible. */
  severity: "warning" | "note";
}

export interface ImportedChannelPreset {
  name: string;
  /** The channels it is for; empty when the file names none. */
  channels: string[];
  bands: EqBand[];
  outputGainDb: number;
  /** The preset against everything the file runs on these channels. */
  total: TotalCost;
  /** How the bands were chosen, and what the other way would have cost. */
  method: "kept" | "fitted";
  keptMaxDb: number;
  fittedMaxDb?: number;
}

export interface ImportedPreset {
  /** The .eqp text: a preset per chain, in the formatter's canonical layout. */
  text: string;
  /** The first preset's bands and gain. */
  bands: EqBand[];
  outputGainDb: number;
  presets: ImportedChannelPreset[];
  warnings: ImportWarning[];
}

export interface ImportOptions {
  name: string;
  /** The imported file's name, for the header comment. */
  sourceName?: string;
  /** Import this channel only (as named in the file's Channel: lines). */
  channel?: string;
  /**
   * Fit the five bands to the file's whole response when the EQ cannot hold all its filters, and
   * keep the closer of the fit and the largest filters. Off by default: the kept filters are the
   * file's own values, exact and recognisable; both costs are reported either way.
   */
  fit?: boolean;
}

type Problem = { line: number; column: number; message: string };

interface Candidate {
  source: ApoFilterLine;
  /** The band it would be (an LS frequency rounded to what the preset writes). */
  filter: TargetFilter;
  /** What APO runs for it, exactly. */
  run: RunFilter;
}

interface Leftover {
  line: ApoLine;
  column: number;
  reason: string;
  /** Structure the import follows (Channel:, If:) is a note, not a loss. */
  note?: boolean;
  /** What it would have run, to measure what leaving it out costs. */
  run?: RunFilter;
}

const SAMPLE_RATE = DEFAULT_SAMPLE_RATE;

function severityOf(errorDb: number | undefined): "warning" | "note" {
  return errorDb !== undefined && errorDb < AUDIBLE_ERROR_DB ? "note" : "warning";
}

function describeTotal(total: TotalCost): string {
  return `up to ${total.maxDb.toFixed(2)} dB off the file's response at ${formatDecimal(total.atFrequencyHz, 0)} Hz (rms ${total.rmsDb.toFixed(2)} dB)`;
}

/** One chain (the lines of some channels) as one preset. */
function convertChain(lines: readonly ApoLine[], name: string, channels: string[], fit: boolean) {
  const { errors, warnings, leftovers, candidates, runs, outputGainDb } = readChain(lines);
  const preamps = lines.filter((line) => line.kind === "preamp");
  if (preamps.length > 1)
    warnings.push({
      line: preamps[0]!.line,
      column: 1,
      message: `${preamps.length} Preamp lines: their sum ${displayGain(outputGainDb)} becomes the preset's gain, as APO applies each`,
      severity: "warning",
    });

  // Slots: the first low and high shelf; of the bells, the three largest (a zero-gain bell does nothing), sorted by frequency.
  const { slotted, added, dropped } = chooseSlots(candidates, leftovers);

  // Everything the chain runs, as APO would: the reference for every error below.
  const grid = comparisonGrid(SAMPLE_RATE);
  const reference = runResponseDb(runs, grid, SAMPLE_RATE, outputGainDb);
  // The chain's response in dB is the sum of its filters' responses: replacing one filter changes
  // it by exactly the difference of the two, so each cost is one filter's response, not the whole
  // chain again (which made a file of n filters cost n² responses).
  const silence = new Float64Array(grid.length);
  const costWith = (replace: RunFilter, by: RunFilter | undefined) =>
    maxDeviation(
      runResponseDb([replace], grid, SAMPLE_RATE, 0),
      by ? runResponseDb([by], grid, SAMPLE_RATE, 0) : silence,
      grid,
    );

  let bands: EqBand[] = [];
  const notes = new Map<EqBand, string>();
  const placed: [BandId, Candidate][] = [
    ...(["lowShelf", "bell1", "bell2", "bell3", "highShelf"] as const).flatMap((slot): [BandId, Candidate][] => {
      const candidate = slotted.get(slot);
      return candidate ? [[slot, candidate]] : [];
    }),
    ...added,
  ];
  for (const [slot, candidate] of placed) {
    const written = slotBand(slot, candidate, costWith);
    bands.push(written.band);
    if (written.warning) {
      warnings.push(written.warning);
      notes.set(written.band, `was: ${candidate.source.text.trim()}`);
    }
  }
  for (const leftover of leftovers) {
    const deviation = leftover.run ? costWith(leftover.run, undefined) : undefined;
    warnings.push({
      line: leftover.line.line,
      column: leftover.column,
      message: `not imported, kept as a comment: ${leftover.reason}${deviation ? `; leaving it out is ${describeDeviation(deviation)}` : ""}`,
      ...(deviation ? { errorDb: deviation.errorDb } : {}),
      severity: leftover.note ? "note" : "warning",
    });
  }

  // The kept filters against the fitted five bands, when the EQ cannot hold everything the file runs.
  const kept = totalCost(reference, bandsResponseDb(bands, grid, SAMPLE_RATE, outputGainDb), grid);
  let method: "kept" | "fitted" = "kept";
  let fittedMaxDb: number | undefined;
  const candidateRuns = new Set(candidates.map((candidate) => candidate.run));
  const cannotHoldAll = dropped > 0 || runs.some((run) => !candidateRuns.has(run));
  if (cannotHoldAll) {
    const fitted = fittedBands(reference, grid, SAMPLE_RATE, writtenGain(outputGainDb));
    const cost = totalCost(reference, bandsResponseDb(fitted, grid, SAMPLE_RATE, writtenGain(outputGainDb)), grid);
    fittedMaxDb = cost.maxDb;
    if (fit && cost.maxDb < kept.maxDb) {
      method = "fitted";
      bands = fitted;
      notes.clear();
    }
  }

  // Leaving filters out can raise the curve where the file's own filters cut: never above 0 dBFS where the file stays below.
  let gainDb = writtenGain(outputGainDb);
  const filePeak = peakDb(reference);
  const presetPeak = peakDb(bandsResponseDb(bands, grid, SAMPLE_RATE, gainDb));
  if (presetPeak > NEGLIGIBLE_ERROR_DB && filePeak <= NEGLIGIBLE_ERROR_DB) {
    const lowered = Math.floor((gainDb - presetPeak) * 100) / 100;
    warnings.push({
      line: preamps[0]?.line ?? 1,
      column: 1,
      message: `gain ${displayGain(gainDb)} lowered to ${formatDecimal(lowered, 2)} dB: with ${method === "fitted" ? "the fitted bands" : "the filters left out"} the preset would peak at +${presetPeak.toFixed(2)} dB, above 0 dBFS, where the file peaks at ${filePeak.toFixed(2)} dB`,
      severity: "warning",
    });
    gainDb = lowered;
  }
  const total = totalCost(reference, bandsResponseDb(bands, grid, SAMPLE_RATE, gainDb), grid);

  const body = bands.map((band) => `  ${bandLine(band)}${notes.has(band) ? ` # ${notes.get(band)}` : ""}`);
  if (gainDb !== 0) body.push(`  gain ${writeGain(gainDb)}`);
  for (const leftover of [...leftovers].sort((a, b) => a.line.line - b.line.line))
    body.push(`  # not imported (line ${leftover.line.line}): ${leftover.line.text.trim()}`);
  if (total.maxDb >= NEGLIGIBLE_ERROR_DB) {
    body.push(
      `  # eqp import: ${method === "fitted" ? "5 bands fitted to the file's whole response" : "the file's largest filters kept"}, ${describeTotal(total)}`,
    );
    if (fittedMaxDb !== undefined)
      body.push(
        `  # (keeping the largest filters: up to ${kept.maxDb.toFixed(2)} dB off; fitting the five bands${fit ? "" : " (eqp import --fit)"}: up to ${fittedMaxDb.toFixed(2)} dB off)`,
      );
  }
  const preset: ImportedChannelPreset = {
    name,
    channels,
    bands,
    outputGainDb: gainDb,
    total,
    method,
    keptMaxDb: kept.maxDb,
    ...(fittedMaxDb !== undefined ? { fittedMaxDb } : {}),
  };
  return { preset, body, errors, warnings, hasFilters: runs.length > 0 || leftovers.some((leftover) => leftover.run) };
}

/** What each line of a chain gives: problems, filters to run and to slot, what is left out. */
function readChain(lines: readonly ApoLine[]) {
  const errors: Problem[] = [];
  const warnings: ImportWarning[] = [];
  const leftovers: Leftover[] = [];
  const candidates: Candidate[] = [];
  const runs: RunFilter[] = [];
  let outputGainDb = 0;
  for (const line of lines) {
    if (line.kind === "preamp") outputGainDb += line.gainDb;
    else if (line.kind === "ignored") leftovers.push({ line, column: line.column, reason: line.reason });
    else if (line.kind === "other") {
      if (isStructureLine(line))
        leftovers.push({
          line,
          column: 1,
          reason: `'${line.command}' structures Equalizer APO's chain; the import follows it (a preset per channel, the first branch of an If:)`,
          note: true,
        });
      else
        leftovers.push({ line, column: 1, reason: `the APO command '${line.command}' has no place in a SAFE preset` });
    } else if (line.kind === "filter") {
      const reading = readFilter(line);
      if (reading.problem) errors.push({ line: line.line, ...reading.problem });
      if (reading.skipped) warnings.push({ line: line.line, ...reading.skipped, severity: "warning" });
      if (reading.note) warnings.push({ line: line.line, ...reading.note, severity: "note" });
      if (reading.run) runs.push(reading.run);
      if (reading.leftover) leftovers.push({ line, ...reading.leftover, ...(reading.run ? { run: reading.run } : {}) });
      if (reading.candidate && reading.run)
        candidates.push({ source: line, filter: reading.candidate, run: reading.run });
      if (line.thousandsSeparator)
        warnings.push({
          line: line.line,
          column: line.frequencyHz!.column,
          message: `Fc read as ${formatDecimal(line.frequencyHz!.value, 2)} Hz: Equalizer APO reads three decimals as a thousands separator`,
          severity: "warning",
        });
    }
  }
  return { errors, warnings, leftovers, candidates, runs, outputGainDb };
}

/**
 * The first low and high shelf; of the bells, the three largest, sorted by frequency. Every other
 * bell, pass filter and notch is a band of its own after SAFE's five, in the file's order; only a
 * second shelf is left over.
 */
function chooseSlots(candidates: readonly Candidate[], leftovers: Leftover[]) {
  const slotted = new Map<SlotId, Candidate>();
  const lowShelf = candidates.find((candidate) => candidate.filter.kind === "lowshelf");
  const highShelf = candidates.find((candidate) => candidate.filter.kind === "highshelf");
  if (lowShelf) slotted.set("lowShelf", lowShelf);
  if (highShelf) slotted.set("highShelf", highShelf);
  const keptBells = candidates
    .filter((candidate) => candidate.filter.kind === "peaking")
    .sort((a, b) => Math.abs(b.filter.gainDb) - Math.abs(a.filter.gainDb))
    .slice(0, 3)
    .sort((a, b) => a.filter.frequencyHz - b.filter.frequencyHz);
  keptBells.forEach((bell, index) => slotted.set((["bell1", "bell2", "bell3"] as const)[index]!, bell));
  const added: [BandId, Candidate][] = candidates.flatMap((candidate): [BandId, Candidate][] => {
    const kind = candidate.filter.kind;
    if (kind === "highpass" || kind === "lowpass" || kind === "notch") return [[kind, candidate]];
    return kind === "peaking" && !keptBells.includes(candidate) ? [["bell", candidate]] : [];
  });
  let dropped = 0;
  for (const candidate of candidates) {
    if ([...slotted.values()].includes(candidate) || added.some(([, other]) => other === candidate)) continue;
    dropped++;
    const reason = `a second ${candidate.filter.kind === "lowshelf" ? "low" : "high"} shelf: SAFE has one`;
    leftovers.push({ line: candidate.source, column: candidate.source.type.column, reason, run: candidate.run });
  }
  return { slotted, added, dropped };
}

/** A slotted filter as the band a preset can hold, with the warning when it had to change. */
function slotBand(
  slot: BandId,
  candidate: Candidate,
  costWith: (replace: RunFilter, by: RunFilter | undefined) => ReturnType<typeof maxDeviation>,
): { band: EqBand; warning?: ImportWarning } {
  const { filter, source, run } = candidate;
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
  const shelf = filter.kind === "lowshelf" || filter.kind === "highshelf";
  let q = isPassFilter(slot) ? filter.q : writtenQ(filter.q);
  if (shelf && Math.abs(filter.q - SHELF_Q) >= 0.0005)
    changes.push(`shelf Q ${formatDecimal(filter.q, 3)} becomes SAFE's fixed ${SHELF_Q}`);
  if (shelf) q = SHELF_Q;
  const band: EqBand = { slot, frequencyHz, gainDb, q, ...(isPassFilter(slot) ? { slopeDbPerOctave: 12 } : {}) };
  if (changes.length === 0) return { band };
  const deviation = costWith(run, { kind: filter.kind, frequencyHz, gainDb, q });
  return {
    band,
    warning: {
      line: source.line,
      column: source.type.column,
      message: `${changes.join("; ")}: ${describeDeviation(deviation)}`,
      errorDb: deviation.errorDb,
      severity: severityOf(deviation.errorDb),
    },
  };
}

/**
 * Converts a parsed file. Throws nothing: problems that make a line unusable come back as `errors`
 * (with the parse errors), and the presets are only meaningful when there are none.
 */
export function apoToPreset(document: ApoDocument, options: ImportOptions): ImportedPreset & { errors: Problem[] } {
  const errors: Problem[] = [...document.errors];
  const warnings: ImportWarning[] = [];
  const split = splitChains(document.lines);
  for (const skipped of split.skipped) warnings.push({ ...skipped, severity: "warning" });
  let chains = split.chains;
  if (options.channel !== undefined) {
    chains = chains.filter((chain) => chain.channels.includes(options.channel!));
    if (chains.length === 0)
      errors.push({
        line: 1,
        column: 1,
        message: `no channel '${options.channel}': ${split.channels.length > 0 ? `the file's channels are ${split.channels.join(", ")}` : "the file names no channel (its filters apply to all)"}`,
      });
  }
  const several = chains.length > 1;
  const converted = chains.map((chain) => {
    const result = convertChain(
      chain.lines,
      several || options.channel !== undefined ? `${options.name} (${chain.channels.join(" ")})` : options.name,
      chain.channels,
      options.fit ?? false,
    );
    // A chain whose only EQ is a GraphicEQ curve: fitted with bands instead (apoGraphic.ts).
    if (result.hasFilters || result.errors.length > 0) return result;
    const graphic = graphicChainPreset(result, chain.lines, result.errors, result.warnings);
    return graphic ? { ...result, ...graphic } : result;
  });
  if (several)
    warnings.push({
      line: document.lines.find((line) => line.kind === "other" && line.command.toLowerCase() === "channel")?.line ?? 1,
      column: 1,
      message: `the channels run different filters (${chains.map((chain) => chain.channels.join(" ")).join("; ")}): a preset each (choose one with --channel)`,
      severity: "note",
    });
  for (const result of converted) {
    errors.push(...result.errors);
    warnings.push(...result.warnings);
  }
  // A config whose filters live elsewhere (Include:) is no preset: saying so beats a flat one.
  if (errors.length === 0 && converted.length > 0 && converted.every((result) => !result.hasFilters)) {
    const elsewhere = document.lines.find((line) => line.kind === "other" && line.command.toLowerCase() === "include");
    if (elsewhere && elsewhere.kind === "other")
      errors.push({
        line: elsewhere.line,
        column: 1,
        message: `the file runs no filter of its own: its filters are in the file it includes (${elsewhere.text.slice(elsewhere.text.indexOf(":") + 1).trim()}); import that file`,
      });
  }
  const seen = new Set<string>();
  const unique = warnings.filter((warning) => {
    const key = `${warning.line}:${warning.column}:${warning.message}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
  unique.sort((a, b) => a.line - b.line || a.column - b.column);
  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  const header = `# Imported from ${options.sourceName === undefined ? "an Equalizer APO file" : sourceText(options.sourceName)} by eqp import.`;
  const blocks = converted.map(
    (result) => `preset ${quotedName(result.preset.name)} {\n${result.body.join("\n")}\n}\n`,
  );
  const draft = `${header}\n${blocks.join("\n")}`;
  const text = formatDocument(parsePresetDocument(draft), draft) ?? draft;
  const first = converted[0]?.preset;
  return {
    text,
    bands: first?.bands ?? [],
    outputGainDb: first?.outputGainDb ?? 0,
    presets: converted.map((result) => result.preset),
    warnings: unique,
    errors,
  };
}
