/**
 * The protocol's bindings (server/src/protocol) as vscode-languageserver's message types, so that
 * `connection.onRequest` and `sendNotification` check params and results against the one
 * declaration the client sends through too.
 */
import { NotificationType, RequestType } from "vscode-languageserver/node.js";
import type { NotificationBinding, RequestBinding } from "../protocol/index.js";

export function requestType<P, R>(binding: RequestBinding<P, R>): RequestType<P, R, void> {
  return new RequestType<P, R, void>(binding.method);
}

export function notificationType<P>(binding: NotificationBinding<P>): NotificationType<P> {
  return new NotificationType<P>(binding.method);
}
