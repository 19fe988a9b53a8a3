/**
 * The protocol's bindings (#protocol) as vscode-languageclient's message types, so that
 * `sendRequest` and `onNotification` check params and results against the one declaration the
 * server answers through too.
 */
import { NotificationType, RequestType } from "vscode-languageclient/node.js";
import type { NotificationBinding, RequestBinding } from "#protocol/index.js";

export function requestType<P, R>(binding: RequestBinding<P, R>): RequestType<P, R, void> {
  return new RequestType<P, R, void>(binding.method);
}

export function notificationType<P>(binding: NotificationBinding<P>): NotificationType<P> {
  return new NotificationType<P>(binding.method);
}
