/**
 * The protocol's bindings (server/src/protocol) as vscode-languageserver's message types, so that
 * `connection.onRequest` and `sendNotification` check params and results against the one
 * declaration the client sends through too.
 */
import {
  ErrorCodes,
  NotificationType,
  RequestType,
  ResponseError,
  type CancellationToken,
  type Connection,
} from "vscode-languageserver/node.js";
import type { NotificationBinding, RequestBinding } from "../protocol/index.js";

export function requestType<P, R>(binding: RequestBinding<P, R>): RequestType<P, R, void> {
  return new RequestType<P, R, void>(binding.method);
}

export function notificationType<P>(binding: NotificationBinding<P>): NotificationType<P> {
  return new NotificationType<P>(binding.method);
}

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
