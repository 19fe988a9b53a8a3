/**
 * A real LSP client for tests and benchmarks: starts the bundled server (`dist/server.js`) and
 * talks JSON-RPC to it over stdio.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";
import {
  createConnection as createServerConnection,
  StreamMessageReader as ServerStreamReader,
  StreamMessageWriter as ServerStreamWriter,
} from "vscode-languageserver/node.js";
import { createLanguageServer } from "../../server/src/lsp/lspServer.js";
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from "vscode-jsonrpc/node.js";
import type { Diagnostic, InitializeResult, Position, PublishDiagnosticsParams } from "vscode-languageserver-protocol";

export const SERVER_BUNDLE = path.resolve("dist", "server.js");

/** A server that reports its live heap on SIGUSR2 (see liveHeapKb): the node options before the bundle. */
export const HEAP_PROBE_ARGS = ["--expose-gc", "--require", path.resolve("test", "support", "heapProbe.cjs")];

export interface StartOptions {
  modelPath?: string;
  validationDelay?: number;
  serverArgs?: string[];
  command?: string[];
  /** The workspace folder the client reports (none by default). */
  rootUri?: string;
}

export class LspTestClient {
  private version = new Map<string, number>();
  private diagnosticWaiters: { uri: string; version?: number; resolve: (params: PublishDiagnosticsParams) => void }[] =
    [];
  readonly published = new Map<string, PublishDiagnosticsParams>();
  readonly notifications: { method: string; params: unknown }[] = [];
  stderr = "";
  initializeResult?: InitializeResult;

  private constructor(
    /** The server's process; undefined for a server in this process. */
    private readonly child: ChildProcess | undefined,
    readonly connection: MessageConnection,
  ) {}

  /** Ends a server built in this process (its connection and streams would keep the test alive). */
  private endInProcess: (() => void) | undefined;

  /** The server's process (only for a server started with `start`). */
  get process(): ChildProcess {
    if (!this.child) throw new Error("this server runs in the test's own process");
    return this.child;
  }

  /** The bundled server in its own process, over stdio: the wire as editors see it. */
  static async start(options: StartOptions = {}): Promise<LspTestClient> {
    const command = options.command ?? [process.execPath, SERVER_BUNDLE, "--stdio", ...(options.serverArgs ?? [])];
    const child = spawn(command[0]!, command.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    const client = new LspTestClient(child, connection);
    child.stderr.on("data", (chunk: Buffer) => (client.stderr += chunk.toString()));
    return client.initialize(options);
  }

  /**
   * The server's handlers built in this process (`createLanguageServer`) over in-memory streams:
   * a real LSP connection, fast, and debuggable with breakpoints in the providers.
   */
  static async inProcess(options: StartOptions = {}): Promise<LspTestClient> {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const serverConnection = createServerConnection(new ServerStreamReader(toServer), new ServerStreamWriter(toClient));
    createLanguageServer(serverConnection).listen();
    const connection = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const client = new LspTestClient(undefined, connection);
    client.endInProcess = () => {
      serverConnection.dispose();
      toServer.destroy();
      toClient.destroy();
    };
    return client.initialize(options);
  }

  private async initialize(options: StartOptions): Promise<LspTestClient> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const client = this;
    const connection = this.connection;
    connection.onNotification("textDocument/publishDiagnostics", (params: PublishDiagnosticsParams) => {
      client.published.set(params.uri, params);
      client.diagnosticWaiters = client.diagnosticWaiters.filter((waiter) => {
        if (
          waiter.uri !== params.uri ||
          (waiter.version !== undefined && params.version !== undefined && params.version < waiter.version)
        )
          return true;
        waiter.resolve(params);
        return false;
      });
    });
    connection.onNotification((method: string, params: unknown) => client.notifications.push({ method, params }));
    connection.onRequest("workspace/configuration", () => []);
    connection.onRequest("client/registerCapability", () => null);
    connection.onRequest("window/workDoneProgress/create", () => null);
    connection.listen();
    client.initializeResult = (await connection.sendRequest("initialize", {
      // In process, a processId would make the server poll for this very process forever.
      processId: this.child ? process.pid : null,
      rootUri: options.rootUri ?? null,
      capabilities: {
        textDocument: {
          hover: { contentFormat: ["markdown", "plaintext"] },
          completion: { completionItem: { snippetSupport: true } },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          publishDiagnostics: { versionSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["quickfix", "source"] } } },
        },
      },
      initializationOptions: { modelPath: options.modelPath ?? "", validationDelay: options.validationDelay ?? 0 },
    })) as InitializeResult;
    await connection.sendNotification("initialized", {});
    return client;
  }

  uriFor(name: string): string {
    return pathToFileURL(path.resolve("test-results", name)).toString();
  }

  /** Opens a document and resolves with its first diagnostics. */
  async open(uri: string, text: string, languageId = "eqpreset"): Promise<Diagnostic[]> {
    this.version.set(uri, 1);
    const waiting = this.waitForDiagnostics(uri, 1);
    await this.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId, version: 1, text },
    });
    return (await waiting).diagnostics;
  }

  /** Replaces the whole text (or a range) and resolves with the diagnostics of the new version. */
  async change(uri: string, text: string, range?: { start: Position; end: Position }): Promise<Diagnostic[]> {
    const version = (this.version.get(uri) ?? 0) + 1;
    this.version.set(uri, version);
    const waiting = this.waitForDiagnostics(uri, version);
    await this.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [range ? { range, text } : { text }],
    });
    return (await waiting).diagnostics;
  }

  /** Sends an incremental edit without waiting for diagnostics. */
  async edit(uri: string, range: { start: Position; end: Position }, text: string): Promise<number> {
    const version = (this.version.get(uri) ?? 0) + 1;
    this.version.set(uri, version);
    await this.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
    return version;
  }

  waitForDiagnostics(uri: string, version?: number, timeoutMs = 10000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`no diagnostics for ${uri} v${version ?? "?"} within ${timeoutMs} ms; stderr: ${this.stderr}`),
          ),
        timeoutMs,
      );
      this.diagnosticWaiters.push({
        uri,
        version,
        resolve: (params) => {
          clearTimeout(timer);
          resolve(params);
        },
      });
    });
  }

  /** Resolves with the first notification of `method` (already received or still to come). */
  async waitForNotification(method: string, timeoutMs = 5000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.notifications.find((notification) => notification.method === method);
      if (found) return found.params;
      if (Date.now() > deadline) throw new Error(`no ${method} notification within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * The server's heap after a full garbage collection, in kB: only for a server started with
   * HEAP_PROBE_ARGS before its bundle (`command`). What it still holds, whatever V8's heap sizing.
   */
  async liveHeapKb(timeoutMs = 10_000): Promise<number> {
    const pattern = /^heap-probe (\d+)$/gm;
    const seen = [...this.stderr.matchAll(pattern)].length;
    this.process.kill("SIGUSR2");
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reports = [...this.stderr.matchAll(pattern)];
      if (reports.length > seen) return Number(reports[reports.length - 1]![1]);
      if (Date.now() > deadline) throw new Error(`no heap report within ${timeoutMs} ms; stderr: ${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([
        this.connection.sendRequest("shutdown"),
        new Promise((resolve) => setTimeout(resolve, 2000)),
      ]);
      // In process, "exit" would end the test runner's own process.
      if (this.child) await this.connection.sendNotification("exit");
    } catch {
      // The server may already be gone; killing it below is enough.
    }
    this.connection.dispose();
    this.endInProcess?.();
    const child = this.child;
    if (child) setTimeout(() => child.kill(), 200).unref();
  }
}

/** Splits text at its `<|>` marker: the text without it, and the marker's position. */
export function withCursor(textWithMarker: string): { text: string; position: Position } {
  const index = textWithMarker.indexOf("<|>");
  if (index < 0) throw new Error("no <|> marker in the text");
  const text = textWithMarker.slice(0, index) + textWithMarker.slice(index + 3);
  const before = text.slice(0, index);
  const line = before.split("\n").length - 1;
  const character = index - (before.lastIndexOf("\n") + 1);
  return { text, position: { line, character } };
}
