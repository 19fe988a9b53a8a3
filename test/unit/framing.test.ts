/**
 * The stdio frame reader: a mis-framed message (a length vscode-jsonrpc's parseInt reads otherwise,
 * two Content-Length headers, a length no client will ever send) costs that message alone. What
 * comes out is only well-formed frames under a canonical header, whatever the chunking.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FrameSanitiser, MAX_FRAME_BYTES } from "../../server/src/lsp/framing.js";

const frame = (body: string, header = `Content-Length: ${Buffer.byteLength(body)}`) => `${header}\r\n\r\n${body}`;
const GOOD = frame('{"jsonrpc":"2.0","id":1,"method":"ping"}');

/** Feeds `input` through a sanitiser in chunks of `chunkSize` bytes; the output and the drop reasons. */
function sanitise(input: string, chunkSize = input.length): { output: string; drops: string[] } {
  const drops: string[] = [];
  const sanitiser = new FrameSanitiser((reason) => drops.push(reason));
  const out: Buffer[] = [];
  sanitiser.on("data", (chunk: Buffer) => out.push(chunk));
  const bytes = Buffer.from(input, "latin1");
  for (let at = 0; at < bytes.length; at += chunkSize) sanitiser.write(bytes.subarray(at, at + chunkSize));
  return { output: Buffer.concat(out).toString("latin1"), drops };
}

const MISFRAMED: Record<string, string> = {
  "an exponent": frame('{"jsonrpc":"2.0","id":7,"method":"x"}', "Content-Length: 1e2"),
  "a binary literal": frame('{"jsonrpc":"2.0","id":7,"method":"x"}', "Content-Length: 0b101"),
  "a hex literal": frame("{}", "Content-Length: 0x2"),
  "two lengths": frame('{"a":1}', "Content-Length: 7\r\nContent-Length: 3"),
  "a length over the cap": frame("{}", "Content-Length: 99999999999"),
  "a fraction": frame("{}", "Content-Length: 2.0"),
  "no length": frame("{}", "Content-Type: application/json"),
  "a negative length": frame("{}", "Content-Length: -2"),
};

describe("frame reader", () => {
  for (const [name, bad] of Object.entries(MISFRAMED)) {
    it(`skips a frame with ${name} and passes the next one untouched`, () => {
      for (const chunkSize of [1, 7, 1 << 20]) {
        const { output, drops } = sanitise(bad + GOOD + GOOD, chunkSize);
        assert.equal(output, GOOD + GOOD, `chunks of ${chunkSize}`);
        assert.ok(drops.length >= 1, "the bad frame is reported");
      }
    });
  }

  it("passes good frames under a canonical header, with other headers and any case", () => {
    const body = '{"jsonrpc":"2.0","method":"é"}';
    const length = Buffer.byteLength(body);
    const input = frame(body, `Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length:  ${length}`);
    const { output, drops } = sanitise(Buffer.from(input).toString("latin1"), 3);
    assert.equal(Buffer.from(output, "latin1").toString(), frame(body));
    assert.deepEqual(drops, []);
  });

  it("drops junk before a header and keeps the frame behind it", () => {
    const { output, drops } = sanitise(`hello from a wrapper script\r\n${GOOD}`);
    assert.equal(output, GOOD);
    assert.equal(drops.length, 1);
  });

  it("accepts a frame of exactly the cap and names the cap when refusing one over it", () => {
    assert.match(sanitise(frame("", `Content-Length: ${MAX_FRAME_BYTES + 1}`)).drops[0]!, /cap/);
    const atCap = sanitise(`Content-Length: ${MAX_FRAME_BYTES}\r\n\r\n`);
    assert.deepEqual(atCap.drops, []);
    assert.equal(atCap.output, `Content-Length: ${MAX_FRAME_BYTES}\r\n\r\n`);
  });
});
