/**
 * Incremental parsing: a new text parsed by reparsing only the lines an edit touched, with the
 * same document a full parse gives (test/unit/incremental.test.ts checks that over random edits).
 *
 * Why this is sound: statements are line-based (their arguments stay on the keyword's line), no
 * token spans a line end, and every token that can begin a line at file level begins an item the
 * document rule accepts, so after a finished item the parser is back at file level with nothing
 * left over. The text is therefore cut into chunks of whole lines, each ending where an item ended
 * on an earlier line than the next item begins; a chunk parses alone exactly as it parses inside
 * the whole text. The one item that reads past its own lines is a preset without its `}`: it takes
 * in everything up to the next `preset` or the end of the file, so a chunk never ends after one.
 *
 * An edit reparses the chunks holding its first and last changed lines (and the line before, so a
 * line end split into \r and \n is seen whole). When the reparsed part ends in an unclosed preset
 * (an edit deleted a `}` or typed `preset "x" {`), the part grows over the following chunks,
 * doubling each time, until it ends closed; once it would cover half the document, the edit's
 * effect is not bounded and the whole text is parsed afresh instead. Chunks after the edit are
 * reused, their positions moved by the number of lines the edit added or removed.
 */
import type { PresetDocument } from "./ast.js";
import { isCompactNode } from "./compactNodes.js";
import { assembleDocument, lineExtent, parseSections, type DocumentSections } from "./document.js";

/** A run of whole lines parsed on its own; positions are the whole text's. */
interface Chunk extends DocumentSections {
  startLine: number;
}

export interface IncrementalDocument {
  text: string;
  /** The offset at which each line starts. */
  lineStarts: number[];
  chunks: Chunk[];
  document: PresetDocument;
  /** The lines the last update parsed (all of them for a full parse): for tests and the bench. */
  parsedLines: number;
}

export function parseIncrementalDocument(text: string): IncrementalDocument {
  const lineStarts = lineStartsOf(text);
  const chunks = splitIntoChunks(parseSections(text), 0, lineStarts.length);
  return {
    text,
    lineStarts,
    chunks,
    document: assembleDocument(chunks, lineStarts.length),
    parsedLines: lineStarts.length,
  };
}

/** The document of `text`, reusing the chunks of `previous` that the difference between the texts leaves alone. */
export function updateIncrementalDocument(previous: IncrementalDocument, text: string): IncrementalDocument {
  const old = previous.text;
  if (old === text) return previous;
  const prefix = commonPrefix(old, text);
  const suffix = commonSuffix(old, text, Math.min(old.length, text.length) - prefix);
  const chunks = previous.chunks;
  const firstLine = lineAt(previous.lineStarts, Math.max(0, prefix - 1));
  const lastLine = lineAt(previous.lineStarts, Math.min(old.length - suffix, Math.max(0, old.length - 1)));
  const first = chunkAt(chunks, firstLine);
  let end = chunkAt(chunks, lastLine) + 1;
  const growth = text.length - old.length;
  const startLine = chunks[first]!.startLine;
  const startOffset = previous.lineStarts[startLine]!;

  for (;;) {
    const endLine = end < chunks.length ? chunks[end]!.startLine : previous.lineStarts.length;
    if (2 * (endLine - startLine) > previous.lineStarts.length && previous.lineStarts.length > 64)
      return parseIncrementalDocument(text);
    const oldEndOffset = end < chunks.length ? previous.lineStarts[endLine]! : old.length;
    const slice = detached(text.slice(startOffset, oldEndOffset + growth));
    const sections = parseSections(slice, startLine);
    const last = sections.items[sections.items.length - 1];
    if (end < chunks.length && last?.kind === "preset" && !last.closed) {
      end = Math.min(chunks.length, end + (end - first));
      continue;
    }
    const sliceLines = lineExtent(slice).lineCount - (end < chunks.length ? 1 : 0);
    const lineDelta = startLine + sliceLines - endLine;
    const fresh = splitIntoChunks(sections, startLine, sliceLines);
    const after =
      lineDelta === 0 ? chunks.slice(end) : chunks.slice(end).map((chunk) => shiftedChunk(chunk, lineDelta));
    const rebuilt = [...chunks.slice(0, first), ...fresh, ...after];
    // Line starts: kept before the slice, scanned in it, moved after it.
    const lineStarts = previous.lineStarts.slice(0, startLine);
    lineStartsOf(slice, startOffset, lineStarts);
    if (end < chunks.length) {
      lineStarts.pop();
      for (let line = endLine; line < previous.lineStarts.length; line++)
        lineStarts.push(previous.lineStarts[line]! + growth);
    }
    return {
      text,
      lineStarts,
      chunks: rebuilt,
      document: assembleDocument([spliced(previous, first, end, sections, after, lineDelta)], lineStarts.length),
      parsedLines: sliceLines,
    };
  }
}

/**
 * The items, comments and syntax errors of the chunks `first` to `end` of `previous` replaced by
 * `sections` and followed by `after`, as one section: the lists of the untouched chunks before
 * the edit (and after it, when no line moved) are copied from the previous document in one go,
 * so an edit does not cost a walk over every chunk of the file.
 */
function spliced(
  previous: IncrementalDocument,
  first: number,
  end: number,
  sections: DocumentSections,
  after: readonly Chunk[],
  lineDelta: number,
): DocumentSections {
  const chunks = previous.chunks;
  let itemsBefore = 0;
  let commentsBefore = 0;
  for (let index = 0; index < first; index++) {
    itemsBefore += chunks[index]!.items.length;
    commentsBefore += chunks[index]!.comments.length;
  }
  let itemsReplaced = 0;
  let commentsReplaced = 0;
  for (let index = first; index < end; index++) {
    itemsReplaced += chunks[index]!.items.length;
    commentsReplaced += chunks[index]!.comments.length;
  }
  const join = <T>(
    old: readonly T[],
    before: number,
    replaced: number,
    middle: readonly T[],
    rest: (chunk: Chunk) => readonly T[],
  ): T[] => {
    const out = old.slice(0, before);
    for (const value of middle) out.push(value);
    if (lineDelta === 0) for (let index = before + replaced; index < old.length; index++) out.push(old[index]!);
    else for (const chunk of after) for (const value of rest(chunk)) out.push(value);
    return out;
  };
  const { document } = previous;
  const items = join(document.items, itemsBefore, itemsReplaced, sections.items, (chunk) => chunk.items);
  const comments = join(
    document.comments,
    commentsBefore,
    commentsReplaced,
    sections.comments,
    (chunk) => chunk.comments,
  );
  // Errors are few: a file without any kept none in its chunks, so only the reparsed part has some.
  const errors = sections.errors.map((kind) => [...kind]);
  if (document.syntaxErrors.length > 0) {
    errors.forEach((kind) => (kind.length = 0));
    const gather = (chunk: DocumentSections) =>
      chunk.errors.forEach((list, kind) => {
        for (const error of list) errors[kind]!.push(error);
      });
    for (let index = 0; index < first; index++) gather(chunks[index]!);
    gather(sections);
    for (const chunk of after) gather(chunk);
  }
  return { items, comments, errors };
}

/** Appends the offsets (plus `base`) at which the lines of `text` start (\r\n, \r and \n end a line, as for the lexer). */
export function lineStartsOf(text: string, base = 0, starts: number[] = []): number[] {
  starts.push(base);
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 13) {
      if (text.charCodeAt(index + 1) === 10) index++;
    } else if (code !== 10) continue;
    starts.push(base + index + 1);
  }
  return starts;
}

/** Block comparisons first: string equality is a memory compare, far faster than a loop over characters. */
const BLOCK = 2048;

function commonPrefix(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let length = 0;
  while (length + BLOCK <= limit && a.slice(length, length + BLOCK) === b.slice(length, length + BLOCK))
    length += BLOCK;
  while (length < limit && a.charCodeAt(length) === b.charCodeAt(length)) length++;
  return length;
}

/** The common suffix, at most `limit` long (so that it never overlaps the common prefix). */
function commonSuffix(a: string, b: string, limit: number): number {
  let length = 0;
  while (
    length + BLOCK <= limit &&
    a.slice(a.length - length - BLOCK, a.length - length) === b.slice(b.length - length - BLOCK, b.length - length)
  )
    length += BLOCK;
  while (length < limit && a.charCodeAt(a.length - 1 - length) === b.charCodeAt(b.length - 1 - length)) length++;
  return length;
}

/** The line holding `offset` (a line end belongs to the line it ends). */
function lineAt(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

function chunkAt(chunks: readonly Chunk[], line: number): number {
  let low = 0;
  let high = chunks.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (chunks[middle]!.startLine <= line) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Cuts a parse of lines [startLine, startLine + lineCount) into chunks (see the top of this file). */
function splitIntoChunks(sections: DocumentSections, startLine: number, lineCount: number): Chunk[] {
  const starts = [startLine];
  const items = sections.items;
  for (let index = 1; index < items.length; index++) {
    const before = items[index - 1]!;
    const line = items[index]!.range.start.line;
    if (line > before.range.end.line && !(before.kind === "preset" && !before.closed)) starts.push(line);
  }
  const chunks: Chunk[] = starts.map((line) => ({
    startLine: line,
    items: [],
    comments: [],
    errors: sections.errors.map(() => []),
  }));
  const owner = (line: number): Chunk => chunks[chunkAt(chunks, Math.min(line, startLine + lineCount - 1))]!;
  for (const item of items) owner(item.range.start.line).items.push(item);
  for (const comment of sections.comments) owner(comment.range.start.line).comments.push(comment);
  sections.errors.forEach((errors, kind) => {
    for (const error of errors) owner(error.range.start.line).errors[kind]!.push(error);
  });
  return chunks;
}

function shiftedChunk(chunk: Chunk, lineDelta: number): Chunk {
  return {
    startLine: chunk.startLine + lineDelta,
    items: chunk.items.map((item) => shifted(item, lineDelta)),
    comments: chunk.comments.map((comment) => shifted(comment, lineDelta)),
    errors: chunk.errors.map((errors) => errors.map((error) => shifted(error, lineDelta))),
  };
}

/**
 * A copy with every line number moved: the `line` of each position and a preset's `closeLine`.
 * A copy, not a change in place: the previous version's tree (and what was computed from it) stays
 * as it was.
 */
function shifted<T>(value: T, lineDelta: number): T {
  if (Array.isArray(value)) return value.map((element: unknown) => shifted(element, lineDelta)) as T;
  if (value === null || typeof value !== "object") return value;
  if (isCompactNode(value)) return value.movedBy(lineDelta) as T;
  const copy: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const key in source) {
    const field = source[key];
    copy[key] =
      (key === "line" || key === "closeLine") && typeof field === "number"
        ? field + lineDelta
        : shifted(field, lineDelta);
  }
  return copy as T;
}

/**
 * A copy of `slice` that does not hold the text it was cut from. A slice of 13 characters or more
 * points into its whole text, and the parse keeps its text (band parameters read their text from
 * it, names are slices of it): every chunk reparsed by an edit would keep that version of the whole
 * file alive for as long as the chunk lives.
 */
function detached(slice: string): string {
  return JSON.parse(JSON.stringify(slice)) as string;
}
