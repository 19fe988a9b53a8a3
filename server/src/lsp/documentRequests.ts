/**
 * The feature providers (features/) as LSP requests, one line each: checked parameters, honoured
 * cancellation, guarded work.
 */
import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type Connection,
  type Position,
  type TextDocuments,
} from "vscode-languageserver/node.js";
import type { TextDocument } from "vscode-languageserver-textdocument";
import {
  EditBandRequest,
  PreviewRequest,
  PreviewTextRequest,
  MatchReferenceRequest,
  type EditBandParams,
  type EditBandResult,
  type MatchReferenceParams,
  type MatchReferenceResult,
  type PreviewTextParams,
  type PreviewTextResult,
} from "../protocol/index.js";
import type { EqLanguageService } from "./features/languageService.js";
import type { PreviewParams } from "./features/preview.js";
import { requestType } from "./bindings.js";
import { logFailure, type Guard } from "./guard.js";

/** The longest text `eqpreset/previewText` draws (characters): far more than any preset file. */
const MAX_COMPARE_TEXT = 1_000_000;

type DocumentParams = { textDocument?: { uri?: unknown }; position?: unknown } | undefined;
type WithDocument = <T>(
  name: string,
  params: DocumentParams,
  token: CancellationToken,
  fallback: T,
  run: (document: TextDocument) => T,
) => Promise<T | ResponseError<void>>;

/**
 * Every document request runs through this. The handler first yields once, so that a
 * `$/cancelRequest` that arrived together with its request (a client cancels hovers as the mouse
 * moves on) is seen before any work is done.
 */
function withDocumentOf(documents: TextDocuments<TextDocument>, guard: Guard): WithDocument {
  return async (name, params, token, fallback, run) => {
    const uri = params?.textDocument?.uri;
    if (typeof uri !== "string")
      return new ResponseError(ErrorCodes.InvalidParams, `${name}: textDocument.uri must be a string`);
    if (params && "position" in params && !isPosition(params.position)) {
      return new ResponseError(
        ErrorCodes.InvalidParams,
        `${name}: position must be {line, character} with whole numbers ≥ 0`,
      );
    }
    await new Promise((resolve) => setImmediate(resolve));
    if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, `${name}: cancelled`);
    const document = documents.get(uri);
    if (!document) return fallback;
    return guard(name, fallback, () => run(document));
  };
}

export function addDocumentRequests(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  service: EqLanguageService,
  guard: Guard,
): void {
  const withDocument = withDocumentOf(documents, guard);
  connection.onHover((params, token) =>
    withDocument("hover", params, token, null, (document) => service.hover(document, params.position)),
  );
  connection.onCompletion((params, token) =>
    withDocument("completion", params, token, [], (document) => service.completion(document, params.position)),
  );
  connection.onDefinition((params, token) =>
    withDocument("definition", params, token, null, (document) => service.definition(document, params.position)),
  );
  connection.onDocumentSymbol((params, token) =>
    withDocument("symbols", params, token, [], (document) => service.documentSymbols(document)),
  );
  connection.onFoldingRanges((params, token) =>
    withDocument("folding", params, token, [], (document) => service.foldingRanges(document)),
  );
  connection.onDocumentFormatting((params, token) =>
    withDocument("formatting", params, token, [], (document) => service.format(document)),
  );
  connection.onCodeAction((params, token) =>
    withDocument("code actions", params, token, [], (document) => service.codeActions(document, params)),
  );
  connection.languages.inlayHint.on((params, token) =>
    withDocument("inlay hints", params, token, [], (document) => service.inlayHints(document, params.range)),
  );
  connection.onCodeLens((params, token) =>
    withDocument("code lenses", params, token, [], (document) => service.codeLenses(document)),
  );
  addPreviewRequests(connection, service, guard, withDocument);
  connection.onRequest(requestType(MatchReferenceRequest), (params: MatchReferenceParams | undefined) =>
    matchReferenceRequest(connection, documents, service, params),
  );
}

/** "Match to a reference…": reads two files (asynchronously, the server keeps answering), never throws. */
async function matchReferenceRequest(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  service: EqLanguageService,
  params: MatchReferenceParams | undefined,
): Promise<MatchReferenceResult> {
  if (
    typeof params?.uri !== "string" ||
    !isPosition(params.position) ||
    !Number.isInteger(params.version) ||
    typeof params.reference !== "string" ||
    typeof params.current !== "string"
  )
    return { refused: "Not a match request: a document, its version, a position and two files are needed." };
  const uri = params.uri;
  const parsed = () => {
    const document = documents.get(uri);
    return document ? service.store.get(document) : undefined;
  };
  try {
    return await service.matchReference(parsed, params);
  } catch (error) {
    logFailure(connection, "match reference", error);
    return { refused: "The match failed: the language server's output says why." };
  }
}

/** The preview panel (client/src/preview): a preset's curve, a dragged band, curves to compare with. */
function addPreviewRequests(
  connection: Connection,
  service: EqLanguageService,
  guard: Guard,
  withDocument: WithDocument,
): void {
  connection.onRequest(requestType(PreviewRequest), (params: PreviewParams | undefined, token: CancellationToken) => {
    const position = params?.position;
    if (typeof params?.uri !== "string" || position === undefined || !isPosition(position)) return null;
    return withDocument("preview", { textDocument: { uri: params.uri } }, token, null, (document) =>
      service.preview(document, position),
    );
  });
  connection.onRequest(requestType(EditBandRequest), (params: EditBandParams | undefined, token: CancellationToken) => {
    if (typeof params?.uri !== "string" || !isPosition(params.position)) return { refused: "Not an edit of a band." };
    return withDocument(
      "edit band",
      { textDocument: { uri: params.uri } },
      token,
      { refused: "The document is not open." } as EditBandResult,
      (document) => service.editBand(document, params),
    );
  });
  connection.onRequest(requestType(PreviewTextRequest), (params: PreviewTextParams | undefined) => {
    // A text from git or another file: bounded, so a huge one cannot hold the server up.
    if (typeof params?.uri !== "string" || typeof params.text !== "string" || params.text.length > MAX_COMPARE_TEXT)
      return { presets: [] };
    return guard("preview text", { presets: [] } as PreviewTextResult, () =>
      service.previewText(params.uri, params.text),
    );
  });
}

function isPosition(value: unknown): value is Position {
  const position = value as { line?: unknown; character?: unknown } | undefined;
  return (
    Number.isInteger(position?.line) &&
    Number.isInteger(position?.character) &&
    (position!.line as number) >= 0 &&
    (position!.character as number) >= 0
  );
}
