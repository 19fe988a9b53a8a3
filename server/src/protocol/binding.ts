/**
 * A custom message bound once to its method and the types of its params and result, as
 * vscode-eslint's `$shared` declares a `RequestType`: the server registers and the client sends
 * through the same binding, so neither can pass other params or expect another result. Plain
 * objects rather than vscode-jsonrpc's classes, so that the preview page can import the protocol.
 */

/** A request: `method`, with params `P` and result `R` (`types` is never set; it only carries them). */
export interface RequestBinding<P, R> {
  readonly method: string;
  readonly types?: { params: P; result: R };
}

/** A notification: `method` with params `P` (`void` for none). */
export interface NotificationBinding<P> {
  readonly method: string;
  readonly types?: { params: P };
}

export function requestBinding<P, R>(method: string): RequestBinding<P, R> {
  return { method };
}

export function notificationBinding<P = void>(method: string): NotificationBinding<P> {
  return { method };
}
