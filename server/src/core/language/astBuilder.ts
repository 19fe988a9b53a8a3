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
import type { BandStatement, BandType, MorphTerm, PresetBlock, Quantity, Range, Statement, TagWord } from "./ast.js";
import { BandDraft, BandParameterTable } from "./bandNode.js";
import { QuantityNode, SourceRange } from "./compactNodes.js";
import type { ScannedToken } from "./scanner.js";

export function hasPosition(token: IToken | undefined): token is IToken {
  return (
    token !== undefined &&
    !token.isInsertedInRecovery &&
    Number.isFinite(token.startOffset) &&
    Number.isFinite(token.startLine)
  );
}

export function tokenRange(token: IToken): SourceRange {
  return new SourceRange(
    (token.startLine ?? 1) - 1,
    (token.startColumn ?? 1) - 1,
    (token.endLine ?? 1) - 1,
    token.endColumn ?? 0,
  );
}

/** From the start of `first` to the end of `last`. */
function spanTo(first: SourceRange, last: IToken): SourceRange {
  return new SourceRange(first.startLine, first.startCharacter, last.endLine! - 1, last.endColumn!);
}

/** A word and the weight after it, if any: their ranges, and the range of both. */
function headed(head: IToken, valueToken: IToken | undefined): { headRange: Range; value?: Quantity; range: Range } {
  const headRange = tokenRange(head);
  const value = quantity(valueToken);
  if (!value) return { headRange, value, range: headRange };
  const range = new SourceRange(headRange.startLine, headRange.startCharacter, value.line, value.endCharacter);
  return { headRange, value, range };
}

function quantity(token: IToken | undefined): QuantityNode | undefined {
  if (!hasPosition(token)) return undefined;
  // The scanner read the number and unit; the parser consumes only Quantity tokens here.
  const { number, unit } = token as ScannedToken;
  return new QuantityNode(token.image, number, unit, token.startLine! - 1, token.startColumn! - 1);
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
}

/**
 * The children of the node being read, gathered in one list kept across nodes and copied out
 * exactly when the node closes. A list grown by push keeps room for 17 entries, so pushing into
 * each node's own list made the tree a fifth larger, and trimming it afterwards made as much
 * garbage.
 */
class ScratchList<T> {
  private readonly items: (T | undefined)[] = [];
  private count = 0;

  add(item: T): void {
    this.items[this.count++] = item;
  }

  /** The items added since the last take, as an exact list; the scratch is emptied. */
  take<Taken extends T = T>(): Taken[] {
    const taken = this.items.slice(0, this.count) as Taken[];
    this.clear();
    return taken;
  }

  /** Empties the scratch without copying what it held (a parse cut short by an error left it there). */
  clear(): void {
    for (let index = 0; index < this.count; index++) this.items[index] = undefined;
    this.count = 0;
  }
}

export class TreeBuilder {
  /** Presets and file-level statements, in source order. */
  items: (PresetBlock | Statement)[] = [];
  /** Tokens consumed only to skip them (each is a syntax error), in source order. */
  strays: IToken[] = [];
  private preset: PresetDraft | undefined;
  /** The open statement's words or tags; the open preset's statements. */
  private readonly parts = new ScratchList<MorphTerm | TagWord>();
  private readonly presetStatements = new ScratchList<Statement>();
  /** The statement being read (not a band): its range is set when it closes. */
  private statement: Exclude<Statement, BandStatement> | undefined;
  /** The band being read, instead of a statement. */
  private band: BandDraft | undefined;
  /** The parse's band parameters. */
  private table = new BandParameterTable("", 0);
  /** The last real token read: where an open preset or statement ends when it is closed. */
  private last: IToken | undefined;

  /**
   * Ready for a parse of `source` (or, with none, holding nothing of the last one). `parameterTokens`:
   * the source's values and `q`s, the most band parameters it can have (the scanner counts them),
   * so that the table is made once at a size it never outgrows.
   */
  reset(source = "", parameterTokens = 0): void {
    this.table = new BandParameterTable(source, parameterTokens);
    this.band = undefined;
    this.items = [];
    this.strays = [];
    this.preset = undefined;
    this.statement = undefined;
    this.last = undefined;
    this.parts.clear();
    this.presetStatements.clear();
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
    this.table.trimmed();
    return this.items;
  }

  beginPreset(keyword: IToken): void {
    this.atFileLevel();
    this.took(keyword);
    if (hasPosition(keyword)) this.preset = { keyword };
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
    this.parts.add({ kind: "morphTerm", text, word: text.toLowerCase(), wordRange: headRange, weight: value, range });
  }

  beginBand(keyword: IToken, bandType: BandType, replacesBell = 0): void {
    this.begin(undefined, keyword);
    if (hasPosition(keyword)) this.band = new BandDraft(this.table, bandType, keyword, replacesBell);
  }

  bandValue(token: IToken): void {
    this.took(token);
    if (this.band && hasPosition(token)) this.band.value(token);
  }

  bandQ(keyword: IToken, valueToken: IToken | undefined): void {
    this.took(keyword);
    if (valueToken) this.took(valueToken);
    if (!this.band || !hasPosition(keyword)) return;
    this.band.q(keyword, hasPosition(valueToken) ? valueToken : undefined);
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
      this.parts.add({ text: word.image, word: word.image.toLowerCase(), range: tokenRange(word) });
  }

  beginUse(keyword: IToken): void {
    this.begin({ kind: "use", keywordRange: tokenRange(keyword), range: undefined! }, keyword);
  }

  useName(token: IToken): void {
    this.took(token);
    const node = this.statement;
    if (node?.kind !== "use" || !hasPosition(token) || node.nameRange) return;
    node.name = unquote(token.image);
    node.nameRange = tokenRange(token);
  }

  useFrom(keyword: IToken): void {
    this.took(keyword);
    const node = this.statement;
    if (node?.kind === "use" && hasPosition(keyword)) node.fromRange = tokenRange(keyword);
  }

  useFile(token: IToken): void {
    this.took(token);
    const node = this.statement;
    if (node?.kind !== "use" || !hasPosition(token) || node.fileRange) return;
    node.file = unquote(token.image);
    node.fileRange = tokenRange(token);
  }

  beginUnknown(word: IToken): void {
    this.begin({ kind: "unknown", text: word.image, keywordRange: tokenRange(word), range: undefined! }, word);
  }

  /** A statement starts (a band's draft is made by its caller). */
  private begin(node: Exclude<Statement, BandStatement> | undefined, keyword: IToken): void {
    this.closeStatement();
    this.took(keyword);
    // A keyword is always a real token (the grammar reads it only after looking at it); a
    // statement without one would have no range, so it is no item.
    if (node && hasPosition(keyword)) this.statement = node;
  }

  private closeStatement(): void {
    const band = this.band;
    if (band) {
      this.band = undefined;
      this.add(band.finish(this.last!));
      return;
    }
    const node = this.statement;
    if (!node) return;
    this.statement = undefined;
    node.range = spanTo(node.keywordRange as SourceRange, this.last!);
    if (node.kind === "morph") {
      node.terms = this.parts.take<MorphTerm>();
    } else if (node.kind === "tags") {
      node.tags = this.parts.take<TagWord>();
    }
    this.add(node);
  }

  private add(node: Statement): void {
    if (this.preset) this.presetStatements.add(node);
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
      statements: this.presetStatements.take(),
      closed: close !== undefined,
      closeLine: close ? close.startLine! - 1 : undefined,
      range: spanTo(keywordRange, this.last!),
    });
  }
}
