/**
 * The EQ preset language server's entry point: connects the handlers of `lspServer.ts` to stdio
 * (`--stdio`) or to VS Code's IPC, and keeps the process alive whatever a handler throws.
 */
import {
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  type Connection,
} from "vscode-languageserver/node.js";
import { FrameSanitiser } from "./framing.js";
import { createLanguageServer } from "./lspServer.js";

process.on("uncaughtException", (error) => {
  console.error(`eqpreset server: uncaught ${error.stack ?? error.message}`);
});
process.on("unhandledRejection", (reason) => {
  console.error(
    `eqpreset server: unhandled rejection ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
  );
});

/**
 * Over stdio the input goes through FrameSanitiser, so that a malformed frame costs one message,
 * not the connection; over IPC (VS Code) messages arrive as objects and need no framing.
 */
function connect(): Connection {
  if (!process.argv.includes("--stdio")) return createConnection(ProposedFeatures.all);
  const input = process.stdin.pipe(
    new FrameSanitiser((reason) => process.stderr.write(`eqpreset: dropped ${reason} from the client\n`)),
  );
  // The client going away ends stdin: the server then ends too, as with the default reader.
  process.stdin.on("end", () => process.exit(0));
  return createConnection(
    ProposedFeatures.all,
    new StreamMessageReader(input),
    new StreamMessageWriter(process.stdout),
  );
}

createLanguageServer(connect()).listen();
