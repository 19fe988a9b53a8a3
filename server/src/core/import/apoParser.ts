/**
 * Reading Equalizer APO configuration text (AutoEQ's `ParametricEQ.txt` is a small subset of it)
 * line by line, the way APO reads it: `Preamp: -6.2 dB`, and `Filter 1: ON PK Fc 105 Hz Gain 5.5
 * dB Q 0.70` with the parameters Fc … Hz, Gain … dB, Q …, BW Oct … and a shelf slope `… dB`. A
 * comma is a decimal mark, and "Fc 1.500 Hz" is 1500 Hz (Room EQ Wizard writes a thousands
 * separator), as in APO. Lines that are not APO at all are errors with their line and column.
 *
 * As in APO's own parser (BiQuadFilterFactory), `ON` and the filter types are case-sensitive: a
 * line `Filter: On HSC …` or `ON pk …` does nothing in APO, so it is read as an ignored line with a
 * warning, not as a filter. The header Room EQ Wizard writes above its filters ("Filter Settings
 * file", "Room EQ V5.20", "Dated: …", "Notes:", "Equaliser: …") is skipped, as APO skips lines
 * without a known command.
 */

export type ApoFilterFamily = "peaking" | "lowshelf" | "highshelf" | "other";

/** APO's biquad filter types: what they are, and whether a SAFE band can hold them. */
export const APO_FILTER_KINDS: Record<string, { family: ApoFilterFamily; description: string }> = {
  PK: { family: "peaking", description: "peaking" },
  PEQ: { family: "peaking", description: "peaking" },
  Modal: { family: "peaking", description: "modal (peaking)" },
  LSC: { family: "lowshelf", description: "low shelf" },
  HSC: { family: "highshelf", description: "high shelf" },
  // APO runs these as cookbook shelves, their frequency moved from the corner to the centre (apoFilters.ts).
  LS: { family: "lowshelf", description: "low shelf at its corner frequency" },
  HS: { family: "highshelf", description: "high shelf at its corner frequency" },
  LP: { family: "other", description: "low-pass" },
  LPQ: { family: "other", description: "low-pass" },
  HP: { family: "other", description: "high-pass" },
  HPQ: { family: "other", description: "high-pass" },
  BP: { family: "other", description: "band-pass" },
  NO: { family: "other", description: "notch" },
  AP: { family: "other", description: "all-pass" },
  IIR: { family: "other", description: "IIR with raw coefficients" },
};

/** APO commands other than Preamp and Filter: valid APO, but nothing a SAFE preset can hold. */
export const OTHER_APO_COMMANDS = [
  "Device",
  "Channel",
  "Stage",
  "Include",
  "Copy",
  "Delay",
  "GraphicEQ",
  "Convolution",
  "Eval",
  "If",
  "ElseIf",
  "Else",
  "EndIf",
  "VSTPlugin",
  "LoudnessCorrection",
  "Compressor",
];

/** A number with where it stands (1-based column of its first character). */
export interface Located<T> {
  value: T;
  column: number;
}

export interface ApoFilterLine {
  kind: "filter";
  line: number;
  text: string;
  enabled: boolean;
  type: Located<string>;
  family: ApoFilterFamily;
  frequencyHz?: Located<number>;
  /** True when "Fc 1.500 Hz" was read as 1500 Hz, as APO does. */
  thousandsSeparator?: boolean;
  gainDb?: Located<number>;
  q?: Located<number>;
  bandwidthOctaves?: Located<number>;
  slopeDb?: Located<number>;
}

export type ApoLine =
  | { kind: "blank" | "comment"; line: number; text: string }
  /** A line APO reads but ignores (a lower-case `On`, a type it does not know in that case): a warning. */
  | { kind: "ignored"; line: number; text: string; column: number; reason: string }
  /** Room EQ Wizard's header lines: skipped silently. */
  | { kind: "header"; line: number; text: string }
  | { kind: "preamp"; line: number; text: string; gainDb: number }
  | ApoFilterLine
  | { kind: "other"; line: number; text: string; command: string };

export interface ApoProblem {
  line: number;
  column: number;
  message: string;
}

export interface ApoDocument {
  lines: ApoLine[];
  errors: ApoProblem[];
}

const NUMBER = String.raw`[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?`;

function readNumber(text: string): number {
  return Number(text.replace(",", "."));
}

/** APO's frequency reading: a three-decimal "1.500" is Room EQ Wizard's thousands separator. */
function readFrequency(text: string): { value: number; thousands: boolean } {
  const normalised = text.replace(",", ".");
  const thousands = normalised.length >= 5 && !/[eE]/.test(normalised) && normalised[normalised.length - 4] === ".";
  return { value: Number(normalised) * (thousands ? 1000 : 1), thousands };
}

class LineError extends Error {
  constructor(
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

function ignored(line: number, text: string, column: number, reason: string): ApoLine {
  return { kind: "ignored", line, text, column, reason: `${reason}, so it ignores this line` };
}

function parseFilter(line: number, text: string, paramsStart: number): ApoLine {
  let position = paramsStart;
  const at = (pattern: RegExp): RegExpExecArray | null => {
    const sticky = new RegExp(pattern.source, "iy");
    sticky.lastIndex = position;
    const match = sticky.exec(text);
    if (match) position = sticky.lastIndex;
    return match;
  };
  const column = () => position + 1 + (/^\s*/.exec(text.slice(position))?.[0].length ?? 0);
  const stateColumn = column();
  const state = at(/\s*(ON|OFF)\b/);
  if (!state)
    throw new LineError(
      stateColumn,
      "a filter starts with ON or OFF, as in 'Filter 1: ON PK Fc 1000 Hz Gain 3 dB Q 1.41'",
    );
  if (state[1] !== "ON" && state[1] !== "OFF")
    return ignored(
      line,
      text,
      stateColumn,
      `'${state[1]!.trim()}' is not 'ON': Equalizer APO reads ON in capitals only`,
    );
  const typeColumn = column();
  const type = at(/\s*([A-Za-z]+)/);
  if (!type) throw new LineError(typeColumn, "expected a filter type (PK, LSC, HSC, …) after ON");
  const typeName = type[1]!;
  const known = APO_FILTER_KINDS[typeName];
  if (!known && typeName !== "None") {
    // APO's type names are case-sensitive: 'pk' is no filter to APO, but clearly not a typo for another type either.
    const meant = Object.keys(APO_FILTER_KINDS).find((name) => name.toLowerCase() === typeName.toLowerCase());
    if (meant)
      return ignored(
        line,
        text,
        typeColumn,
        `'${typeName}' is not '${meant}': Equalizer APO's filter types are case-sensitive`,
      );
  }
  const filter: ApoFilterLine = {
    kind: "filter",
    line,
    text,
    enabled: state[1]!.toUpperCase() === "ON",
    type: { value: typeName, column: typeColumn },
    family: known?.family ?? "other",
  };
  if (!known) {
    if (typeName === "None") return filter;
    throw new LineError(
      typeColumn,
      `unknown filter type '${type[1]}': expected one of ${Object.keys(APO_FILTER_KINDS).join(", ")}`,
    );
  }
  if (typeName === "IIR") return filter; // raw coefficients: kept as text, never a SAFE band
  const seen = new Set<string>();
  const once = (name: string, where: number) => {
    if (seen.has(name)) throw new LineError(where, `${name} is given twice`);
    seen.add(name);
  };
  let first = true;
  while (!at(/\s*$/)) {
    const where = column();
    let match: RegExpExecArray | null;
    if ((match = at(new RegExp(String.raw`\s*Fc\s*(${NUMBER})\s*H\s*z`)))) {
      once("Fc", where);
      const frequency = readFrequency(match[1]!);
      filter.frequencyHz = { value: frequency.value, column: where };
      if (frequency.thousands) filter.thousandsSeparator = true;
    } else if ((match = at(new RegExp(String.raw`\s*Gain\s*(${NUMBER})\s*dB`)))) {
      once("Gain", where);
      filter.gainDb = { value: readNumber(match[1]!), column: where };
    } else if ((match = at(new RegExp(String.raw`\s*BW\s+Oct\s*(${NUMBER})`)))) {
      once("BW Oct", where);
      filter.bandwidthOctaves = { value: readNumber(match[1]!), column: where };
    } else if ((match = at(new RegExp(String.raw`\s*Q\s*(${NUMBER})`)))) {
      once("Q", where);
      filter.q = { value: readNumber(match[1]!), column: where };
    } else if (first && (match = at(new RegExp(String.raw`\s*(${NUMBER})\s*dB`)))) {
      filter.slopeDb = { value: readNumber(match[1]!), column: where };
    } else {
      const rest = text.slice(where - 1);
      const keyword = /^(Fc|Gain|BW\s+Oct|Q)(\s*)/i.exec(rest);
      if (keyword) {
        const example = { fc: "Fc 1000 Hz", gain: "Gain -3 dB", q: "Q 1.41" }[keyword[1]!.toLowerCase()] ?? "BW Oct 1";
        const valueColumn = where + keyword[0].length;
        const value = /^\S*/.exec(text.slice(valueColumn - 1))![0];
        const problem = !value
          ? `${keyword[1]} needs a number`
          : new RegExp(`^${NUMBER}`).test(value)
            ? `${keyword[1]} ${value} needs its unit`
            : `'${value}' is not a number`;
        throw new LineError(valueColumn, `${problem}: write it as in '${example}'`);
      }
      const word = /^\S+/.exec(rest)?.[0] ?? "";
      throw new LineError(
        where,
        `unexpected '${word}': expected Fc <Hz> Hz, Gain <dB> dB, Q <number> or BW Oct <octaves>`,
      );
    }
    first = false;
  }
  return filter;
}

/** Room EQ Wizard's "Filter Settings file" export starts with this line, then a header until the first filter. */
const REW_SIGNATURE = /^\s*Filter Settings file\s*$/;

export function parseApo(text: string): ApoDocument {
  const lines: ApoLine[] = [];
  const errors: ApoProblem[] = [];
  let inRewHeader = false;
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = index + 1;
    const body = raw.replace(/^\uFEFF/, "");
    if (body.trim() === "") {
      lines.push({ kind: "blank", line, text: raw });
      return;
    }
    if (lines.every((previous) => previous.kind === "blank") && REW_SIGNATURE.test(body)) inRewHeader = true;
    if (inRewHeader && /^\s*Filter\s*\d*\s*:/.test(body)) inRewHeader = false;
    if (inRewHeader) {
      lines.push({ kind: "header", line, text: raw });
      return;
    }
    if (/^\s*#/.test(body)) {
      lines.push({ kind: "comment", line, text: raw });
      return;
    }
    const command = /^\s*([A-Za-z][A-Za-z0-9 ]*?)\s*:/.exec(body);
    const indent = /^\s*/.exec(body)![0].length;
    try {
      if (!command)
        throw new LineError(
          indent + 1,
          `not an Equalizer APO line: expected 'Preamp: <dB> dB' or 'Filter <n>: ON <type> …'`,
        );
      const name = command[1]!;
      const paramsStart = command[0].length;
      if (/^(preamp|filter\b.*|filter\d*)$/i.test(name) && !/^(Preamp|Filter\b.*|Filter\d*)$/.test(name)) {
        // APO matches its command names exactly.
        lines.push(
          ignored(
            line,
            raw,
            indent + 1,
            `'${name}' is not '${/^p/i.test(name) ? "Preamp" : "Filter"}': Equalizer APO's commands are case-sensitive`,
          ) as ApoLine,
        );
      } else if (name === "Preamp") {
        const gain = new RegExp(String.raw`^\s*(${NUMBER})\s*dB\s*$`, "i").exec(body.slice(paramsStart));
        if (!gain)
          throw new LineError(
            paramsStart + 1 + (/^\s*/.exec(body.slice(paramsStart))?.[0].length ?? 0),
            "expected 'Preamp: <number> dB'",
          );
        lines.push({ kind: "preamp", line, text: raw, gainDb: readNumber(gain[1]!) });
      } else if (/^Filter\b/.test(name) || /^Filter\d*$/.test(name)) {
        lines.push(parseFilter(line, body, paramsStart));
      } else if (OTHER_APO_COMMANDS.some((other) => other.toLowerCase() === name.toLowerCase())) {
        lines.push({ kind: "other", line, text: raw, command: name });
      } else {
        throw new LineError(
          indent + 1,
          `unknown command '${name}': an Equalizer APO file has Preamp and Filter lines (and ${OTHER_APO_COMMANDS.slice(0, 4).join(", ")}, …)`,
        );
      }
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      errors.push({ line, column: error.column, message: error.message });
    }
  });
  while (lines.length > 0 && lines[lines.length - 1]!.kind === "blank") lines.pop();
  return { lines, errors };
}
