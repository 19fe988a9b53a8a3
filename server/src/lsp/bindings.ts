/** The server's side of the typed request bindings (protocol/binding.ts): one handler per binding. */
import { ErrorCodes, ResponseError, type CancellationToken, type Connection } from "vscode-languageserver/node.js";
import type { RequestBinding } from "../protocol/index.js";

/**
 * Handles `binding`'s request: `check` turns the untyped params into the binding's (or says what
 * is wrong, answered as InvalidParams), so a handler never sees a malformed message.
 */
export function onRequest<Params, Result>(
  connection: Connection,
  binding: RequestBinding<Params, Result>,
  check: (params: unknown) => Params | string,
  handler: (params: Params, token: CancellationToken) => Result | Promise<Result>,
): void {
  connection.onRequest(binding.method, (params: unknown, token: CancellationToken) => {
    const checked = check(params);
    if (typeof checked === "string")
      return new ResponseError(ErrorCodes.InvalidParams, `${binding.method}: ${checked}`);
    return handler(checked, token);
  });
}
