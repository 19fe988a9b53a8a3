/**
 * A custom request as a typed binding: its method name with the types of its params and result,
 * declared once here and used by both sides (the client's `sendRequest`, the server's `onRequest`
 * helpers), so that the two cannot disagree about a message's shape. Plain types, no LSP imports.
 */
export interface RequestBinding<Params, Result> {
  readonly method: string;
  /** Never set: carries the types only. */
  readonly types?: { params: Params; result: Result };
}

export function requestBinding<Params, Result>(method: string): RequestBinding<Params, Result> {
  return { method };
}
