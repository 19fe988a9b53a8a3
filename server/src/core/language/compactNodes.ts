/**
 * Ranges and quantities as small classes whose positions are made when asked. A file has about
 * seven ranges and three values per line; as plain objects (a range being three of them) they were
 * most of the tree's memory and of the parse's garbage, and the collector's copying of them was a
 * quarter of a parse (band lines go further: bandNode.ts). Each serialises (toJSON) as the plain
 * node it stands for, so it goes into LSP messages as it is, and each is immutable: a moved tree
 * gets new nodes (`movedBy`, used by the incremental parser).
 */
import type { Position, Quantity, Range, Unit } from "./ast.js";
import { valueInBase } from "./numbers.js";

/** A range as four numbers in one object. */
export class SourceRange implements Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}

  get start(): Position {
    return { line: this.startLine, character: this.startCharacter };
  }

  get end(): Position {
    return { line: this.endLine, character: this.endCharacter };
  }

  movedBy(lineDelta: number): SourceRange {
    return new SourceRange(
      this.startLine + lineDelta,
      this.startCharacter,
      this.endLine + lineDelta,
      this.endCharacter,
    );
  }

  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}

/** A number with its unit, as one token on one line: its range follows from where it starts and its text. */
export class QuantityNode implements Quantity {
  readonly kind = "quantity";

  constructor(
    readonly text: string,
    readonly number: number,
    readonly unit: Unit,
    readonly line: number,
    readonly startCharacter: number,
  ) {}

  get value(): number {
    return valueInBase(this.number, this.unit);
  }

  get endCharacter(): number {
    return this.startCharacter + this.text.length;
  }

  get range(): SourceRange {
    return new SourceRange(this.line, this.startCharacter, this.line, this.endCharacter);
  }

  movedBy(lineDelta: number): QuantityNode {
    return new QuantityNode(this.text, this.number, this.unit, this.line + lineDelta, this.startCharacter);
  }

  toJSON(): Quantity {
    return quantityJSON(this);
  }
}

/** A quantity as its plain node: what every kind of quantity node serialises as. */
export function quantityJSON(quantity: Quantity): Quantity {
  const { kind, text, number, unit, value, range } = quantity;
  return { kind, text, number, unit, value, range };
}

/** A node that moves by making a moved copy of itself: these classes and bandNode.ts's BandNode. */
export function isCompactNode(value: object): value is { movedBy(lineDelta: number): object } {
  return typeof (value as { movedBy?: unknown }).movedBy === "function";
}
