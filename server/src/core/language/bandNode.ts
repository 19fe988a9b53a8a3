/**
 * Band lines, the bulk of a preset file, as one object each. A band with its parameters was about
 * seventeen objects (ranges, parameters, quantities, their texts and boxed numbers); a parse of
 * 10,000 lines kept ~110,000 of them, and the collector copied the half-built tree at every
 * scavenge of the parse: more than half of parse + validate. Now a parse writes every band
 * parameter as a row of numbers in one typed array (`BandParameterTable`, which the collector does
 * not walk), and a `BandNode` holds its keyword's position and where its rows are. Its parameters,
 * quantities and ranges are made when asked, as the nodes of compactNodes.ts, and it serialises
 * (`toJSON`) as the plain band node, so what goes over the wire is unchanged.
 *
 * Made on demand, two reads of `parameters` give different objects: compare parameters by
 * position (`slotOf`), not by identity.
 */
import type { IToken } from "chevrotain";
import type { BandParameter, BandSlot, BandStatement, BandType, Quantity, Range, Unit } from "./ast.js";
import { quantityJSON, SourceRange } from "./compactNodes.js";
import { valueInBase } from "./numbers.js";

/** The fields of one parameter's row. */
const KIND = 0;
const KEYWORD_LINE = 1;
const KEYWORD_START = 2;
const KEYWORD_END = 3;
const HAS_QUANTITY = 4;
const NUMBER = 5;
const UNIT = 6;
const LINE = 7;
const START = 8;
const OFFSET = 9;
const LENGTH = 10;
const ROW = 11;

const VALUE_ROW = 0;
const Q_ROW = 1;

const UNITS: readonly Unit[] = [undefined, "Hz", "kHz", "dB", "dB/oct"];

function unitCode(unit: Unit): number {
  return unit === "Hz" ? 1 : unit === "kHz" ? 2 : unit === "dB" ? 3 : unit === "dB/oct" ? 4 : 0;
}

/** A quantity token as the scanner makes it: its number and unit already read. */
interface QuantityToken extends IToken {
  number: number;
  unit: Unit;
}

/**
 * The parameters of every band of one parse, one row of numbers each, and the text they were read
 * from (a quantity's text is a slice of it, made when asked). Rows are only added while the parse
 * runs; afterwards the table is read-only, shared by the bands and their moved copies.
 */
export class BandParameterTable {
  private rows: Float64Array;
  private used = 0;

  constructor(
    readonly source: string,
    expectedRows: number,
  ) {
    this.rows = new Float64Array(Math.max(16, expectedRows) * ROW);
  }

  /** The number of rows. */
  get size(): number {
    return this.used;
  }

  /** A value: the row's index. */
  addValue(token: IToken): number {
    const row = this.addRow(VALUE_ROW);
    this.writeQuantity(row, token as QuantityToken);
    return row;
  }

  /** `q` and its value, if any: the row's index. */
  addQ(keyword: IToken, value: IToken | undefined): number {
    const row = this.addRow(Q_ROW);
    const at = row * ROW;
    this.rows[at + KEYWORD_LINE] = keyword.startLine! - 1;
    this.rows[at + KEYWORD_START] = keyword.startColumn! - 1;
    this.rows[at + KEYWORD_END] = keyword.endColumn!;
    if (value) this.writeQuantity(row, value as QuantityToken);
    return row;
  }

  isQ(row: number): boolean {
    return this.rows[row * ROW + KIND] === Q_ROW;
  }

  hasQuantity(row: number): boolean {
    return this.rows[row * ROW + HAS_QUANTITY] === 1;
  }

  unit(row: number): Unit {
    return UNITS[this.rows[row * ROW + UNIT]!];
  }

  /** The row's quantity, its lines moved by `lineShift`; undefined for a `q` without its value. */
  quantity(row: number, lineShift: number): RowQuantity | undefined {
    return this.rows[row * ROW + HAS_QUANTITY] === 1 ? new RowQuantity(this, row, lineShift) : undefined;
  }

  number(row: number): number {
    return this.rows[row * ROW + NUMBER]!;
  }

  /** The number in its unit's base: Hz for kHz. */
  value(row: number): number {
    const at = row * ROW;
    return valueInBase(this.rows[at + NUMBER]!, UNITS[this.rows[at + UNIT]!]);
  }

  text(row: number): string {
    const at = row * ROW;
    const offset = this.rows[at + OFFSET]!;
    return this.source.slice(offset, offset + this.rows[at + LENGTH]!);
  }

  quantityRange(row: number, lineShift: number): SourceRange {
    const at = row * ROW;
    const line = this.rows[at + LINE]! + lineShift;
    const start = this.rows[at + START]!;
    return new SourceRange(line, start, line, start + this.rows[at + LENGTH]!);
  }

  parameter(row: number, lineShift: number): BandParameter {
    const rows = this.rows;
    const at = row * ROW;
    if (rows[at + KIND] === VALUE_ROW) return new ValueParameter(this.quantity(row, lineShift)!);
    const line = rows[at + KEYWORD_LINE]! + lineShift;
    const keywordRange = new SourceRange(line, rows[at + KEYWORD_START]!, line, rows[at + KEYWORD_END]!);
    return new QParameter(keywordRange, this.quantity(row, lineShift));
  }

  /** The table at its size, once the parse has added every row (a parse guesses its size high). */
  trimmed(): void {
    if (this.rows.length > 2 * this.used * ROW) this.rows = this.rows.slice(0, Math.max(1, this.used) * ROW);
  }

  private addRow(kind: number): number {
    if ((this.used + 1) * ROW > this.rows.length) {
      const grown = new Float64Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    const row = this.used++;
    const rows = this.rows;
    const at = row * ROW;
    // Every field, as a row of a grown table is not cleared.
    for (let field = 0; field < ROW; field++) rows[at + field] = 0;
    rows[at + KIND] = kind;
    return row;
  }

  private writeQuantity(row: number, token: QuantityToken): void {
    const at = row * ROW;
    this.rows[at + HAS_QUANTITY] = 1;
    this.rows[at + NUMBER] = token.number;
    this.rows[at + UNIT] = unitCode(token.unit);
    this.rows[at + LINE] = token.startLine! - 1;
    this.rows[at + START] = token.startColumn! - 1;
    this.rows[at + OFFSET] = token.startOffset;
    this.rows[at + LENGTH] = token.endOffset! + 1 - token.startOffset;
  }
}

/** A band's value (a frequency, a gain): the quantity is the whole parameter. */
class ValueParameter {
  readonly kind = "value";

  constructor(readonly quantity: RowQuantity) {}

  get range(): SourceRange {
    return this.quantity.range;
  }

  toJSON(): { kind: "value"; quantity: Quantity; range: Range } {
    return { kind: this.kind, quantity: this.quantity, range: this.range };
  }
}

/** `q` and its value, if any: the range runs from the keyword to the value. */
class QParameter {
  readonly kind = "q";

  constructor(
    readonly keywordRange: SourceRange,
    readonly quantity: RowQuantity | undefined,
  ) {}

  get range(): SourceRange {
    const { keywordRange, quantity } = this;
    if (!quantity) return keywordRange;
    const end = quantity.range;
    return new SourceRange(keywordRange.startLine, keywordRange.startCharacter, end.endLine, end.endCharacter);
  }

  toJSON(): { kind: "q"; keywordRange: Range; quantity?: Quantity; range: Range } {
    return { kind: this.kind, keywordRange: this.keywordRange, quantity: this.quantity, range: this.range };
  }
}

/** A band parameter's quantity, read from its row when asked. */
export class RowQuantity implements Quantity {
  readonly kind = "quantity";

  constructor(
    private readonly table: BandParameterTable,
    private readonly row: number,
    private readonly lineShift: number,
  ) {}

  get text(): string {
    return this.table.text(this.row);
  }

  get number(): number {
    return this.table.number(this.row);
  }

  get unit(): Unit {
    return this.table.unit(this.row);
  }

  get value(): number {
    return this.table.value(this.row);
  }

  get range(): SourceRange {
    return this.table.quantityRange(this.row, this.lineShift);
  }

  toJSON(): Quantity {
    return quantityJSON(this);
  }
}

/** A band line: its keyword's position, and its parameters as rows of a parse's table. */
export class BandNode implements BandStatement {
  readonly kind = "band";

  constructor(
    readonly bandType: BandType,
    private readonly table: BandParameterTable,
    /** The first row and the number of rows. */
    private readonly firstRow: number,
    readonly parameterCount: number,
    /** Added to the rows' lines: the band was moved this far since it was parsed. */
    private readonly lineShift: number,
    private readonly keywordLine: number,
    private readonly keywordStart: number,
    private readonly keywordEnd: number,
    private readonly endLine: number,
    private readonly endCharacter: number,
    /** The index of the parameter in each slot, -1 when none. */
    private readonly frequencyIndex: number,
    private readonly gainIndex: number,
    private readonly qIndex: number,
    private readonly slopeIndex: number,
    readonly replacesBell: number,
  ) {}

  get keywordRange(): SourceRange {
    return new SourceRange(this.keywordLine, this.keywordStart, this.keywordLine, this.keywordEnd);
  }

  get range(): SourceRange {
    return new SourceRange(this.keywordLine, this.keywordStart, this.endLine, this.endCharacter);
  }

  get parameters(): BandParameter[] {
    const parameters = new Array<BandParameter>(this.parameterCount);
    for (let index = 0; index < this.parameterCount; index++)
      parameters[index] = this.table.parameter(this.firstRow + index, this.lineShift);
    return parameters;
  }

  get frequency(): Quantity | undefined {
    return this.slotQuantity(this.frequencyIndex);
  }

  get gain(): Quantity | undefined {
    return this.slotQuantity(this.gainIndex);
  }

  get q(): Quantity | undefined {
    return this.slotQuantity(this.qIndex);
  }

  get slope(): Quantity | undefined {
    return this.slotQuantity(this.slopeIndex);
  }

  hasSlot(slot: BandSlot): boolean {
    return this.slotIndex(slot) >= 0;
  }

  /** The value (Hz, dB or plain) in the slot, without making its node. */
  slotValue(slot: BandSlot): number | undefined {
    const index = this.slotIndex(slot);
    return index < 0 ? undefined : this.table.value(this.firstRow + index);
  }

  /** The slot the parameter at `index` fills, if any: the first frequency, gain, Q or slope value of the band. */
  slotOf(index: number): BandSlot | undefined {
    if (index === this.frequencyIndex) return "frequency";
    if (index === this.gainIndex) return "gain";
    if (index === this.slopeIndex) return "slope";
    return index === this.qIndex ? "q" : undefined;
  }

  movedBy(lineDelta: number): BandNode {
    return new BandNode(
      this.bandType,
      this.table,
      this.firstRow,
      this.parameterCount,
      this.lineShift + lineDelta,
      this.keywordLine + lineDelta,
      this.keywordStart,
      this.keywordEnd,
      this.endLine + lineDelta,
      this.endCharacter,
      this.frequencyIndex,
      this.gainIndex,
      this.qIndex,
      this.slopeIndex,
      this.replacesBell,
    );
  }

  toJSON(): Omit<BandStatement, "slotOf" | "hasSlot" | "slotValue" | "parameterCount"> & { range: Range } {
    const { kind, bandType, keywordRange, parameters, frequency, gain, q, slope, replacesBell, range } = this;
    return { kind, bandType, keywordRange, parameters, frequency, gain, q, slope, replacesBell, range };
  }

  private slotIndex(slot: BandSlot): number {
    if (slot === "frequency") return this.frequencyIndex;
    if (slot === "gain") return this.gainIndex;
    return slot === "q" ? this.qIndex : this.slopeIndex;
  }

  private slotQuantity(index: number): Quantity | undefined {
    return index < 0 ? undefined : this.table.quantity(this.firstRow + index, this.lineShift);
  }
}

/** A band being read: its rows are added to the table as its parameters come. */
export class BandDraft {
  private frequencyIndex = -1;
  private gainIndex = -1;
  private qIndex = -1;
  private slopeIndex = -1;
  private readonly firstRow: number;

  constructor(
    private readonly table: BandParameterTable,
    private readonly bandType: BandType,
    private readonly keyword: IToken,
    /** 1–3 for `bell1`…`bell3`, else 0. */
    private readonly replacesBell: number,
  ) {
    this.firstRow = table.size;
  }

  value(token: IToken): void {
    const row = this.table.addValue(token);
    const unit = this.table.unit(row);
    const index = row - this.firstRow;
    if ((unit === "Hz" || unit === "kHz") && this.frequencyIndex < 0) this.frequencyIndex = index;
    else if (unit === "dB" && this.gainIndex < 0) this.gainIndex = index;
    else if (unit === "dB/oct" && this.slopeIndex < 0) this.slopeIndex = index;
  }

  q(keyword: IToken, value: IToken | undefined): void {
    const row = this.table.addQ(keyword, value);
    if (this.qIndex < 0 && this.table.hasQuantity(row)) this.qIndex = row - this.firstRow;
  }

  /** The band, ending at the end of `last`. */
  finish(last: IToken): BandNode {
    const keyword = this.keyword;
    const line = keyword.startLine! - 1;
    return new BandNode(
      this.bandType,
      this.table,
      this.firstRow,
      this.table.size - this.firstRow,
      0,
      line,
      keyword.startColumn! - 1,
      keyword.endColumn!,
      last.endLine! - 1,
      last.endColumn!,
      this.frequencyIndex,
      this.gainIndex,
      this.qIndex,
      this.slopeIndex,
      this.replacesBell,
    );
  }
}
