/**
 * Protocol robustness: the bundled server (`node dist/server.js --stdio`) fed raw bytes, with no
 * client library in between: unknown methods, malformed JSON, broken framing, requests for
 * documents never opened, invalid parameters and a huge message. After each, the process is alive
 * and a valid request still gets its answer.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { SERVER_BUNDLE } from "../support/lspClient.js";

interface Message {
  jsonrpc: string;
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

/** The server over stdio, spoken to in bytes: frames are written by hand, replies parsed by hand. */
class RawServer {
  readonly messages: Message[] = [];
  stderr = "";
  private pending = Buffer.alloc(0);
  private nextId = 1000;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on("data", (chunk: Buffer) => this.read(chunk));
    child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  static async start(): Promise<RawServer> {
    const server = new RawServer(
      spawn(process.execPath, [SERVER_BUNDLE, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] }),
    );
    const init = await server.request("initialize", { processId: null, rootUri: null, capabilities: {} });
    assert.ok(init.result, JSON.stringify(init));
    server.notify("initialized", {});
    return server;
  }

  /** Splits stdout into messages by their Content-Length (in bytes). */
  private read(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (;;) {
      const headerEnd = this.pending.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.pending.subarray(0, headerEnd).toString("ascii"))?.[1]);
      if (this.pending.length < headerEnd + 4 + length) return;
      this.messages.push(
        JSON.parse(this.pending.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8")) as Message,
      );
      this.pending = this.pending.subarray(headerEnd + 4 + length);
    }
  }

  write(raw: string | Buffer): void {
    this.child.stdin.write(raw);
  }

  static frame(body: string): string {
    return `Content-Length: ${Buffer.byteLength(body, "utf8")}\r\n\r\n${body}`;
  }

  send(message: object): void {
    this.write(RawServer.frame(JSON.stringify({ jsonrpc: "2.0", ...message })));
  }

  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  /** Sends a request and waits for the response with its id. */
  request(method: string, params?: unknown, timeoutMs = 10_000): Promise<Message> {
    const id = this.nextId++;
    this.send(params === undefined ? { id, method } : { id, method, params });
    return this.response(id, timeoutMs);
  }

  async response(id: number, timeoutMs = 10_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((message) => message.id === id && message.method === undefined);
      if (found) return found;
      if (Date.now() > deadline || this.child.exitCode !== null)
        throw new Error(`no response to ${id} (exit ${this.child.exitCode}); stderr: ${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** A cheap valid request; resolves with its response. */
  ping(timeoutMs = 2000): Promise<Message> {
    return this.request("textDocument/documentSymbol", { textDocument: { uri: "file:///ping.eqp" } }, timeoutMs);
  }

  /**
   * After broken framing the reader cannot know where the next message starts: it drops what
   * follows until a header lines up again. The server must come back within a few messages.
   */
  async pingUntilAnswered(tries = 4): Promise<number> {
    for (let attempt = 1; attempt <= tries; attempt++) {
      try {
        await this.ping(1000);
        return attempt;
      } catch {
        assert.ok(this.alive(), `the server died: ${this.stderr}`);
      }
    }
    throw new Error(`no answer after ${tries} valid requests; stderr: ${this.stderr}`);
  }
}

/** Frames a reader cannot take at face value. */
const BROKEN_FRAMES: (string | Buffer)[] = [
  "Content-Length: abc\r\n\r\n{}",
  "Content-Length: -5\r\n\r\n",
  "Content-Type: application/json\r\n\r\n{}",
  "no colon here\r\n\r\n",
  Buffer.from([0, 255, 254, 13, 10, 13, 10, 1, 2, 3]),
  'Content-Length: 5\r\n\r\n{"jsonrpc":"2.0","id":9,"method":"shutdown"}',
];

let server: RawServer;

before(async () => {
  server = await RawServer.start();
});
after(() => {
  if (server.alive()) server.child.kill();
});

async function expectAlive(): Promise<void> {
  const answer = await server.ping();
  assert.deepEqual(answer.result, []);
  assert.ok(server.alive());
}

describe("LSP protocol robustness", () => {
  it("answers MethodNotFound to unknown requests and ignores unknown notifications", async () => {
    const unknown = await server.request("eqpreset/noSuchThing", {});
    assert.equal(unknown.error?.code, -32601);
    const dollar = await server.request("$/noSuchThing", {});
    assert.equal(dollar.error?.code, -32601);
    const before = server.messages.length;
    server.notify("eqpreset/noSuchNotification", { any: 1 });
    server.notify("$/noSuchNotification", {});
    await expectAlive();
    assert.deepEqual(
      server.messages.slice(before).filter((message) => message.error),
      [],
    );
  });

  it("survives bodies that are not JSON-RPC messages", async () => {
    const bodies = [
      '{"jsonrpc": "2.0", "id": 1, "method":',
      "42",
      "null",
      "[]",
      '[{"jsonrpc":"2.0","id":7,"method":"shutdown"}]',
      "{}",
      '{"jsonrpc":"2.0","id":8}',
      '{"jsonrpc":"2.0","id":{"a":1},"method":"textDocument/hover","params":{}}',
      '{"jsonrpc":"2.0","method":42}',
      "\u0000\u0001",
      "\ud800",
    ];
    for (const body of bodies) {
      server.write(RawServer.frame(body));
      await expectAlive();
    }
    // None of them was taken for a request: in particular the batched shutdown was not run.
    assert.equal(server.messages.filter((message) => message.id === 7 || message.id === 8).length, 0);
  });

  it("answers requests for documents that were never opened with empty results", async () => {
    const textDocument = { uri: "file:///never/opened.eqp" };
    const position = { line: 0, character: 0 };
    const range = { start: position, end: position };
    const requests: [string, unknown][] = [
      ["textDocument/hover", { textDocument, position }],
      ["textDocument/completion", { textDocument, position }],
      ["textDocument/formatting", { textDocument, options: { tabSize: 2, insertSpaces: true } }],
      ["textDocument/documentSymbol", { textDocument }],
      ["textDocument/foldingRange", { textDocument }],
      ["textDocument/codeAction", { textDocument, range, context: { diagnostics: [] } }],
    ];
    for (const [method, params] of requests) {
      const response = await server.request(method, params);
      assert.equal(response.error, undefined, `${method}: ${JSON.stringify(response.error)}`);
      assert.ok(
        response.result === null || (Array.isArray(response.result) && response.result.length === 0),
        `${method}: ${JSON.stringify(response.result)}`,
      );
    }
    await expectAlive();
  });

  it("answers invalid parameters with an error or nothing at all, never a crash", async () => {
    const uri = "file:///invalid-params.eqp";
    server.notify("textDocument/didOpen", {
      textDocument: { uri, languageId: "eqpreset", version: 1, text: "bell 1kHz +1dB\n" },
    });
    const none = await server.request("textDocument/hover");
    assert.equal(none.error?.code, -32602, JSON.stringify(none));
    for (const params of [
      {},
      null,
      { textDocument: {} },
      { textDocument: { uri: 42 }, position: {} },
      { textDocument: { uri } },
      { textDocument: { uri }, position: { line: -1, character: -1 } },
    ]) {
      const response = await server.request("textDocument/hover", params);
      assert.ok(
        response.error !== undefined || response.result === null,
        `hover ${JSON.stringify(params)}: ${JSON.stringify(response)}`,
      );
    }
    const completion = await server.request("textDocument/completion", {
      textDocument: { uri },
      position: { line: 1e9, character: 1e9 },
    });
    assert.equal(completion.error, undefined);
    await expectAlive();
  });

  it("keeps a consistent document through odd notifications", async () => {
    const uri = "file:///odd-notifications.eqp";
    server.notify("textDocument/didChange", {
      textDocument: { uri: "file:///never.eqp", version: 2 },
      contentChanges: [{ text: "x" }],
    });
    server.notify("textDocument/didClose", { textDocument: { uri: "file:///never.eqp" } });
    server.notify("textDocument/didOpen", {
      textDocument: { uri, languageId: "eqpreset", version: 1, text: "bell 1kHz +1dB\n" },
    });
    server.notify("textDocument/didOpen", {
      textDocument: { uri, languageId: "eqpreset", version: 1, text: "bell 1kHz +1dB\n" },
    });
    // A range past the end and one before the start: clamped, as TextDocument does.
    server.notify("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [
        { range: { start: { line: 50, character: 3 }, end: { line: 99, character: 0 } }, text: "gain -1dB\n" },
      ],
    });
    server.notify("textDocument/didChange", {
      textDocument: { uri, version: 3 },
      contentChanges: [
        { range: { start: { line: -1, character: -5 }, end: { line: 0, character: 0 } }, text: "# odd\n" },
      ],
    });
    const deadline = Date.now() + 10_000;
    let published: { version?: number; diagnostics: unknown[] } | undefined;
    while (published?.version !== 3) {
      assert.ok(Date.now() < deadline, `no diagnostics for version 3: ${server.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      published = server.messages
        .filter(
          (message) =>
            message.method === "textDocument/publishDiagnostics" && (message.params as { uri: string }).uri === uri,
        )
        .map((message) => message.params as { version?: number; diagnostics: unknown[] })
        .pop();
    }
    assert.deepEqual(published.diagnostics, []);
    const symbols = (await server.request("textDocument/documentSymbol", { textDocument: { uri } })).result as {
      children: { name: string }[];
    }[];
    assert.deepEqual(
      symbols[0]!.children.map((child) => child.name),
      ["Bell 1", "gain"],
    );
  });

  it("handles a huge message", async () => {
    const uri = "file:///huge.eqp";
    const block = 'preset "P" {\n  lowshelf 120Hz -3dB\n  bell 2.5kHz +2dB q 1.2\n  morph warm 0.3 bright 0.5\n}\n';
    const text = block.repeat(Math.ceil(8_000_000 / block.length));
    server.notify("textDocument/didOpen", { textDocument: { uri, languageId: "eqpreset", version: 1, text } });
    const hover = await server.request(
      "textDocument/hover",
      { textDocument: { uri }, position: { line: 2, character: 3 } },
      120_000,
    );
    assert.ok(hover.result, JSON.stringify(hover).slice(0, 300));
    // A request carrying megabytes of parameters nobody asked for.
    const padded = await server.request("textDocument/documentSymbol", {
      textDocument: { uri: "file:///never.eqp" },
      padding: "x".repeat(5_000_000),
    });
    assert.deepEqual(padded.result, []);
    server.notify("textDocument/didClose", { textDocument: { uri } });
    await expectAlive();
  });

  it("rejects a position that is not a position instead of answering for some other place", async () => {
    const uri = "file:///bad-position.eqp";
    server.notify("textDocument/didOpen", {
      textDocument: { uri, languageId: "eqpreset", version: 1, text: "bell 1kHz +1dB\n" },
    });
    for (const position of [{ line: "a", character: null }, { line: 0.5, character: 1 }, {}]) {
      const response = await server.request("textDocument/hover", { textDocument: { uri }, position });
      assert.equal(
        response.error?.code,
        -32602,
        `hover at ${JSON.stringify(position)}: ${JSON.stringify(response).slice(0, 200)}`,
      );
    }
    const missing = await server.request("textDocument/hover", {});
    assert.equal(missing.error?.code, -32602, JSON.stringify(missing));
  });

  it("stays alive after broken framing, and exits when the client goes away", async () => {
    for (const frame of BROKEN_FRAMES) {
      const own = await RawServer.start();
      own.write(frame);
      await own.ping().catch(() => undefined);
      assert.ok(own.alive(), `died after ${JSON.stringify(frame.toString())}: ${own.stderr}`);
      // No orphan: when the editor's end of the pipe closes, the server ends.
      const exited = new Promise<number | null>((resolve) => own.child.on("exit", (code) => resolve(code)));
      own.child.stdin.end();
      assert.notEqual(
        await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 5000))]),
        "still running",
      );
    }
  });

  it("comes back after broken framing", async () => {
    for (const frame of BROKEN_FRAMES) {
      const own = await RawServer.start();
      try {
        own.write(frame);
        assert.ok((await own.pingUntilAnswered()) <= 4);
      } finally {
        own.child.kill();
      }
    }
  });

  it("answers the very next request after a mis-framed one, and says what it dropped", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 77, method: "textDocument/documentSymbol", params: {} });
    const misframed = [
      `Content-Length: 1e2\r\n\r\n${body}`,
      `Content-Length: 0b1\r\n\r\n${body}`,
      `Content-Length: 2\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      `Content-Length: 99999999999\r\n\r\n${body}`,
    ];
    for (const frame of misframed) {
      const own = await RawServer.start();
      try {
        own.write(frame);
        assert.deepEqual((await own.ping()).result, [], `after ${JSON.stringify(frame.slice(0, 40))}`);
        assert.match(own.stderr, /dropped/);
        assert.ok(own.alive());
      } finally {
        own.child.kill();
      }
    }
  });

  it("shuts down and exits cleanly on request", async () => {
    const shutdown = await server.request("shutdown");
    assert.equal(shutdown.result, null);
    const exited = new Promise<number | null>((resolve) => server.child.on("exit", (code) => resolve(code)));
    server.notify("exit", undefined);
    assert.equal(await exited, 0);
  });
});
