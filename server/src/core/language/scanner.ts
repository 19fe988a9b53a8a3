/**
 * The lexer the parser runs: a character scanner that gives exactly the tokens, groups and errors
 * of the Chevrotain lexer defined in lexer.ts (`eqLexer`, the reference; test/unit/scanner.test.ts
 * compares the two on fuzzed text), in a third of its time: Chevrotain tries the token patterns as
 * regular expressions one after another at every offset, and that was a third of a parse.
 *
 * What the scanner must agree on, pattern by pattern, is written next to each reader below. The
 * one rule across them: at an offset, the first pattern of `allTokens` that matches wins (not the
 * longest), except that a keyword loses to a longer identifier (its `longer_alt`).
 */
import {
  defaultLexerErrorProvider,
  type ILexingError,
  type ILexingResult,
  type IToken,
  type TokenType,
} from "chevrotain";
import type { Unit } from "./ast.js";
import * as t from "./lexer.js";
import { digitsEnd, isDigit, readNumber } from "./numbers.js";

const TAB = 9;
const LF = 10;
const FF = 12;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const SEMICOLON = 59;
const BACKSLASH = 92;
const UNDERSCORE = 95;
const LCURLY = 123;
const RCURLY = 125;

/** `[ \t\r\n\f\u00a0\ufeff]` */
function isSpace(code: number): boolean {
  return (
    code === SPACE || code === TAB || code === LF || code === CR || code === FF || code === 0xa0 || code === 0xfeff
  );
}

function isLetter(code: number): boolean {
  const folded = code | 32;
  return folded >= 97 && folded <= 122;
}

/** `[A-Za-z0-9_]`: what may not follow a unit. */
function isWordCharacter(code: number): boolean {
  return isLetter(code) || isDigit(code) || code === UNDERSCORE;
}

/** `[A-Za-z0-9_\-']`: the rest of an identifier. */
function isIdentifierPart(code: number): boolean {
  return isWordCharacter(code) || code === MINUS || code === 39;
}

/** JavaScript's `.` (no `s` flag): anything but a line terminator. */
function isDotCharacter(code: number): boolean {
  return code === code && code !== LF && code !== CR && code !== 0x2028 && code !== 0x2029;
}

/** Whether the letters of `text` at `at` are `lower` in any case. */
function hasLetters(text: string, at: number, lower: string): boolean {
  for (let index = 0; index < lower.length; index++)
    if ((text.charCodeAt(at + index) | 32) !== lower.charCodeAt(index)) return false;
  return true;
}

/**
 * `[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?([ \t]*(khz|hz|db/oct|db|k)(?![A-Za-z0-9_]))?` (units in any
 * case): the end of a Quantity at `at`, or `at` when none starts there. Every part after the
 * number is optional, so the regular expression's first success is the greedy one; a unit that
 * fails its look-ahead is tried as the next alternative, and with no unit the spaces before it
 * are given back.
 */
function quantityEnd(text: string, start: number): number {
  let at = text.charCodeAt(start) === PLUS || text.charCodeAt(start) === MINUS ? start + 1 : start;
  if (isDigit(text.charCodeAt(at))) {
    at = digitsEnd(text, at);
    if (text.charCodeAt(at) === DOT) at = digitsEnd(text, at + 1);
  } else if (text.charCodeAt(at) === DOT && isDigit(text.charCodeAt(at + 1))) {
    at = digitsEnd(text, at + 1);
  } else {
    return start;
  }
  if ((text.charCodeAt(at) | 32) === 101) {
    let exponent = at + 1;
    if (text.charCodeAt(exponent) === PLUS || text.charCodeAt(exponent) === MINUS) exponent++;
    if (isDigit(text.charCodeAt(exponent))) at = digitsEnd(text, exponent);
  }
  foundNumberEnd = at;
  let unit = at;
  while (text.charCodeAt(unit) === SPACE || text.charCodeAt(unit) === TAB) unit++;
  for (let index = 0; index < UNITS.length; index++) {
    const letters = UNITS[index]!;
    const end = unit + letters.length;
    if (hasLetters(text, unit, letters) && !isWordCharacter(text.charCodeAt(end))) {
      foundUnit = UNIT_NAMES[index];
      return end;
    }
  }
  foundUnit = undefined;
  return at;
}

const UNITS = ["khz", "hz", "db/oct", "db", "k"];
const UNIT_NAMES: Unit[] = ["kHz", "Hz", "dB/oct", "dB", "kHz"];

/** Where the number of the Quantity {@link quantityEnd} found last ends, and its unit (variables, as `foundType`). */
let foundNumberEnd = 0;
let foundUnit: Unit = undefined;

/**
 * `"([^"\\\r\n]|\\.)*"`, then `"([^"\\\r\n]|\\.)*`: the end of a quoted name at `at` (a quote), and
 * whether it is closed. An escape takes the next character unless that ends the line; a `"` taken
 * by an escape never closes the name, so the first unescaped one does.
 */
function quotedEnd(text: string, at: number): { end: number; closed: boolean } {
  let index = at + 1;
  for (;;) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) return { end: index + 1, closed: true };
    if (code === BACKSLASH) {
      if (!isDotCharacter(text.charCodeAt(index + 1))) return { end: index, closed: false };
      index += 2;
    } else if (code !== code || code === LF || code === CR) {
      return { end: index, closed: false };
    } else {
      index++;
    }
  }
}

/** The keywords by their first letter's code (lower case): a list indexed by code, looked up for every word. */
const KEYWORDS_BY_LETTER: ((typeof t.KEYWORD_SPECS)[number][] | undefined)[] = [];
for (const spec of t.KEYWORD_SPECS) {
  const letter = spec.word.charCodeAt(0);
  KEYWORDS_BY_LETTER[letter] = [...(KEYWORDS_BY_LETTER[letter] ?? []), spec];
}

/** Whether `text` at `at` is `word` exactly (then a token can share the keyword's string). */
function isWrittenAs(text: string, at: number, word: string): boolean {
  for (let index = 0; index < word.length; index++)
    if (text.charCodeAt(at + index) !== word.charCodeAt(index)) return false;
  return true;
}

/** The keyword that the whole of `text[start, end)` is, in any case (a longer word is an identifier). */
function keywordAt(text: string, start: number, end: number): (typeof t.KEYWORD_SPECS)[number] | undefined {
  const letter = text.charCodeAt(start) | 32;
  const candidates = letter < 128 ? KEYWORDS_BY_LETTER[letter] : undefined;
  if (!candidates) return undefined;
  for (const spec of candidates)
    if (spec.word.length === end - start && hasLetters(text, start, spec.word)) return spec;
  return undefined;
}

/** Whether some pattern matches at `at`: where Chevrotain's lexer stops skipping unreadable characters. */
function startsToken(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (isSpace(code) || isLetter(code) || code === UNDERSCORE || isDigit(code)) return true;
  if (code === HASH || code === QUOTE || code === LCURLY || code === RCURLY || code === SEMICOLON) return true;
  if (code === SLASH) return text.charCodeAt(at + 1) === SLASH;
  return (code === PLUS || code === MINUS || code === DOT) && quantityEnd(text, at) > at;
}

/** The type of the token {@link tokenEnd} found last (a variable, not an object per token). */
let foundType: TokenType = t.Identifier;

/** The end of the token at `at` (not white space), its type in `foundType`; `at` when no pattern matches there. */
function tokenEnd(text: string, at: number): number {
  const code = text.charCodeAt(at);
  if (isLetter(code) || code === UNDERSCORE) {
    let end = at + 1;
    while (isIdentifierPart(text.charCodeAt(end))) end++;
    foundType = t.Identifier;
    return end;
  }
  if (code === HASH || (code === SLASH && text.charCodeAt(at + 1) === SLASH)) {
    let end = at + 1;
    while (end < text.length && text.charCodeAt(end) !== LF && text.charCodeAt(end) !== CR) end++;
    foundType = t.Comment;
    return end;
  }
  if (code === QUOTE) {
    const { end, closed } = quotedEnd(text, at);
    foundType = closed ? t.StringLiteral : t.UnterminatedString;
    return end;
  }
  if (code === LCURLY || code === RCURLY || code === SEMICOLON) {
    foundType = code === LCURLY ? t.LCurly : code === RCURLY ? t.RCurly : t.Semicolon;
    return at + 1;
  }
  foundType = t.Quantity;
  return quantityEnd(text, at);
}

export interface ScanResult extends ILexingResult {
  /**
   * The number of lines and the length of the last one (see document.ts lineExtent): the scanner
   * counts them on its way. Counted from the whole text's first line when `text` starts further on.
   */
  lineCount: number;
  lastLineLength: number;
  /** The UnterminatedString tokens, in order (each is an error): found here rather than by a walk over every token. */
  unterminated: IToken[];
  /** The Quantity and `q` tokens: each band parameter is one of them (or a `q` with one). */
  parameterTokens: number;
}

/**
 * Lexes `text` into Chevrotain tokens (full positions), the comments group and lexing errors. The
 * tokens are reused by the next call (see `pool`): read them before scanning again. `firstLine`
 * (zero-based) is where `text` starts in a whole text (a chunk the incremental parser reparses):
 * lines are counted from there, so every position is the whole text's.
 */
export function scan(text: string, firstLine = 0): ScanResult {
  let used = 0;
  // The list itself is reused too: grown by push to ~30,000 tokens, it left as much garbage again.
  const tokens = pooledTokens;
  let tokenCount = 0;
  const comments: IToken[] = [];
  const errors: ILexingError[] = [];
  const unterminated: IToken[] = [];
  let parameterTokens = 0;
  let line = firstLine + 1;
  let lineStart = 0;
  let offset = 0;
  while (offset < text.length) {
    const code = text.charCodeAt(offset);
    if (isSpace(code)) {
      // Skipped; the only token that holds line ends (\r\n, \r and \n, as Chevrotain counts them).
      do {
        const space = text.charCodeAt(offset++);
        if (space === LF || (space === CR && text.charCodeAt(offset) !== LF)) {
          line++;
          lineStart = offset;
        }
      } while (offset < text.length && isSpace(text.charCodeAt(offset)));
      continue;
    }
    const end = tokenEnd(text, offset);
    if (end === offset) {
      const start = offset;
      do offset++;
      while (offset < text.length && !startsToken(text, offset));
      const length = offset - start;
      const column = start - lineStart + 1;
      const message = defaultLexerErrorProvider.buildUnexpectedCharactersMessage(text, start, length, line, column);
      errors.push({ offset: start, line, column, length, message });
      continue;
    }
    let type = foundType;
    let sharedImage: string | undefined;
    if (type === t.Identifier) {
      const keyword = keywordAt(text, offset, end);
      if (keyword) {
        type = keyword.token;
        // A keyword written in lower case (nearly all of them) shares the keyword's string.
        if (isWrittenAs(text, offset, keyword.word)) sharedImage = keyword.word;
      }
    }
    const startColumn = offset - lineStart + 1;
    const isQuantity = type === t.Quantity;
    const token = reuse(used++);
    token.source = text;
    token.sharedImage = sharedImage;
    token.startOffset = offset;
    token.endOffset = end - 1;
    token.startLine = line;
    token.endLine = line;
    token.startColumn = startColumn;
    token.endColumn = startColumn + (end - offset) - 1;
    token.tokenTypeIdx = type.tokenTypeIdx!;
    token.tokenType = type;
    token.number = isQuantity ? readNumber(text, offset, foundNumberEnd) : Number.NaN;
    token.unit = isQuantity ? foundUnit : undefined;
    if (type === t.Comment) comments.push(token);
    else tokens[tokenCount++] = token;
    if (type === t.UnterminatedString) unterminated.push(token);
    if (isQuantity || type === t.QKeyword) parameterTokens++;
    offset = end;
  }
  // Tokens past what this text used must not keep the previous text's strings alive.
  for (let index = used; index < poolInUse; index++) pool[index]!.release();
  poolInUse = Math.min(used, pool.length);
  tokens.length = tokenCount;
  return {
    tokens,
    groups: { comments },
    errors,
    lineCount: line,
    lastLineLength: text.length - lineStart,
    unterminated,
    parameterTokens,
  };
}

/** A token as the scanner makes it: a Quantity's number and unit are read on the way (NaN and undefined for other tokens). */
export interface ScannedToken extends IToken {
  number: number;
  unit: Unit;
}

/**
 * A scanned token's image is cut from the text when asked (a keyword's is the keyword's string):
 * the parser reads few images (names, words), and cutting one for each of ~30,000 tokens was
 * garbage that the token pool, reached from old space, also kept alive through the collections
 * while the parse ran.
 */
class PooledToken implements ScannedToken {
  /** The text scanned, and the keyword's own string when the token is a keyword written as such. */
  source = "";
  sharedImage: string | undefined = undefined;
  startOffset = 0;
  endOffset = 0;
  startLine = 0;
  endLine = 0;
  startColumn = 0;
  endColumn = 0;
  tokenTypeIdx = 0;
  tokenType: TokenType = t.Identifier;
  number = Number.NaN;
  unit: Unit = undefined;

  get image(): string {
    return this.sharedImage ?? this.source.slice(this.startOffset, this.endOffset + 1);
  }

  /** Unused by the current scan: holds nothing of any text. */
  release(): void {
    this.source = "";
    this.sharedImage = undefined;
  }
}

/**
 * The token objects, reused from one scan to the next. A parse made ~3 tokens per line and
 * dropped them all when it ended; allocating them anew each time was about a tenth of the
 * parse's time and garbage (they outlive a few scavenges, so the collector copied each one).
 * The parse reads its tokens only until it returns (document.ts turns them into ranges), so
 * they are free again at the next scan: a token from `scan` is valid until `scan` runs again.
 */
const pool: PooledToken[] = [];
const pooledTokens: IToken[] = [];
let poolInUse = 0;
/** Tokens kept between scans at most (~10 MB): a huge file once must not hold memory forever. */
const POOL_LIMIT = 100_000;

function reuse(index: number): PooledToken {
  let token = pool[index];
  if (token === undefined) {
    token = new PooledToken();
    if (index < POOL_LIMIT) pool.push(token);
  }
  return token;
}
