/**
 * Base-protocol framing that survives garbage on stdio. vscode-jsonrpc's stream reader keeps the
 * rest of a broken frame in its buffer, where it glues onto the next header, so one bad header
 * (a stray `print` in a wrapper script, a client bug) leaves the server alive but deaf. This
 * Transform passes on only well-formed frames (`Content-Length: N`, a blank line, N bytes) and,
 * on anything else, skips ahead to the next `Content-Length:`.
 */
import { Transform, type TransformCallback } from "node:stream";

const HEADER_END = Buffer.from("\r\n\r\n");
const CONTENT_LENGTH = Buffer.from("content-length:");
/** No real header block is this long; a longer one is junk without an end. */
const MAX_HEADER_BYTES = 8192;

function indexOfContentLength(buffer: Buffer, from: number): number {
  // Every well-formed frame starts with its header: look there first, without copying the buffer.
  if (
    from === 0 &&
    buffer.subarray(0, CONTENT_LENGTH.length).toString("latin1").toLowerCase() === CONTENT_LENGTH.toString("latin1")
  )
    return 0;
  // Header names are case-insensitive: search a lower-cased copy.
  return Buffer.from(buffer.toString("latin1").toLowerCase(), "latin1").indexOf(CONTENT_LENGTH, from);
}

export class FrameSanitiser extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  /** Body bytes of the current (well-formed) frame still to pass through untouched. */
  private remainingBody = 0;
  /** Frames and stretches of bytes dropped as malformed, for the log. */
  dropped = 0;

  constructor(private readonly onDrop: (reason: string) => void = () => undefined) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let rest = chunk;
    if (this.remainingBody > 0) {
      // The body of a frame whose header was fine: passed on as it comes, never rescanned.
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

  private discard(reason: string): void {
    this.dropped++;
    this.onDrop(reason);
    // Resynchronise on the next header that could start a frame (not at offset 0: that one failed).
    const next = indexOfContentLength(this.buffer, 1);
    this.buffer =
      next < 0
        ? this.buffer.subarray(Math.max(0, this.buffer.length - CONTENT_LENGTH.length))
        : this.buffer.subarray(next);
  }

  private drain(): void {
    while (this.remainingBody === 0 && this.buffer.length > 0) {
      const start = indexOfContentLength(this.buffer, 0);
      if (start < 0) {
        if (this.buffer.length > CONTENT_LENGTH.length) this.discard("bytes outside any frame");
        return;
      }
      if (start > 0) {
        this.buffer = this.buffer.subarray(start);
        this.dropped++;
        this.onDrop("bytes before a header");
      }
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buffer.length > MAX_HEADER_BYTES) this.discard("a header without an end");
        return;
      }
      const headers = this.buffer.subarray(0, end).toString("latin1").split("\r\n");
      const lengthHeader = headers.find((line) => line.toLowerCase().startsWith("content-length:"));
      const length = Number(lengthHeader?.slice("content-length:".length).trim());
      const wellFormed = headers.every((line) => /^[!-9;-~]+:/.test(line));
      if (!Number.isInteger(length) || length < 0 || !wellFormed) {
        this.discard(`a malformed header ${JSON.stringify(headers.join(" | ").slice(0, 80))}`);
        continue;
      }
      const headerEnd = end + HEADER_END.length;
      const available = Math.min(length, this.buffer.length - headerEnd);
      this.push(this.buffer.subarray(0, headerEnd + available));
      this.remainingBody = length - available;
      this.buffer = this.buffer.subarray(headerEnd + available);
    }
  }
}
