/**
 * The training data formats `eqp train` reads, told apart from a file's first lines, with the
 * explanations the "Train EQ model" picker shows: a newcomer cannot know what SAFE-DB or SocialFX
 * hold or where they come from. Free of the vscode module, for the unit tests.
 */

export type DataFormat = "safe-db" | "socialfx";

export interface FormatInfo {
  name: string;
  /** One line: what a row is. */
  holds: string;
  /** Where the file comes from and how `eqp train` uses it. */
  source: string;
}

export const DATA_FORMATS: Record<DataFormat, FormatInfo> = {
  "safe-db": {
    name: "SAFE-DB CSV",
    holds: "one 5-band EQ setting per row (13 values: dB, Hz, Q) with the word its author gave it",
    source:
      "SAFEEqualiserUserData.csv from the SAFE project's dataset (semanticaudio.co.uk; Stables et al., ISMIR 2014): settings people saved in the SAFE plug-in. No header, 25 columns. Required for training.",
  },
  socialfx: {
    name: "SocialFX CSV",
    holds: "one 40-band crowd EQ curve per row with the word its contributor gave it",
    source:
      "SocialFX_eq_contributions.csv (Zheng, Seetharaman, Pardo, ACM MM 2016; the data behind Audealize): curve shapes, not dB. Optional: trained together with a SAFE-DB CSV, which sets the dB scale.",
  },
};

export type Sniffed = { format: DataFormat; rows: number } | { format: undefined; reason: string };

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** What a CSV's text (or its first few kilobytes) holds; `rows` counts the data lines seen. */
export function sniffCsv(text: string): Sniffed {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const first = lines[0];
  if (first === undefined) return { format: undefined, reason: "the file is empty" };
  const fields = first.split(",");
  if (fields[0]?.trim().toLowerCase() === "descriptor" && fields.some((field) => /^RSC_\d+Hz_band$/.test(field.trim())))
    return { format: "socialfx", rows: lines.length - 1 };
  // SAFE-DB rows: id, word, participant, two channel counts, 13 parameters, metadata, checksum.
  const parameters = fields.slice(5, 18);
  if (fields.length >= 18 && NUMBER.test(fields[0]?.trim() ?? "") && parameters.every((v) => NUMBER.test(v.trim())))
    return { format: "safe-db", rows: lines.length };
  return {
    format: undefined,
    reason: `its first line has ${fields.length} columns: neither SAFE-DB's settings (13 numbers from column 6) nor a SocialFX header (descriptor, …, RSC_20Hz_band, …)`,
  };
}
