/** Parsing a whole preset file into its AST and readable syntax errors. Never throws. */
import type { IToken } from "chevrotain";
import type { Comment, PresetBlock, PresetDocument, Range, Statement, SyntaxError } from "./ast.js";
import { hasPosition, tokenRange } from "./astBuilder.js";
import { parseText } from "./parser.js";

/**
 * A parse before assembly. Syntax errors stay in their kinds (lexing, parsing, stray tokens,
 * unterminated names, missing names), each kind in source order: the document lists them kind by
 * kind, so pieces of a text parsed apart (see incremental.ts) assemble into exactly the list a
 * parse of the whole text gives.
 */
export interface DocumentSections {
  items: (PresetBlock | Statement)[];
  comments: Comment[];
  errors: SyntaxError[][];
}

/** The number of lines and the length of the last one, counting \r\n, \r and \n as line ends (as the lexer does). */
export function lineExtent(text: string): { lineCount: number; lastLineLength: number } {
  let lineCount = 1;
  let lastStart = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 13) {
      if (text.charCodeAt(index + 1) === 10) index++;
    } else if (code !== 10) continue;
    lineCount++;
    lastStart = index + 1;
  }
  return { lineCount, lastLineLength: text.length - lastStart };
}

export function parsePresetDocument(text: string): PresetDocument {
  const { sections, lineCount } = sectionsOf(text);
  return assembleDocument([sections], lineCount);
}

/** Joins sections that cover a text in order (their positions already the text's) into its document. */
export function assembleDocument(sections: readonly DocumentSections[], lineCount: number): PresetDocument {
  const items: (PresetBlock | Statement)[] = [];
  const comments: Comment[] = [];
  const kinds: SyntaxError[][] = [];
  for (const section of sections) {
    for (const item of section.items) items.push(item);
    for (const comment of section.comments) comments.push(comment);
    section.errors.forEach((errors, kind) => {
      const list = (kinds[kind] ??= []);
      for (const error of errors) list.push(error);
    });
  }
  return { kind: "document", items, comments, syntaxErrors: dedupe(kinds.flat()), lineCount };
}

/** The sections of `text`, which starts at line `firstLine` of a whole text: positions are the whole text's. */
export function parseSections(text: string, firstLine = 0): DocumentSections {
  return sectionsOf(text, firstLine).sections;
}

/** parseSections, with the number of lines the scanner counted (no second pass over the text for them). */
function sectionsOf(text: string, firstLine = 0): { sections: DocumentSections; lineCount: number } {
  const parsed = parseText(text, firstLine);
  const { lineCount, lastLineLength } = parsed;
  const endOfText: Range = {
    start: { line: lineCount - 1, character: lastLineLength },
    end: { line: lineCount - 1, character: lastLineLength },
  };
  const lastToken = parsed.tokens[parsed.tokens.length - 1];
  const lexing: SyntaxError[] = [];
  const parsing: SyntaxError[] = [];
  const strays: SyntaxError[] = [];
  const unterminated: SyntaxError[] = [];
  const names: SyntaxError[] = [];

  for (const error of parsed.lexErrors) {
    const character = text.charAt(error.offset);
    const range: Range = {
      start: { line: (error.line ?? 1) - 1, character: (error.column ?? 1) - 1 },
      end: { line: (error.line ?? 1) - 1, character: (error.column ?? 1) - 1 + Math.max(1, error.length) },
    };
    lexing.push({
      message: `Unexpected character${error.length > 1 ? "s" : ""} ${error.length > 1 ? `'${text.slice(error.offset, error.offset + error.length)}'` : describeCharacter(character)}`,
      range,
    });
  }
  for (const error of parsed.parseErrors) {
    parsing.push({
      message: error.message,
      range: errorRange(error.token, (error as { previousToken?: IToken }).previousToken, lastToken, endOfText),
    });
  }
  for (const run of strayRuns(parsed.strays, parsed.tokens)) {
    const first = run[0]!;
    const last = run[run.length - 1]!;
    strays.push({
      message: strayMessage(first),
      range: { start: tokenRange(first).start, end: tokenRange(last).end },
    });
  }
  for (const token of parsed.unterminated) {
    unterminated.push({ message: "This name has no closing quote", range: tokenRange(token) });
  }

  const items = parsed.items;
  for (const item of items) {
    if (item.kind === "preset" && item.name === undefined) {
      names.push({
        message: `Expected the preset's name in quotes, e.g. preset "Dialogue"`,
        range: item.openRange ?? item.keywordRange,
      });
    }
  }
  const comments = parsed.comments
    .filter(hasPosition)
    .map((token) => ({ text: token.image, range: tokenRange(token) }));
  return { sections: { items, comments, errors: [lexing, parsing, strays, unterminated, names] }, lineCount };
}

/** Errors at the end of input (a missing `}`) are shown just after the last real token. */
function errorRange(
  token: IToken,
  previous: IToken | undefined,
  lastToken: IToken | undefined,
  endOfText: Range,
): Range {
  if (hasPosition(token) && token.tokenType.name !== "EOF") return tokenRange(token);
  const anchor = hasPosition(previous) ? previous : lastToken;
  if (!anchor) return endOfText;
  const end = tokenRange(anchor).end;
  return { start: end, end };
}

/** Stray tokens next to each other on one line make one error, not one each. */
function strayRuns(stray: IToken[], all: IToken[]): IToken[][] {
  if (stray.length === 0) return [];
  const runs: IToken[][] = [];
  for (const token of stray) {
    const run = runs[runs.length - 1];
    const previous = run?.[run.length - 1];
    if (run && previous && previous.startLine === token.startLine && indexOf(all, previous) + 1 === indexOf(all, token))
      run.push(token);
    else runs.push([token]);
  }
  return runs;
}

/** A token's index in the lexer's list, by its offset (the list is in source order). */
function indexOf(all: readonly IToken[], token: IToken): number {
  let low = 0;
  let high = all.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (all[middle]!.startOffset < token.startOffset) low = middle + 1;
    else high = middle;
  }
  return all[low] === token ? low : -1;
}

function strayMessage(token: IToken): string {
  switch (token.tokenType.name) {
    case "RCurly":
      return "Unexpected '}': no preset is open here";
    case "LCurly":
      return "Unexpected '{': a block opens only after preset \"name\"";
    case "Quantity":
      return `Unexpected ${token.image}: a value belongs on the line of its statement (morph, a band, samplerate or gain)`;
    case "QKeyword":
      return "Unexpected 'q': a Q belongs on the line of its bell, e.g. bell 1kHz +2dB q 1.4";
    case "From":
      return `Unexpected 'from': it belongs on a use line, e.g. use "VO clean" from "dialogue.eqp"`;
    default:
      return `Unexpected ${token.image}: a name belongs after 'preset'`;
  }
}

function describeCharacter(character: string): string {
  if (character === "\0") return "NUL";
  const code = character.codePointAt(0) ?? 0;
  if (code < 32 || code === 127) return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return `'${character}'`;
}

function dedupe(errors: SyntaxError[]): SyntaxError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.range.start.line}:${error.range.start.character}:${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
