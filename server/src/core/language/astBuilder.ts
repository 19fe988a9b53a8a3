/**
 * Builds the typed syntax tree while the parser runs (the parser's actions call it), instead of
 * building a CST and walking it afterwards: the CST was most of the parse's time and garbage.
 *
 * The tree is the one the CST gave, node for node. Recovery can cut a rule short, so nothing waits
 * for a rule's end: a preset or statement is opened when its keyword is read and closed when
 * something outside it starts (or the input ends), and its range runs to the last real token read
 * while it was open. Tokens inserted by recovery have no position, so they are dropped.
 */
import type { IToken } from "chevrotain";
import type { BandParameter, BandStatement, BandType, PresetBlock, Quantity, Range, Statement } from "./ast.js";
import type { ScannedToken } from "./scanner.js";

export function hasPosition(token: IToken | undefined): token is IToken {
  return (
    token !== undefined &&
    !token.isInsertedInRecovery &&
    Number.isFinite(token.startOffset) &&
    Number.isFinite(token.startLine)
  );
}

export function tokenRange(token: IToken): Range {
  return {
    start: { line: (token.startLine ?? 1) - 1, character: (token.startColumn ?? 1) - 1 },
    end: { line: (token.endLine ?? 1) - 1, character: token.endColumn ?? 0 },
  };
}

/** From `start` (a keyword's, shared: one object fewer per item) to the end of `last`. */
function spanTo(start: Range["start"], last: IToken): Range {
  return { start, end: { line: last.endLine! - 1, character: last.endColumn! } };
}

/** A word or `q` with the value after it, if any: their ranges, and the range of both. */
function headed(head: IToken, valueToken: IToken | undefined): { headRange: Range; value?: Quantity; range: Range } {
  const headRange = tokenRange(head);
  const value = quantity(valueToken);
  return { headRange, value, range: value ? { start: headRange.start, end: value.range.end } : headRange };
}

function quantity(token: IToken | undefined): Quantity | undefined {
  if (!hasPosition(token)) return undefined;
  // The scanner read the number and unit; the parser only consumes Quantity tokens here.
  const { number, unit } = token as ScannedToken;
  return {
    kind: "quantity",
    text: token.image,
    number,
    unit,
    value: unit === "kHz" ? number * 1000 : number,
    range: tokenRange(token),
  };
}

function unquote(image: string): string {
  const inner = image.endsWith('"') && image.length >= 2 ? image.slice(1, -1) : image.slice(1);
  return inner.indexOf("\\") < 0 ? inner : inner.replace(/\\(.)/g, "$1");
}

interface PresetDraft {
  keyword: IToken;
  name?: IToken;
  open?: IToken;
  close?: IToken;
  statements: Statement[];
}

export class TreeBuilder {
  /** Presets and file-level statements, in source order. */
  items: (PresetBlock | Statement)[] = [];
  /** Tokens consumed only to skip them (each is a syntax error), in source order. */
  strays: IToken[] = [];
  private preset: PresetDraft | undefined;
  /** The statement being read: its range (and a band's slots) are set when it closes. */
  private statement: Statement | undefined;
  /** The last real token read: where an open preset or statement ends when it is closed. */
  private last: IToken | undefined;

  reset(): void {
    this.items = [];
    this.strays = [];
    this.preset = undefined;
    this.statement = undefined;
    this.last = undefined;
  }

  /** A token of the open statement (or of nothing open: then it only moves the end). */
  took(token: IToken): void {
    if (hasPosition(token)) this.last = token;
  }

  /** Something at file level starts: whatever preset was open ended before it. */
  atFileLevel(): void {
    this.closeStatement();
    this.closePreset();
  }

  /** The items, once the input is read. */
  finish(): (PresetBlock | Statement)[] {
    this.atFileLevel();
    return this.items;
  }

  beginPreset(keyword: IToken): void {
    this.atFileLevel();
    this.took(keyword);
    if (hasPosition(keyword)) this.preset = { keyword, statements: [] };
  }

  presetName(token: IToken): void {
    this.took(token);
    if (this.preset && hasPosition(token)) this.preset.name ??= token;
  }

  presetOpen(token: IToken): void {
    this.took(token);
    if (this.preset && hasPosition(token)) this.preset.open ??= token;
  }

  presetClose(token: IToken): void {
    this.closeStatement();
    this.took(token);
    if (this.preset && hasPosition(token)) this.preset.close ??= token;
  }

  /** A token no statement can start with (or a `}` at file level). */
  stray(token: IToken): void {
    this.closeStatement();
    this.took(token);
    if (hasPosition(token)) this.strays.push(token);
  }

  /** A `;`: an empty statement, part of its preset but of no item. */
  emptyStatement(token: IToken): void {
    this.closeStatement();
    this.took(token);
  }

  beginMorph(keyword: IToken): void {
    this.begin({ kind: "morph", keywordRange: tokenRange(keyword), terms: [], range: undefined! }, keyword);
  }

  morphTerm(word: IToken, weightToken: IToken | undefined): void {
    this.took(word);
    if (weightToken) this.took(weightToken);
    const node = this.statement;
    if (node?.kind !== "morph" || !hasPosition(word)) return;
    const { headRange, value, range } = headed(word, weightToken);
    const text = word.image;
    node.terms.push({ kind: "morphTerm", text, word: text.toLowerCase(), wordRange: headRange, weight: value, range });
  }

  beginBand(keyword: IToken, bandType: BandType): void {
    // Every band gets the same fields in the same order, the slots included (set at its end): one
    // object shape, so the checks that read every band stay monomorphic.
    const band: BandStatement = {
      kind: "band",
      bandType,
      keywordRange: tokenRange(keyword),
      parameters: [],
      frequency: undefined,
      gain: undefined,
      q: undefined,
      range: undefined!,
    };
    this.begin(band, keyword);
  }

  bandValue(token: IToken): void {
    this.took(token);
    const node = this.statement;
    const value = quantity(token);
    if (node?.kind === "band" && value) node.parameters.push({ kind: "value", quantity: value, range: value.range });
  }

  bandQ(keyword: IToken, valueToken: IToken | undefined): void {
    this.took(keyword);
    if (valueToken) this.took(valueToken);
    const node = this.statement;
    if (node?.kind !== "band" || !hasPosition(keyword)) return;
    const { headRange, value, range } = headed(keyword, valueToken);
    node.parameters.push({ kind: "q", keywordRange: headRange, quantity: value, range });
  }

  /** `samplerate` or `gain` with its value, if any. */
  setting(kind: "samplerate" | "gain", keyword: IToken, valueToken: IToken | undefined): void {
    this.begin({ kind, keywordRange: tokenRange(keyword), value: undefined, range: undefined! }, keyword);
    if (!valueToken) return;
    this.took(valueToken);
    const node = this.statement;
    if (node?.kind === kind) node.value = quantity(valueToken);
  }

  beginTags(keyword: IToken): void {
    this.begin({ kind: "tags", keywordRange: tokenRange(keyword), tags: [], range: undefined! }, keyword);
  }

  tag(word: IToken): void {
    this.took(word);
    const node = this.statement;
    if (node?.kind === "tags" && hasPosition(word))
      node.tags.push({ text: word.image, word: word.image.toLowerCase(), range: tokenRange(word) });
  }

  beginUnknown(word: IToken): void {
    this.begin({ kind: "unknown", text: word.image, keywordRange: tokenRange(word), range: undefined! }, word);
  }

  private begin(node: Statement, keyword: IToken): void {
    this.closeStatement();
    this.took(keyword);
    // A keyword is always a real token (the grammar reads it only after looking at it); a
    // statement without one would have no range, so it is no item.
    if (hasPosition(keyword)) this.statement = node;
  }

  private closeStatement(): void {
    const node = this.statement;
    if (!node) return;
    this.statement = undefined;
    node.range = spanTo(node.keywordRange.start, this.last!);
    if (node.kind === "band") assignSlots(node);
    if (this.preset) this.preset.statements.push(node);
    else this.items.push(node);
  }

  private closePreset(): void {
    const draft = this.preset;
    if (!draft) return;
    this.preset = undefined;
    const { keyword, name, open, close } = draft;
    const keywordRange = tokenRange(keyword);
    this.items.push({
      kind: "preset",
      name: name ? unquote(name.image) : undefined,
      nameRange: name ? tokenRange(name) : undefined,
      keywordRange,
      openRange: open ? tokenRange(open) : undefined,
      statements: draft.statements,
      closed: close !== undefined,
      closeLine: close ? close.startLine! - 1 : undefined,
      range: spanTo(keywordRange.start, this.last!),
    });
  }
}

/** The first frequency, gain and Q among a band's parameters. */
function assignSlots(band: BandStatement): void {
  for (const parameter of band.parameters as BandParameter[]) {
    if (parameter.kind === "q") {
      band.q ??= parameter.quantity;
    } else if (parameter.quantity.unit === "Hz" || parameter.quantity.unit === "kHz") {
      band.frequency ??= parameter.quantity;
    } else if (parameter.quantity.unit === "dB") {
      band.gain ??= parameter.quantity;
    }
  }
}
