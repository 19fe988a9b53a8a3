/**
 * Reading SocialFX's crowd EQ contributions (SocialFX_eq_contributions.csv, the data behind
 * Audealize's word map). A header row names the 40 bands by centre frequency (`RSC_20Hz_band` …);
 * its `audio_id` column actually holds the language and an unnamed column follows, so every data
 * row is: descriptor, language, n, ratings_consistency, then 40 band values (a unitless shape,
 * z-scored per contribution). As with SAFE-DB's loader, every malformed row is reported with its
 * line and skipped, and a missing file is a DatasetError naming it.
 */
import { parse } from "csv-parse/sync";
import { createHash } from "node:crypto";
import { DatasetError, isJunkLabel, readDataFile, SINGLE_WORD, type SkippedRow } from "./dataset.js";
import { normaliseWord } from "../model/vocabulary.js";

export const SOCIALFX_BANDS = 40;
/** descriptor, language, n, ratings_consistency, then the bands. */
export const SOCIALFX_FIELDS = 4 + SOCIALFX_BANDS;
const BAND_HEADER = /^RSC_(\d+(?:\.\d+)?)Hz_band$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export interface SocialFxRow {
  /** 1-based line in the CSV file. */
  line: number;
  word: string;
  language: string;
  /** The 40 band values, low to high: a shape, not dB (see socialfxScale.ts). */
  shape: number[];
}

export interface SocialFxReport {
  source: string;
  rowsRead: number;
  rowsUsed: number;
  skipped: SkippedRow[];
  /** Well-formed rows left out for their language, by language. */
  otherLanguages: Record<string, number>;
  /** Rows whose descriptor is several words or not spellable in the preset language. */
  notSingleWord: number;
  /** Rows dropped for a junk label (see JUNK_LABELS in dataset.ts). */
  junkLabels: number;
}

export interface SocialFxDataset {
  rows: SocialFxRow[];
  /** Centre frequencies of the 40 bands (Hz), from the header. */
  frequencies: number[];
  report: SocialFxReport;
  /** sha256 of the file's bytes. */
  checksum: string;
}

export interface SocialFxOptions {
  /** Keep only this language (default "English"; the Spanish rows were not measured worth it). */
  language?: string;
}

export function loadSocialFx(file: string, options: SocialFxOptions = {}): SocialFxDataset {
  const bytes = readDataFile(file);
  return parseSocialFx(bytes.toString("utf8"), file, options, createHash("sha256").update(bytes).digest("hex"));
}

export function parseSocialFx(
  text: string,
  source: string,
  options: SocialFxOptions = {},
  checksum = createHash("sha256").update(text).digest("hex"),
): SocialFxDataset {
  const language = options.language ?? "English";
  if (text.trim() === "") throw new DatasetError(`${source}: the file is empty`);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { relax_column_count: true, info: true, skip_empty_lines: true, relax_quotes: true });
  } catch (error) {
    const { lines } = error as { lines?: number };
    throw new DatasetError(`${source}${lines ? `:${lines}` : ""}: not readable as CSV (${(error as Error).message})`);
  }
  const header = records[0]!;
  const frequencies = bandFrequencies(header.record, source);
  const report: SocialFxReport = {
    source,
    rowsRead: records.length - 1,
    rowsUsed: 0,
    skipped: [],
    otherLanguages: {},
    notSingleWord: 0,
    junkLabels: 0,
  };
  const rows: SocialFxRow[] = [];
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const problem = rowProblem(record);
    if (problem) {
      report.skipped.push({ line, reason: problem });
      continue;
    }
    const rowLanguage = record[1]!.trim();
    if (rowLanguage !== language) {
      report.otherLanguages[rowLanguage] = (report.otherLanguages[rowLanguage] ?? 0) + 1;
      continue;
    }
    const word = normaliseWord(record[0]!);
    if (isJunkLabel(word)) {
      report.junkLabels++;
      continue;
    }
    if (!SINGLE_WORD.test(word)) {
      report.notSingleWord++;
      continue;
    }
    rows.push({ line, word, language: rowLanguage, shape: record.slice(4).map(Number) });
  }
  report.rowsUsed = rows.length;
  if (rows.length === 0) throw new DatasetError(`${source}: no usable rows (${describeSocialFxReport(report)})`);
  return { rows, frequencies, report, checksum };
}

/** The band centres from the header; anything else than 40 ascending `RSC_<f>Hz_band` names is an error. */
function bandFrequencies(header: string[], source: string): number[] {
  const names = header.filter((name) => name.trim().startsWith("RSC_"));
  const frequencies = names.map((name) => Number(BAND_HEADER.exec(name.trim())?.[1] ?? Number.NaN));
  if (
    names.length !== SOCIALFX_BANDS ||
    frequencies.some((frequency, index) => !(frequency > 0) || (index > 0 && !(frequency > frequencies[index - 1]!)))
  ) {
    throw new DatasetError(
      `${source}:1: not a SocialFX EQ file: the header must name ${SOCIALFX_BANDS} bands RSC_<frequency>Hz_band in ascending order (found ${names.length})`,
    );
  }
  return frequencies;
}

function rowProblem(record: string[]): string | undefined {
  if (record.length !== SOCIALFX_FIELDS) return `expected ${SOCIALFX_FIELDS} fields, found ${record.length}`;
  if (!record[0]?.trim()) return "no descriptor (field 1)";
  if (!record[1]?.trim()) return "no language (field 2)";
  if (!/^\d+$/.test(record[2]!.trim())) return `field 3 (n) is not a whole number: ${JSON.stringify(record[2])}`;
  const consistency = record[3]!.trim();
  if (!DECIMAL.test(consistency) || !Number.isFinite(Number(consistency)))
    return `field 4 (ratings_consistency) is not a number: ${JSON.stringify(record[3])}`;
  for (let band = 0; band < SOCIALFX_BANDS; band++) {
    const text = record[4 + band]!.trim();
    // Number() also reads "0x1F" and "Infinity": the export only ever has decimals.
    if (!DECIMAL.test(text) || !Number.isFinite(Number(text)))
      return `field ${5 + band} (band ${band + 1}) is not a number: ${JSON.stringify(record[4 + band])}`;
  }
  const shape = record.slice(4).map(Number);
  if (shape.every((value) => value === shape[0])) return "a flat curve (every band equal): no shape to learn";
  return undefined;
}

export function describeSocialFxReport(report: SocialFxReport): string {
  const languages = Object.entries(report.otherLanguages)
    .map(([language, count]) => `${language} ${count}`)
    .join(", ");
  return [
    `${report.rowsRead} rows read`,
    `${report.rowsUsed} used`,
    `${report.skipped.length} malformed`,
    `${Object.values(report.otherLanguages).reduce((a, b) => a + b, 0)} in other languages${languages ? ` (${languages})` : ""}`,
    `${report.junkLabels} junk labels`,
    `${report.notSingleWord} not a single word`,
  ].join(", ");
}
