/**
 * Reading SAFE-DB's equaliser user data (SAFEEqualiserUserData.csv): no header, 25 columns —
 * id, descriptor, participant, input and output channels, the 13 parameters, six optional
 * metadata columns and a checksum. Malformed rows are reported with their line and skipped;
 * junk labels and rare words are dropped with a count; bells are sorted by frequency.
 */
import { parse } from "csv-parse/sync";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { normaliseWord, type WordSource } from "../model/vocabulary.js";
import { PARAMETER_COUNT, PARAMETERS, sortBells } from "../model/parameters.js";
import { SeededRandom } from "../model/random.js";

export const COLUMN_COUNT = 25;
const FIRST_PARAMETER_COLUMN = 5;

/**
 * Labels that are not descriptors: test entries, the plug-in's default, numbers and
 * preset codes (`re27`) and numbered copies (`test1`, `bass1`). Kept here, documented, rather than guessed per run.
 */
export const JUNK_LABELS: readonly string[] = ["test", "default", "none", "preset", "untitled"];
const JUNK_PATTERNS: readonly RegExp[] = [/^\d+$/, /^[a-z]+\d+$/];
/** A word the preset language can spell: one identifier. */
export const SINGLE_WORD = /^[a-z_][a-z0-9_'-]*$/;

export function isJunkLabel(word: string): boolean {
  return word === "" || JUNK_LABELS.includes(word) || JUNK_PATTERNS.some((pattern) => pattern.test(word));
}

export interface DatasetRow {
  /** 1-based line in the CSV file. */
  line: number;
  word: string;
  participant: string;
  /** The 13 parameters in SAFE order, bells sorted by frequency. */
  values: number[];
  /** Where the row comes from (absent: SAFE-DB); a SocialFX row is a contribution fitted to the EQ. */
  source?: WordSource;
}

export interface SkippedRow {
  line: number;
  reason: string;
}

export interface LoadReport {
  source: string;
  rowsRead: number;
  rowsUsed: number;
  skipped: SkippedRow[];
  /** Rows dropped for their label, by label. */
  junkLabels: Record<string, number>;
  /** Rows of words below the minimum number of examples, by word. */
  rareWords: Record<string, number>;
  /** Rows whose descriptor is several words or not spellable in the language. */
  notSingleWord: number;
  /** Rows whose bells were not in frequency order. */
  unsortedBells: number;
}

export interface Dataset {
  rows: DatasetRow[];
  /** The kept words, most examples first. */
  words: { word: string; examples: number }[];
  report: LoadReport;
  /** sha256 of the file's bytes. */
  checksum: string;
}

export interface LoadOptions {
  minExamples?: number;
}

export class DatasetError extends Error {
  override name = "DatasetError";
}

/** A plain decimal number, as the SAFE plug-in writes them. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Relative slack for float32 noise at the range edges (12.0000001 dB, 21.99999 Hz). */
const RANGE_SLACK = 1e-4;

export function loadDataset(file: string, options: LoadOptions = {}): Dataset {
  const bytes = readDataFile(file);
  return parseDataset(bytes.toString("utf8"), file, options, createHash("sha256").update(bytes).digest("hex"));
}

/** A data file's bytes; a DatasetError naming the file (control characters shown) when it cannot be read. */
export function readDataFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a folder, not a CSV file"
          : code === "ERR_INVALID_ARG_VALUE" || code === "ERR_INVALID_ARG_TYPE"
            ? "not a usable file name"
            : `cannot be read (${code ?? String(error)})`;
    // Control characters (a NUL from a broken setting) are shown, not printed raw.
    const shown = file.replace(
      /[\u0000-\u001f]/g,
      (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    throw new DatasetError(`${shown}: ${reason}`);
  }
}

export function parseDataset(
  text: string,
  source: string,
  options: LoadOptions = {},
  checksum = createHash("sha256").update(text).digest("hex"),
): Dataset {
  const minExamples = options.minExamples ?? 5;
  if (text.trim() === "") throw new DatasetError(`${source}: the file is empty`);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, CSV_OPTIONS);
  } catch (error) {
    const { code, lines, records: complete } = error as { code?: string; lines?: number; records?: number };
    // csv-parse names the line where it gave up (the end of the file), not where the quote opened.
    if (code === "CSV_QUOTE_NOT_CLOSED") {
      throw new DatasetError(
        `${source}:${openingQuoteLine(text, complete ?? 0) ?? lines}: not readable as CSV (a quote opens in this row and never closes)`,
      );
    }
    throw new DatasetError(`${source}${lines ? `:${lines}` : ""}: not readable as CSV (${(error as Error).message})`);
  }
  const report: LoadReport = {
    source,
    rowsRead: records.length,
    rowsUsed: 0,
    skipped: [],
    junkLabels: {},
    rareWords: {},
    notSingleWord: 0,
    unsortedBells: 0,
  };
  const candidates: DatasetRow[] = [];
  for (const { record, info } of records) {
    const line = info.lines;
    const problem = rowProblem(record);
    if (problem) {
      report.skipped.push({ line, reason: problem });
      continue;
    }
    const word = normaliseWord(record[1]!);
    if (isJunkLabel(word)) {
      report.junkLabels[word || "(empty)"] = (report.junkLabels[word || "(empty)"] ?? 0) + 1;
      continue;
    }
    if (!SINGLE_WORD.test(word)) {
      report.notSingleWord++;
      continue;
    }
    const values = record.slice(FIRST_PARAMETER_COLUMN, FIRST_PARAMETER_COLUMN + PARAMETER_COUNT).map(Number);
    for (const parameter of PARAMETERS)
      values[parameter.index] = Math.min(
        parameter.pluginRange.max,
        Math.max(parameter.pluginRange.min, values[parameter.index]!),
      );
    const before = [values[3], values[6], values[9]].join();
    sortBells(values);
    if ([values[3], values[6], values[9]].join() !== before) report.unsortedBells++;
    candidates.push({ line, word, participant: record[2]!.trim(), values });
  }
  const counts = new Map<string, number>();
  for (const row of candidates) counts.set(row.word, (counts.get(row.word) ?? 0) + 1);
  const rows = candidates.filter((row) => {
    if ((counts.get(row.word) ?? 0) >= minExamples) return true;
    report.rareWords[row.word] = (report.rareWords[row.word] ?? 0) + 1;
    return false;
  });
  report.rowsUsed = rows.length;
  if (rows.length === 0) throw new DatasetError(`${source}: no usable rows (${describeReport(report)})`);
  const words = [...counts.entries()]
    .filter(([, count]) => count >= minExamples)
    .map(([word, examples]) => ({ word, examples }))
    .sort((a, b) => b.examples - a.examples || a.word.localeCompare(b.word));
  return { rows, words, report, checksum };
}

const CSV_OPTIONS = { relax_column_count: true, info: true, skip_empty_lines: true, relax_quotes: true } as const;

/** The line where the row after the first `complete` rows starts: where an unclosed quote opened. */
function openingQuoteLine(text: string, complete: number): number | undefined {
  let lastLine = 0;
  if (complete > 0) {
    try {
      const before = parse(text, { ...CSV_OPTIONS, to: complete }) as { info: { lines: number } }[];
      lastLine = before[before.length - 1]?.info.lines ?? 0;
    } catch {
      return undefined;
    }
  }
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = lastLine; index < lines.length; index++) if (lines[index]!.trim() !== "") return index + 1;
  return undefined;
}

function rowProblem(record: string[]): string | undefined {
  if (record.length !== COLUMN_COUNT) return `expected ${COLUMN_COUNT} columns, found ${record.length}`;
  if (!record[1]?.trim()) return "no descriptor (column 2)";
  if (!record[2]?.trim()) return "no participant (column 3)";
  for (const parameter of PARAMETERS) {
    const column = FIRST_PARAMETER_COLUMN + parameter.index;
    const text = record[column]!.trim();
    const value = Number(text);
    // Number() also reads "0x1F", "0b1" and "Infinity": a SAFE export only ever has decimals.
    if (!DECIMAL.test(text) || !Number.isFinite(value))
      return `column ${column + 1} (${parameter.name}) is not a number: ${JSON.stringify(record[column])}`;
    const { min, max } = parameter.pluginRange;
    const slack = RANGE_SLACK * Math.max(1, Math.abs(max));
    if (value < min - slack || value > max + slack)
      return `column ${column + 1} (${parameter.name}) = ${value} is outside the plug-in range ${min}–${max}`;
  }
  return undefined;
}

export function describeReport(report: LoadReport): string {
  const reasons = new Map<string, number>();
  for (const skipped of report.skipped) {
    const kind = skipped.reason
      .replace(/: .*$/, "")
      .replace(/ = .*$/, "")
      .replace(/found \d+/, "found another count");
    reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
  }
  const junk = Object.values(report.junkLabels).reduce((a, b) => a + b, 0);
  const rare = Object.values(report.rareWords).reduce((a, b) => a + b, 0);
  const parts = [
    `${report.rowsRead} rows read`,
    `${report.rowsUsed} used`,
    `${report.skipped.length} malformed${reasons.size ? ` (${[...reasons.entries()].map(([reason, count]) => `${count} ${reason}`).join("; ")})` : ""}`,
    `${junk} junk labels (${
      Object.entries(report.junkLabels)
        .map(([word, count]) => `${word} ${count}`)
        .join(", ") || "none"
    })`,
    `${report.notSingleWord} not a single word`,
    `${rare} rows of ${Object.keys(report.rareWords).length} words with too few examples`,
    `${report.unsortedBells} rows with bells re-sorted by frequency`,
  ];
  return parts.join(", ");
}

export interface Split {
  train: DatasetRow[];
  validation: DatasetRow[];
  validationParticipants: string[];
}

/**
 * Splits by participant, so that no one's settings are on both sides: participants in a seeded
 * order go to validation until it holds about `fraction` of the rows. A participant that would
 * take validation far past the target is skipped (five people made most of SAFE-DB's rows).
 */
export function splitByParticipant(rows: DatasetRow[], seed: number, fraction = 0.2): Split {
  const byParticipant = new Map<string, DatasetRow[]>();
  for (const row of rows) byParticipant.set(row.participant, [...(byParticipant.get(row.participant) ?? []), row]);
  const participants = [...byParticipant.keys()].sort();
  new SeededRandom(seed).shuffle(participants);
  const target = fraction * rows.length;
  const validationParticipants: string[] = [];
  let validationRows = 0;
  for (const participant of participants) {
    if (validationRows >= target) break;
    const count = byParticipant.get(participant)!.length;
    if (validationRows + count > target * 1.5) continue;
    validationParticipants.push(participant);
    validationRows += count;
  }
  const held = new Set(validationParticipants);
  return {
    train: rows.filter((row) => !held.has(row.participant)),
    validation: rows.filter((row) => held.has(row.participant)),
    validationParticipants: validationParticipants.sort(),
  };
}

/**
 * K folds of participants for cross-validation: every row is held out exactly once, by a model
 * that never saw its participant. Participants go, largest first (ties in seeded order), to the
 * fold with the fewest rows so far.
 */
export function participantFolds(rows: DatasetRow[], folds: number, seed: number): Split[] {
  const byParticipant = new Map<string, DatasetRow[]>();
  for (const row of rows) byParticipant.set(row.participant, [...(byParticipant.get(row.participant) ?? []), row]);
  const participants = new SeededRandom(seed).shuffle([...byParticipant.keys()].sort());
  participants.sort((a, b) => byParticipant.get(b)!.length - byParticipant.get(a)!.length);
  const assigned: string[][] = Array.from({ length: folds }, () => []);
  const sizes = new Array<number>(folds).fill(0);
  for (const participant of participants) {
    const smallest = sizes.indexOf(Math.min(...sizes));
    assigned[smallest]!.push(participant);
    sizes[smallest]! += byParticipant.get(participant)!.length;
  }
  return assigned.map((held) => {
    const set = new Set(held);
    return {
      train: rows.filter((row) => !set.has(row.participant)),
      validation: rows.filter((row) => set.has(row.participant)),
      validationParticipants: held.sort(),
    };
  });
}
