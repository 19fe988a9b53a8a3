/**
 * Turns Chevrotain's CST into the typed AST. Defensive throughout: recovery can leave any child
 * missing, and tokens inserted by recovery have no position, so they are dropped.
 */
import type { CstNode, IToken } from "chevrotain";
import type {
  BandParameter,
  BandStatement,
  BandType,
  MorphStatement,
  MorphTerm,
  PresetBlock,
  Quantity,
  Range,
  Statement,
} from "./ast.js";
import { readQuantity } from "./numbers.js";

type Children = Record<string, (CstNode | IToken)[] | undefined>;

function isToken(element: CstNode | IToken): element is IToken {
  return (element as IToken).image !== undefined;
}

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

function spanning(first: Range, last: Range): Range {
  return { start: first.start, end: last.end };
}

// The helpers below loop instead of chaining filter(): they run for every token of the file, and
// the intermediate arrays were a large share of the parse's garbage.

function tokens(children: Children, name: string): IToken[] {
  const found: IToken[] = [];
  for (const element of children[name] ?? []) if (isToken(element) && hasPosition(element)) found.push(element);
  return found;
}

/** The first positioned token of a kind (in child order, which is source order). */
function firstToken(children: Children, name: string): IToken | undefined {
  for (const element of children[name] ?? []) if (isToken(element) && hasPosition(element)) return element;
  return undefined;
}

function nodes(children: Children, name: string): CstNode[] {
  const found: CstNode[] = [];
  for (const element of children[name] ?? []) if (!isToken(element)) found.push(element);
  return found;
}

/** All positioned tokens below a node, in source order. */
function tokensOf(node: CstNode): IToken[] {
  const found: IToken[] = [];
  for (const list of Object.values(node.children as Children)) {
    for (const element of list ?? []) {
      if (isToken(element)) {
        if (hasPosition(element)) found.push(element);
      } else {
        found.push(...tokensOf(element));
      }
    }
  }
  return found.sort((a, b) => a.startOffset - b.startOffset);
}

/** The span of a node's real tokens, from the parser's location tracking (NaN when it has none). */
function nodeRange(node: CstNode): Range | undefined {
  const location = node.location;
  if (!location || !Number.isFinite(location.startLine) || !Number.isFinite(location.endLine)) return undefined;
  return {
    start: { line: location.startLine! - 1, character: location.startColumn! - 1 },
    end: { line: location.endLine! - 1, character: location.endColumn! },
  };
}

function quantity(token: IToken | undefined): Quantity | undefined {
  if (!hasPosition(token)) return undefined;
  const read = readQuantity(token.image);
  // Fields written out rather than spread: this runs for every value of the file.
  return {
    kind: "quantity",
    text: token.image,
    number: read.number,
    unit: read.unit,
    value: read.value,
    range: tokenRange(token),
  };
}

function unquote(image: string): string {
  const inner = image.endsWith('"') && image.length >= 2 ? image.slice(1, -1) : image.slice(1);
  return inner.replace(/\\(.)/g, "$1");
}

/** Tokens the grammar consumed only to skip them: each is a syntax error. */
export function strayTokens(document: CstNode): IToken[] {
  const children = document.children as Children;
  const found = [...tokens(children, "RCurly"), ...nodes(children, "stray").flatMap(tokensOf)];
  for (const preset of nodes(children, "preset"))
    found.push(...nodes(preset.children as Children, "stray").flatMap(tokensOf));
  return found.sort((a, b) => a.startOffset - b.startOffset);
}

export function buildItems(document: CstNode): (PresetBlock | Statement)[] {
  const children = document.children as Children;
  const items: (PresetBlock | Statement)[] = [];
  for (const node of nodes(children, "preset")) {
    const preset = buildPreset(node);
    if (preset) items.push(preset);
  }
  for (const node of nodes(children, "statement")) {
    const statement = buildStatement(node);
    if (statement) items.push(statement);
  }
  return items.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}

function buildPreset(node: CstNode): PresetBlock | undefined {
  const children = node.children as Children;
  const keyword = firstToken(children, "Preset");
  const range = nodeRange(node);
  if (!keyword || !range) return undefined;
  const nameToken = firstToken(children, "StringLiteral") ?? firstToken(children, "UnterminatedString");
  const open = firstToken(children, "LCurly");
  const close = firstToken(children, "RCurly");
  const statements = nodes(children, "statement")
    .map(buildStatement)
    .filter((statement): statement is Statement => statement !== undefined);
  return {
    kind: "preset",
    name: nameToken ? unquote(nameToken.image) : undefined,
    nameRange: nameToken ? tokenRange(nameToken) : undefined,
    keywordRange: tokenRange(keyword),
    openRange: open ? tokenRange(open) : undefined,
    statements,
    closed: close !== undefined,
    closeLine: close ? tokenRange(close).start.line : undefined,
    range,
  };
}

const STATEMENT_RULES = ["morph", "band", "sampleRate", "outputGain", "tags", "unknownStatement"] as const;

function buildStatement(node: CstNode): Statement | undefined {
  const children = node.children as Children;
  let inner: CstNode | undefined;
  for (const name of STATEMENT_RULES) {
    inner = nodes(children, name)[0];
    if (inner) break;
  }
  if (!inner) return undefined;
  const range = nodeRange(inner);
  if (!range) return undefined;
  const innerChildren = inner.children as Children;
  switch (inner.name) {
    case "morph":
      return buildMorph(innerChildren, range);
    case "band":
      return buildBand(innerChildren, range);
    case "sampleRate":
    case "outputGain": {
      const keyword = firstToken(innerChildren, inner.name === "sampleRate" ? "SampleRate" : "Gain");
      if (!keyword) return undefined;
      return {
        kind: inner.name === "sampleRate" ? "samplerate" : "gain",
        keywordRange: tokenRange(keyword),
        value: quantity(firstToken(innerChildren, "Quantity")),
        range,
      };
    }
    case "tags": {
      const keyword = firstToken(innerChildren, "Tags");
      if (!keyword) return undefined;
      const words = tokens(innerChildren, "Identifier").sort((a, b) => a.startOffset - b.startOffset);
      return {
        kind: "tags",
        keywordRange: tokenRange(keyword),
        tags: words.map((word) => ({ text: word.image, word: word.image.toLowerCase(), range: tokenRange(word) })),
        range,
      };
    }
    case "unknownStatement": {
      const word = tokens(innerChildren, "Identifier").sort((a, b) => a.startOffset - b.startOffset)[0];
      if (!word) return undefined;
      return { kind: "unknown", text: word.image, keywordRange: tokenRange(word), range };
    }
    default:
      return undefined;
  }
}

function buildMorph(children: Children, range: Range): MorphStatement | undefined {
  const keyword = firstToken(children, "Morph");
  if (!keyword) return undefined;
  const terms: MorphTerm[] = [];
  for (const termNode of nodes(children, "morphTerm")) {
    const termChildren = termNode.children as Children;
    const word = firstToken(termChildren, "Identifier");
    if (!word) continue;
    const weight = quantity(firstToken(termChildren, "Quantity"));
    const wordRange = tokenRange(word);
    terms.push({
      kind: "morphTerm",
      text: word.image,
      word: word.image.toLowerCase(),
      wordRange,
      weight,
      range: weight ? spanning(wordRange, weight.range) : wordRange,
    });
  }
  return { kind: "morph", keywordRange: tokenRange(keyword), terms, range };
}

const BAND_KEYWORDS: [string, BandType][] = [
  ["LowShelf", "lowshelf"],
  ["Bell", "bell"],
  ["HighShelf", "highshelf"],
];

function buildBand(children: Children, range: Range): BandStatement | undefined {
  let bandType: BandType | undefined;
  let keyword: IToken | undefined;
  for (const [tokenName, type] of BAND_KEYWORDS) {
    const found = firstToken(children, tokenName);
    if (found) {
      keyword = found;
      bandType = type;
    }
  }
  if (!keyword || !bandType) return undefined;
  const parameters: BandParameter[] = [];
  for (const parameterNode of nodes(children, "bandParameter")) {
    const parameterChildren = parameterNode.children as Children;
    const qKeyword = firstToken(parameterChildren, "QKeyword");
    const value = quantity(firstToken(parameterChildren, "Quantity"));
    if (qKeyword) {
      const keywordRange = tokenRange(qKeyword);
      parameters.push({
        kind: "q",
        keywordRange,
        quantity: value,
        range: value ? spanning(keywordRange, value.range) : keywordRange,
      });
    } else if (value) {
      parameters.push({ kind: "value", quantity: value, range: value.range });
    }
  }
  const band: BandStatement = { kind: "band", bandType, keywordRange: tokenRange(keyword), parameters, range };
  for (const parameter of parameters) {
    if (parameter.kind === "q") {
      band.q ??= parameter.quantity;
    } else if (parameter.quantity.unit === "Hz" || parameter.quantity.unit === "kHz") {
      band.frequency ??= parameter.quantity;
    } else if (parameter.quantity.unit === "dB") {
      band.gain ??= parameter.quantity;
    }
  }
  return band;
}
