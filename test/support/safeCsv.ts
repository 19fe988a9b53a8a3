/**
 * Generated SAFE-DB-shaped CSV text for tests (the real data's licence is unclear, so tests that
 * do not need it never read it). Rows follow the real column layout: id, descriptor, participant,
 * channels, 13 parameters, six metadata columns, checksum.
 */
import { SeededRandom } from "../../server/src/core/model/index.js";

export interface FixtureRow {
  word: string;
  participant: string;
  values: number[];
}

/** Plausible settings per word: warm lifts low mids and dips the top, bright the reverse. */
export function generateRows(count: number, seed = 1, words = ["warm", "bright", "airy"]): FixtureRow[] {
  const random = new SeededRandom(seed);
  const rows: FixtureRow[] = [];
  for (let i = 0; i < count; i++) {
    const word = words[i % words.length]!;
    const sign = word === "warm" ? 1 : -1;
    const jitter = (scale: number) => (random.next() - 0.5) * scale;
    const lowGain = Math.max(-12, Math.min(12, sign * 4 + jitter(4)));
    const highGain = Math.max(-12, Math.min(12, -sign * 4 + jitter(4)));
    rows.push({
      word,
      participant: `user${String(i % 12).padStart(3, "0")}`,
      values: [
        lowGain,
        80 * Math.pow(4, random.next()),
        sign * 3 + jitter(2),
        200 * Math.pow(3, random.next()),
        0.5 + random.next() * 2,
        jitter(4),
        800 * Math.pow(3, random.next()),
        0.7 + random.next(),
        -sign * 2 + jitter(3),
        3000 * Math.pow(3, random.next()),
        1 + random.next(),
        highGain,
        word === "airy" ? 11000 + random.next() * 6000 : 2000 * Math.pow(4, random.next()),
      ],
    });
  }
  return rows;
}

export function csvLine(id: number, row: FixtureRow): string {
  return [id, row.word, row.participant, 2, 2, ...row.values, "", "", "", "", "", "", `checksum${id}`].join(",");
}

export function toCsv(rows: FixtureRow[]): string {
  return `${rows.map((row, index) => csvLine(index + 1, row)).join("\n")}\n`;
}
