/** The client's side of the typed request bindings (protocol/binding.ts). */
import type { LanguageClient } from "vscode-languageclient/node.js";
import type { RequestBinding } from "#protocol/index.js";

export function sendRequest<Params, Result>(
  client: LanguageClient,
  binding: RequestBinding<Params, Result>,
  params: Params,
): Promise<Result> {
  return client.sendRequest<Result>(binding.method, params);
}
