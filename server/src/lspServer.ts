/**
 * The EQ preset language server's handlers: thin LSP handlers around the language service.
 * Validation is debounced per document; every handler is guarded so that no input can bring the
 * server down. `server.ts` connects them to stdio or IPC.
 */
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  ErrorCodes,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocumentEdit,
  type CancellationToken,
  type Position,
  type WorkspaceEdit,
} from "vscode-languageserver/node.js";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import { WorkspaceSync } from "./workspaceSync.js";
import { EqLanguageService } from "./service/languageService.js";
import {
  EqServices,
  EXPAND_PRESET_COMMAND,
  findGitRoot,
  findProject,
  DEFAULT_LOCK_TOLERANCE_DB,
  PROJECT_FILE_NAME,
  type ProjectSettings,
  LOCK_FILE_NAME,
  MODEL_STATUS_NOTIFICATION,
  RELOAD_MODEL_NOTIFICATION,
  EDIT_BAND_REQUEST,
  PREVIEW_TEXT_REQUEST,
  type EditBandParams,
  type EditBandResult,
  type PreviewTextParams,
  type PreviewTextResult,
} from "./core/index.js";
import { PREVIEW_CHANGED_NOTIFICATION, PREVIEW_REQUEST, type PreviewParams } from "./service/preview.js";

export interface ServerSettings {
  modelPath?: string;
  /** Milliseconds between the last edit and validation. */
  validationDelay?: number;
  /** Curve pictures in hovers (default: on, except for Vim and Neovim, which show markdown as text). */
  hoverImages?: boolean;
}

/** The longest text `eqpreset/previewText` draws (characters): far more than any preset file. */
const MAX_COMPARE_TEXT = 1_000_000;

/** Clients known to show hover markdown as plain text, where an image is a screenful of base64. */
const TEXT_ONLY_HOVER_CLIENTS = /vim/i;

/**
 * Wires every handler of the language server onto `connection` and returns a function that starts
 * listening. Nothing here starts on import: tests build a server in-process over in-memory streams.
 */
export function createLanguageServer(
  connection: Connection,
  services: EqServices = new EqServices(),
): { listen(): void } {
  const documents = new TextDocuments(TextDocument);
  const service = new EqLanguageService(services);
  // Team words: every .eqp file of the workspace, indexed in the background (workspaceSync.ts).
  const workspaceSync = new WorkspaceSync(services, () => revalidateAll());
  let workspaceFolderUris: string[] = [];
  let watchedFilesRegistration = false;
  let relativePatterns = false;
  /** Set once the first index has chosen the lock's folder: later project changes move it. */
  let initialized = false;
  /** Per URI, the cancel of its scheduled validation. */
  const pending = new Map<string, () => void>();
  let validationDelay = 100;
  /** The personal `eqpreset.modelPath` setting: it overrides the project file's model. */
  let modelPath = "";
  let workspaceRoot: string | undefined;
  let project: ProjectSettings | undefined;
  // What the client can take, from its initialize request.
  let inlayHintRefresh = false;
  let codeLensRefresh = false;
  let versionedEdits = false;
  /** When the initialize request arrived, for the log line that says when the workspace index was complete. */
  let initializedAt = 0;

  const logFailure = (name: string, error: unknown) => {
    const text = `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    try {
      connection.console.error(text);
    } catch {
      // The connection is gone: stderr is all that is left.
      process.stderr.write(`eqpreset server: ${text}\n`);
    }
  };

  const guard = <T>(name: string, fallback: T, run: () => T): T => {
    try {
      return run();
    } catch (error) {
      logFailure(name, error);
      return fallback;
    }
  };

  // What was last published per URI, so an unchanged document is not validated twice
  // (TextDocuments reports an open as a change too). The model generation counts reloads.
  const published = new Map<string, string>();
  let modelGeneration = 0;

  /** A promise nobody awaits: its failure is logged, never left to end the process. */
  const settle = (name: string, promise: Promise<unknown>): void => {
    promise.catch((error: unknown) => logFailure(name, error));
  };

  const publish = (document: TextDocument) => {
    pending.delete(document.uri);
    const stamp = `${document.version}@${modelGeneration}`;
    if (published.get(document.uri) === stamp) return;
    published.set(document.uri, stamp);
    guard("workspace index", undefined, () => workspaceSync.changed(document.uri, service.store.get(document)));
    const diagnostics = guard("validation", [], () => service.diagnostics(document));
    settle(
      "publishing diagnostics",
      connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics }),
    );
    // Cheap: the preview panel asks again for the preset it shows, if any.
    settle(
      "preview notification",
      connection.sendNotification(PREVIEW_CHANGED_NOTIFICATION, { uri: document.uri, version: document.version }),
    );
  };

  const schedule = (document: TextDocument, delay: number) => {
    pending.get(document.uri)?.();
    const run = () => {
      const latest = documents.get(document.uri);
      if (latest) publish(latest);
    };
    // No delay: right after this turn of the event loop. A timer of 0 ms waits a whole
    // millisecond, a tenth of the budget of an edit in a large file.
    if (delay === 0) {
      const immediate = setImmediate(run);
      pending.set(document.uri, () => clearImmediate(immediate));
    } else {
      const timer = setTimeout(run, delay);
      pending.set(document.uri, () => clearTimeout(timer));
    }
  };

  /** Tells the client which model is active; `settled` once the network has loaded or failed. */
  const announceModel = (settled: boolean) => {
    const state = service.model.current;
    // A notification, not a message request: a request has to be answered, and some clients
    // (Neovim) answer it with a blocking prompt.
    if (settled && state.warning) warn(state.warning);
    const status = connection.sendNotification(MODEL_STATUS_NOTIFICATION, {
      dir: state.dir,
      words: state.vocabulary.size,
      network: state.semantic !== undefined,
      loading: !settled,
      personalOverride: modelPath !== "" && project?.modelDir !== undefined,
      projectFile: project?.file,
      trained:
        typeof (state.metadata.model as { createdAt?: unknown } | undefined)?.createdAt === "string"
          ? (state.metadata.model as { createdAt: string }).createdAt
          : undefined,
      warning: state.warning,
    });
    settle("model status", status);
    // Inlay hints show generated bands: they go with a reload and come back with the network.
    if (inlayHintRefresh) connection.languages.inlayHint.refresh().catch(() => undefined);
    // Expand lenses appear only where the network can expand (codeLens.ts): ask again with it.
    if (codeLensRefresh) connection.sendRequest("workspace/codeLens/refresh").catch(() => undefined);
  };

  const revalidateAll = () => {
    service.modelChanged();
    modelGeneration++;
    for (const document of documents.all()) schedule(document, 0);
  };

  /**
   * The project file nearest the workspace folder (read again on every model reload): its model,
   * its lock's folder and tolerance. A broken one is a warning, and the git root holds the lock.
   */
  const readProject = (): ProjectSettings | undefined => {
    if (!workspaceRoot) return undefined;
    try {
      return findProject(workspaceRoot);
    } catch (error) {
      warn(`${(error as Error).message}: the project file is not used`);
      const root = findGitRoot(workspaceRoot) ?? workspaceRoot;
      return { file: undefined, root, modelDir: undefined, lockToleranceDb: DEFAULT_LOCK_TOLERANCE_DB };
    }
  };

  /** Reads the model folder's vocabulary now and its network in the background, then revalidates. */
  const reloadModel = () => {
    project = readProject();
    services.lockToleranceDb = project?.lockToleranceDb ?? DEFAULT_LOCK_TOLERANCE_DB;
    if (project && initialized) workspaceSync.moveLock(project.root);
    const dir = modelPath || project?.modelDir || "";
    service.model.load(dir && !path.isAbsolute(dir) && workspaceRoot ? path.resolve(workspaceRoot, dir) : dir);
    revalidateAll();
    announceModel(false);
    const loaded = service.model.loadNetwork().then((current) => {
      if (!current) return;
      // Guarded: the connection may have closed while the network loaded.
      guard("model loaded", undefined, () => {
        revalidateAll();
        announceModel(true);
      });
    });
    settle("model loading", loaded);
  };

  const applySettings = (settings: ServerSettings | undefined) => {
    if (typeof settings?.validationDelay === "number" && settings.validationDelay >= 0)
      validationDelay = settings.validationDelay;
    if (typeof settings?.hoverImages === "boolean") service.hoverImages = settings.hoverImages;
    const wanted = (settings?.modelPath ?? "").trim();
    if (wanted !== modelPath) {
      modelPath = wanted;
      reloadModel();
    }
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    initializedAt = performance.now();
    const options = (params.initializationOptions ?? {}) as ServerSettings;
    if (typeof options.validationDelay === "number") validationDelay = options.validationDelay;
    modelPath = (options.modelPath ?? "").trim();
    // A relative model path (from an editor other than VS Code, whose client resolves it) is taken
    // from the workspace, not from wherever the editor happened to start the server.
    const rootUri = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    workspaceRoot = rootUri?.startsWith("file:") ? fileURLToPath(rootUri) : undefined;
    workspaceFolderUris = params.workspaceFolders?.map((folder) => folder.uri) ?? (rootUri ? [rootUri] : []);
    watchedFilesRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    relativePatterns = params.capabilities.workspace?.didChangeWatchedFiles?.relativePatternSupport === true;
    service.hoverImages =
      typeof options.hoverImages === "boolean"
        ? options.hoverImages
        : !TEXT_ONLY_HOVER_CLIENTS.test(params.clientInfo?.name ?? "");
    inlayHintRefresh = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    codeLensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    versionedEdits = params.capabilities.workspace?.workspaceEdit?.documentChanges === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: [" "], resolveProvider: false },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        // Only the server's own command: "eqpreset.openPreview" belongs to the client.
        executeCommandProvider: { commands: [EXPAND_PRESET_COMMAND] },
      },
      serverInfo: { name: "eqpreset-language-server", version: "0.1.0" },
    };
  });

  connection.onInitialized(() => {
    reloadModel();
    initialized = true;
    // Said in the server's log with the time since initialize: how long team words take to appear.
    const indexed = workspaceSync
      .index(workspaceFolderUris, warn, project?.root)
      .then((files) =>
        guard("workspace index", undefined, () =>
          connection.console.info(
            `workspace index: ${files} preset files, complete ${Math.round(performance.now() - initializedAt)} ms after initialize`,
          ),
        ),
      );
    settle("workspace index", indexed);
    if (watchedFilesRegistration)
      connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [
            { globPattern: "**/*.eqp" },
            { globPattern: `**/${LOCK_FILE_NAME}` },
            { globPattern: `**/${PROJECT_FILE_NAME}` },
            // The project root may lie above the workspace folder (the editor opened on Audio/Presets).
            ...(project && relativePatterns
              ? [
                  {
                    globPattern: {
                      baseUri: pathToFileURL(project.root).toString(),
                      pattern: `{${LOCK_FILE_NAME},${PROJECT_FILE_NAME}}`,
                    },
                  },
                ]
              : []),
          ],
        })
        .catch(() => undefined);
  });
  connection.onDidChangeWatchedFiles((params) =>
    guard("watched files", undefined, () => {
      // A project file changed (or appeared): its model, lock root and tolerance are read again.
      if (params.changes.some((change) => change.uri.endsWith(`/${PROJECT_FILE_NAME}`))) reloadModel();
      workspaceSync.filesChanged(params.changes, (uri) => documents.get(uri) !== undefined);
    }),
  );

  // Sent by the client when a model folder in use was rewritten (by the training task or the CLI).
  connection.onNotification(RELOAD_MODEL_NOTIFICATION, () => guard("model reload", undefined, () => reloadModel()));

  connection.onDidChangeConfiguration((change) => {
    const settings = (change.settings as { eqpreset?: ServerSettings } | undefined)?.eqpreset;
    if (settings) guard("configuration", undefined, () => applySettings(settings));
  });

  documents.onDidOpen((event) => publish(event.document));
  documents.onDidChangeContent((event) => schedule(event.document, validationDelay));
  documents.onDidClose((event) => {
    pending.get(event.document.uri)?.();
    pending.delete(event.document.uri);
    service.close(event.document.uri);
    guard("workspace index", undefined, () => workspaceSync.closed(event.document.uri));
    published.delete(event.document.uri);
    settle("clearing diagnostics", connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] }));
  });

  /**
   * Every document request: checked parameters, honoured cancellation, guarded work. The handler
   * first yields once, so that a `$/cancelRequest` that arrived together with its request (a client
   * cancels hovers as the mouse moves on) is seen before any work is done.
   */
  const withDocument = async <T>(
    name: string,
    params: { textDocument?: { uri?: unknown }; position?: unknown } | undefined,
    token: CancellationToken,
    fallback: T,
    run: (document: TextDocument) => T,
  ): Promise<T | ResponseError<void>> => {
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

  connection.onHover((params, token) =>
    withDocument("hover", params, token, null, (document) => service.hover(document, params.position)),
  );
  connection.onCompletion((params, token) =>
    withDocument("completion", params, token, [], (document) => service.completion(document, params.position)),
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
  connection.onRequest(PREVIEW_REQUEST, (params: PreviewParams | undefined, token: CancellationToken) => {
    const position = params?.position;
    if (typeof params?.uri !== "string" || position === undefined || !isPosition(position)) return null;
    return withDocument("preview", { textDocument: { uri: params.uri } }, token, null, (document) =>
      service.preview(document, position),
    );
  });
  // The preview panel as an editor (client/src/preview): a dragged band, and curves to compare with.
  connection.onRequest(EDIT_BAND_REQUEST, (params: EditBandParams | undefined, token: CancellationToken) => {
    if (typeof params?.uri !== "string" || !isPosition(params.position)) return { refused: "Not an edit of a band." };
    return withDocument(
      "edit band",
      { textDocument: { uri: params.uri } },
      token,
      { refused: "The document is not open." } as EditBandResult,
      (document) => service.editBand(document, params),
    );
  });
  connection.onRequest(PREVIEW_TEXT_REQUEST, (params: PreviewTextParams | undefined) => {
    // A text from git or another file: bounded, so a huge one cannot hold the server up.
    if (typeof params?.uri !== "string" || typeof params.text !== "string" || params.text.length > MAX_COMPARE_TEXT)
      return { presets: [] };
    return guard("preview text", { presets: [] } as PreviewTextResult, () =>
      service.previewText(params.uri, params.text),
    );
  });

  const warn = (message: string) =>
    settle(
      "warning",
      connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message }),
    );

  /** The "Expand" code lens: the same edit as the "Expand into bands" code action, applied through the client. */
  const expandPreset = async (args: unknown[]) => {
    const [uri, presetIndex, version] = args;
    const document = typeof uri === "string" ? documents.get(uri) : undefined;
    if (!document) return warn("Expand: the document is not open.");
    const result = guard("expand", { refused: "Expand failed: see the server's output." }, () =>
      service.expandPreset(document, presetIndex, version),
    );
    if ("refused" in result) return warn(`Expand: ${result.refused}`);
    const edit: WorkspaceEdit = versionedEdits
      ? { documentChanges: [TextDocumentEdit.create({ uri: document.uri, version: document.version }, [result.edit])] }
      : { changes: { [document.uri]: [result.edit] } };
    const applied = await connection.workspace.applyEdit({ label: "Expand into bands", edit });
    if (!applied.applied)
      warn(`Expand: the editor did not apply the edit${applied.failureReason ? ` (${applied.failureReason})` : ""}.`);
  };

  connection.onExecuteCommand(async (params) => {
    try {
      if (params.command === EXPAND_PRESET_COMMAND) await expandPreset(params.arguments ?? []);
    } catch (error) {
      connection.console.error(
        `command ${params.command} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    return null;
  });

  return {
    listen: () => {
      documents.listen(connection);
      connection.listen();
    },
  };
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
