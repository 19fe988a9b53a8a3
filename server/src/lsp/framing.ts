/**
 * A strict base-protocol frame reader in front of vscode-jsonrpc. vscode-jsonrpc's stream reader
 * keeps the rest of a broken frame in its buffer, where it glues onto the next header, and reads a
 * header more loosely than we can check it (`parseInt` takes `1e2` as 1, the last of two
 * Content-Length headers wins), so one bad frame would leave the server alive but deaf. This
 * Transform reads each header block itself and passes on only frames it accepts, rewritten to a
 * canonical `Content-Length: N` header, so the two readers can never disagree. A header block is
 * accepted when every line is `name: value`, it has exactly one Content-Length, and that length is
 * decimal digits only and at most {@link MAX_FRAME_BYTES}. Anything else is reported and skipped up
 * to the next `Content-Length:`.
 */
import { Transform, type TransformCallback } from "node:stream";

const HEADER_END = Buffer.from("\r\n\r\n");
const CONTENT_LENGTH = "content-length";
const CONTENT_LENGTH_MARK = Buffer.from(`${CONTENT_LENGTH}:`);
/** No real header block is this long; a longer one is junk without an end. */
const MAX_HEADER_BYTES = 8192;
/** The largest body accepted: far above any real message (a 50 MB document is refused later). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

function indexOfContentLength(buffer: Buffer, from: number): number {
  // Every well-formed frame starts with its header: look there first, without copying the buffer.
  if (
    from === 0 &&
    buffer.subarray(0, CONTENT_LENGTH_MARK.length).toString("latin1").toLowerCase() === "content-length:"
  )
    return 0;
  // Header names are case-insensitive: search a lower-cased copy.
  return Buffer.from(buffer.toString("latin1").toLowerCase(), "latin1").indexOf(CONTENT_LENGTH_MARK, from);
}

type HeaderVerdict =
  | { kind: "frame"; length: number }
  /** Header lines, but not a frame we take: skip the whole block. */
  | { kind: "rejected"; reason: string }
  /** Not header lines at all: junk, resynchronise inside it. */
  | { kind: "junk" };

/** What a header block (the lines before the blank line) says, checked strictly. */
export function judgeHeader(lines: readonly string[]): HeaderVerdict {
  const isHeaderLine = (line: string) => /^[!-9;-~]+:/.test(line) && line.toLowerCase().indexOf("content-length:") <= 0;
  if (!lines.every(isHeaderLine)) return { kind: "junk" };
  const lengths = lines.filter((line) => line.slice(0, line.indexOf(":")).toLowerCase() === CONTENT_LENGTH);
  const shown = JSON.stringify(lines.join(" | ").slice(0, 80));
  if (lengths.length !== 1) return { kind: "rejected", reason: `${lengths.length} Content-Length headers in ${shown}` };
  const value = lengths[0]!.slice(CONTENT_LENGTH.length + 1).trim();
  if (!/^\d+$/.test(value)) return { kind: "rejected", reason: `a Content-Length that is not a number in ${shown}` };
  const length = Number(value);
  if (length > MAX_FRAME_BYTES)
    return { kind: "rejected", reason: `a frame of ${value} bytes, over the ${MAX_FRAME_BYTES}-byte cap` };
  return { kind: "frame", length };
}

export class FrameSanitiser extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  /** Body bytes of the current (accepted) frame still to pass through untouched. */
  private remainingBody = 0;
  /** Frames and stretches of bytes dropped as malformed, for the log. */
  dropped = 0;

  constructor(private readonly onDrop: (reason: string) => void = () => undefined) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let rest = chunk;
    if (this.remainingBody > 0) {
      // The body of an accepted frame: passed on as it comes, never rescanned.
      const body = rest.subarray(0, this.remainingBody);
      this.push(body);
      this.remainingBody -= body.length;
      rest = rest.subarray(body.length);
    }
    if (rest.length > 0) {
      this.buffer = this.buffer.length === 0 ? rest : Buffer.concat([this.buffer, rest]);
      this.drain();
    }
    done();
  }

  /** Drops bytes up to the next `Content-Length:` found at or after `from`. */
  private discard(reason: string, from: number): void {
    this.dropped++;
    this.onDrop(reason);
    const next = indexOfContentLength(this.buffer, from);
    this.buffer =
      next < 0
        ? this.buffer.subarray(Math.max(from, this.buffer.length - CONTENT_LENGTH_MARK.length))
        : this.buffer.subarray(next);
  }

  private drain(): void {
    while (this.remainingBody === 0 && this.buffer.length > 0) {
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buffer.length > MAX_HEADER_BYTES) this.discard("a header without an end", 1);
        return;
      }
      const verdict = judgeHeader(this.buffer.subarray(0, end).toString("latin1").split("\r\n"));
      const headerEnd = end + HEADER_END.length;
      // Junk may run into a good header: look for it inside; a rejected header's block is skipped whole.
      if (verdict.kind === "junk") this.discard("bytes that are not a header", 1);
      else if (verdict.kind === "rejected") this.discard(verdict.reason, headerEnd);
      else this.pass(verdict.length, headerEnd);
    }
  }

  /** Passes on an accepted frame under a canonical header: what vscode-jsonrpc reads is unambiguous. */
  private pass(length: number, headerEnd: number): void {
    this.push(Buffer.from(`Content-Length: ${length}\r\n\r\n`, "latin1"));
    const available = Math.min(length, this.buffer.length - headerEnd);
    this.push(this.buffer.subarray(headerEnd, headerEnd + available));
    this.remainingBody = length - available;
    this.buffer = this.buffer.subarray(headerEnd + available);
  }
}
