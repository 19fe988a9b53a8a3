/**
 * The canonical layout: one statement per line, two-space indentation inside presets, lower-case
 * keywords and words, units written as `250Hz`, `2.5kHz`, `+3dB`, bands as frequency, slope, gain, Q.
 * Comments and anything the formatter does not understand are kept. Values are written so they
 * read back exactly. A document with syntax errors is left alone.
 */
import type { BandStatement, Comment, PresetBlock, PresetDocument, Quantity, Statement, UseStatement } from "./ast.js";
import { writeFrequency, writeGain, writePlain } from "./numbers.js";

const INDENT = "  ";

/** The formatted text, or undefined when the document has syntax errors. */
export function formatDocument(document: PresetDocument, text: string): string | undefined {
  if (document.syntaxErrors.length > 0) return undefined;
  const lines = text.split(/\r\n|\r|\n/);
  const writer = new LayoutWriter(document.comments, lines);
  const items = document.items;
  items.forEach((item, index) => {
    const next = items[index + 1];
    if (item.kind === "preset") {
      writer.preset(item, next?.range.start.line);
    } else {
      writer.statement(item, 0, next?.range.start.line);
    }
  });
  writer.commentsBefore(Number.POSITIVE_INFINITY, 0);
  return writer.result();
}

class LayoutWriter {
  private readonly out: string[] = [];
  private nextComment = 0;
  private lastSourceLine = -1;
  private afterPreset = false;

  constructor(
    private readonly comments: readonly Comment[],
    private readonly source: readonly string[],
  ) {}

  result(): string {
    while (this.out.length > 0 && this.out[this.out.length - 1] === "") this.out.pop();
    return this.out.length === 0 ? "" : `${this.out.join("\n")}\n`;
  }

  /** Emits the comments that start before `line`, each on its own line. */
  commentsBefore(line: number, depth: number): void {
    while (this.nextComment < this.comments.length && this.comments[this.nextComment]!.range.start.line < line) {
      const comment = this.comments[this.nextComment++]!;
      this.line(comment.range.start.line, depth, comment.text.trimEnd());
    }
  }

  preset(preset: PresetBlock, nextItemLine: number | undefined): void {
    this.commentsBefore(preset.range.start.line, 0);
    if (this.out.length > 0) this.blank();
    const name = quoted(preset.name ?? "");
    const headerLine = preset.keywordRange.start.line;
    const firstInside = preset.statements[0]?.range.start.line;
    this.line(
      headerLine,
      0,
      `preset ${name} {${this.trailing(headerLine, firstInside === headerLine ? firstInside : undefined)}`,
    );
    const closeLine = preset.closeLine ?? preset.range.end.line;
    preset.statements.forEach((statement, index) => {
      const next =
        preset.statements[index + 1]?.range.start.line ??
        (closeLine === statement.range.end.line ? closeLine : undefined);
      this.statement(statement, 1, next);
    });
    this.commentsBefore(closeLine, 1);
    this.line(closeLine, 0, `}${this.trailing(closeLine, nextItemLine === closeLine ? closeLine : undefined)}`);
    this.afterPreset = true;
  }

  statement(statement: Statement, depth: number, nextItemLine: number | undefined): void {
    this.commentsBefore(statement.range.start.line, depth);
    if (this.afterPreset && depth === 0) this.blank();
    const endLine = statement.range.end.line;
    const trailing = this.trailing(endLine, nextItemLine === endLine ? endLine : undefined);
    this.line(statement.range.start.line, depth, `${this.render(statement)}${trailing}`);
  }

  /** A comment on `line` becomes trailing, unless more code follows on that line. */
  private trailing(line: number, blockedBy: number | undefined): string {
    if (blockedBy !== undefined) return "";
    const comment = this.comments[this.nextComment];
    if (comment && comment.range.start.line === line) {
      this.nextComment++;
      return ` ${comment.text.trimEnd()}`;
    }
    return "";
  }

  private line(sourceLine: number, depth: number, text: string): void {
    if (
      this.lastSourceLine >= 0 &&
      sourceLine > this.lastSourceLine + 1 &&
      this.hasBlankBetween(this.lastSourceLine, sourceLine)
    )
      this.blank();
    this.afterPreset = false;
    this.out.push(`${INDENT.repeat(depth)}${text}`);
    this.lastSourceLine = Math.max(this.lastSourceLine, sourceLine);
  }

  private hasBlankBetween(from: number, to: number): boolean {
    for (let line = from + 1; line < to; line++) if ((this.source[line] ?? "").trim() === "") return true;
    return false;
  }

  private blank(): void {
    if (this.out.length > 0 && this.out[this.out.length - 1] !== "" && !this.out[this.out.length - 1]!.endsWith("{"))
      this.out.push("");
  }

  private render(statement: Statement): string {
    switch (statement.kind) {
      case "morph":
        return [
          "morph",
          ...statement.terms.map((term) => (term.weight ? `${term.word} ${writeWeight(term.weight)}` : term.word)),
        ].join(" ");
      case "band":
        return renderBand(statement);
      case "samplerate":
        return statement.value ? `samplerate ${writeAs(statement.value, "frequency")}` : "samplerate";
      case "gain":
        return statement.value ? `gain ${writeAs(statement.value, "gain")}` : "gain";
      case "tags":
        return ["tags", ...statement.tags.map((tag) => tag.word)].join(" ");
      case "use":
        return renderUse(statement);
      case "unknown":
        return sliceOf(this.source, statement.range);
    }
  }
}

/** A name in quotes, with `\\` and `"` escaped: reads back to the same name. */
export function quoted(name: string): string {
  return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function renderUse(use: UseStatement): string {
  const parts = ["use"];
  if (use.name !== undefined) parts.push(quoted(use.name));
  if (use.fromRange) parts.push("from");
  if (use.file !== undefined) parts.push(quoted(use.file));
  return parts.join(" ");
}

function renderBand(band: BandStatement): string {
  const parts: string[] = [bandKeyword(band)];
  if (band.frequency) parts.push(writeAs(band.frequency, "frequency"));
  if (band.slope) parts.push(writeAs(band.slope, "slope"));
  if (band.gain) parts.push(writeAs(band.gain, "gain"));
  if (band.q) parts.push(`q ${writeAs(band.q, "plain")}`);
  // Anything else (a value without a unit, a second frequency) is kept as written for the user to fix.
  band.parameters.forEach((parameter, index) => {
    const quantity = parameter.quantity;
    if (band.slotOf(index)) return;
    parts.push(parameter.kind === "q" ? (quantity ? `q ${quantity.text}` : "q") : quantity!.text);
  });
  return parts.join(" ");
}

/** The keyword a band line starts with: its type, or `bell1`…`bell3` for a bell that replaces a generated one. */
export function bandKeyword(band: Pick<BandStatement, "bandType" | "replacesBell">): string {
  return band.replacesBell > 0 ? `bell${band.replacesBell}` : band.bandType;
}

function writeWeight(weight: Quantity): string {
  return weight.unit === undefined && Number.isFinite(weight.value) ? writePlain(weight.value) : weight.text;
}

/** Writes a value in canonical form when it has the expected unit (or none, for sample rates), else as written. */
function writeAs(quantity: Quantity, as: "frequency" | "gain" | "plain" | "slope"): string {
  if (!Number.isFinite(quantity.value)) return quantity.text;
  if (as === "frequency" && (quantity.unit === "Hz" || quantity.unit === "kHz" || quantity.unit === undefined))
    return writeFrequency(quantity.value);
  if (as === "gain" && quantity.unit === "dB") return writeGain(quantity.value);
  if (as === "plain" && quantity.unit === undefined) return writePlain(quantity.value);
  if (as === "slope" && quantity.unit === "dB/oct") return `${writePlain(quantity.value)}dB/oct`;
  return quantity.text;
}

function sliceOf(
  source: readonly string[],
  range: { start: { line: number; character: number }; end: { line: number; character: number } },
): string {
  if (range.start.line === range.end.line)
    return (source[range.start.line] ?? "").slice(range.start.character, range.end.character);
  const parts = [(source[range.start.line] ?? "").slice(range.start.character)];
  for (let line = range.start.line + 1; line < range.end.line; line++) parts.push(source[line] ?? "");
  parts.push((source[range.end.line] ?? "").slice(0, range.end.character));
  return parts.join(" ");
}
