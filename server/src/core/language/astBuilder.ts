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

function tokens(children: Children, name: string): IToken[] {
  return (children[name] ?? []).filter(isToken).filter(hasPosition);
}

function nodes(children: Children, name: string): CstNode[] {
  return (children[name] ?? []).filter((element): element is CstNode => !isToken(element));
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
  return { kind: "quantity", text: token.image, ...read, range: tokenRange(token) };
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
  const keyword = tokens(children, "Preset")[0];
  const range = nodeRange(node);
  if (!keyword || !range) return undefined;
  const nameToken = tokens(children, "StringLiteral")[0] ?? tokens(children, "UnterminatedString")[0];
  const statements = nodes(children, "statement")
    .map(buildStatement)
    .filter((statement): statement is Statement => statement !== undefined);
  return {
    kind: "preset",
    name: nameToken ? unquote(nameToken.image) : undefined,
    nameRange: nameToken ? tokenRange(nameToken) : undefined,
    keywordRange: tokenRange(keyword),
    openRange: tokens(children, "LCurly").map(tokenRange)[0],
    statements,
    closed: tokens(children, "RCurly").length > 0,
    closeLine: tokens(children, "RCurly").map((token) => tokenRange(token).start.line)[0],
    range,
  };
}

function buildStatement(node: CstNode): Statement | undefined {
  const children = node.children as Children;
  const [inner] = [
    ...nodes(children, "morph"),
    ...nodes(children, "band"),
    ...nodes(children, "sampleRate"),
    ...nodes(children, "outputGain"),
    ...nodes(children, "tags"),
    ...nodes(children, "unknownStatement"),
  ];
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
      const keyword = tokens(innerChildren, inner.name === "sampleRate" ? "SampleRate" : "Gain")[0];
      if (!keyword) return undefined;
      return {
        kind: inner.name === "sampleRate" ? "samplerate" : "gain",
        keywordRange: tokenRange(keyword),
        value: quantity(tokens(innerChildren, "Quantity")[0]),
        range,
      };
    }
    case "tags": {
      const keyword = tokens(innerChildren, "Tags")[0];
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
  const keyword = tokens(children, "Morph")[0];
  if (!keyword) return undefined;
  const terms: MorphTerm[] = [];
  for (const termNode of nodes(children, "morphTerm")) {
    const termChildren = termNode.children as Children;
    const word = tokens(termChildren, "Identifier")[0];
    if (!word) continue;
    const weight = quantity(tokens(termChildren, "Quantity")[0]);
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
    const found = tokens(children, tokenName)[0];
    if (found) {
      keyword = found;
      bandType = type;
    }
  }
  if (!keyword || !bandType) return undefined;
  const parameters: BandParameter[] = [];
  for (const parameterNode of nodes(children, "bandParameter")) {
    const parameterChildren = parameterNode.children as Children;
    const qKeyword = tokens(parameterChildren, "QKeyword")[0];
    const value = quantity(tokens(parameterChildren, "Quantity")[0]);
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
