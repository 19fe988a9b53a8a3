/**
 * The EQ preset language server: one line per feature around the language service. Validation
 * is debounced per document (validationScheduler.ts); every handler is guarded so that no input
 * can bring the server down (guard.ts). `server.ts` connects it to stdio or IPC.
 */
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  MessageType,
  ShowMessageNotification,
  TextDocumentEdit,
  type WorkspaceEdit,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { fileURLToPath, pathToFileURL } from "node:url";
import { EqServices, LOCK_FILE_NAME, PROJECT_FILE_NAME } from "../core/index.js";
import {
  AcceptLockRequest,
  EXPAND_PRESET_COMMAND,
  ReloadModelNotification,
  type SettingsChange,
} from "../protocol/index.js";
import { notificationType, onRequest } from "./bindings.js";
import { acceptLockChanges } from "./features/lockAcceptance.js";
import { addDocumentRequests } from "./documentRequests.js";
import { EqLanguageService } from "./features/languageService.js";
import { guardOn, settle, type Guard } from "./guard.js";
import { ModelLifecycle } from "./modelLifecycle.js";
import { ServerState } from "./serverState.js";
import { ValidationScheduler } from "./validationScheduler.js";
import { WorkspaceSync } from "./workspaceSync.js";

/** Everything a handler may use: built once per server. */
interface Server {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  service: EqLanguageService;
  state: ServerState;
  guard: Guard;
  scheduler: ValidationScheduler;
  model: ModelLifecycle;
  workspaceSync: WorkspaceSync;
  warn(message: string): void;
}

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
  const state = new ServerState();
  const guard = guardOn(connection);
  // Team words: every .eqp file of the workspace, indexed in the background (workspaceSync.ts).
  const workspaceSync = new WorkspaceSync(services, () => scheduler.revalidateAll());
  const scheduler = new ValidationScheduler(connection, documents, service, () => workspaceSync, guard);
  // A used preset changed: the presets that use it sound different (diagnostics, lock, preview).
  workspaceSync.onPresetsChanged = (file) => scheduler.revalidateUsers(pathToFileURL(file).toString());
  const warn = (message: string) =>
    settle(
      connection,
      "warning",
      connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message }),
    );
  const model = new ModelLifecycle(
    connection,
    service,
    state,
    () => scheduler.revalidateAll(),
    guard,
    services,
    () => workspaceSync,
    warn,
  );
  const server: Server = { connection, documents, service, state, guard, scheduler, model, workspaceSync, warn };

  addLifecycle(server);
  addDocumentSync(server);
  addDocumentRequests(connection, documents, service, guard);
  addExpandCommand(server);
  addLockRequest(server);
  return {
    listen: () => {
      documents.listen(connection);
      connection.listen();
    },
  };
}

/** Initialize, the model and workspace index after it, settings, reloads and watched files. */
function addLifecycle({ connection, documents, service, state, guard, model, workspaceSync, warn }: Server): void {
  connection.onInitialize((params: InitializeParams): InitializeResult => {
    state.initialize(params);
    service.hoverImages = state.hoverImages;
    return { capabilities: CAPABILITIES, serverInfo: { name: "eqpreset-language-server", version: "0.1.0" } };
  });

  connection.onInitialized(() => {
    model.reload();
    state.initialized = true;
    // Said in the server's log with the time since initialize: how long team words take to appear.
    settle(
      connection,
      "workspace index",
      workspaceSync
        .index(state.workspaceFolderUris, warn, state.project?.root)
        .then((files) =>
          guard("workspace index", undefined, () =>
            connection.console.info(
              `workspace index: ${files} preset files, complete ${Math.round(performance.now() - state.initializedAt)} ms after initialize`,
            ),
          ),
        ),
    );
    if (state.client.watchedFilesRegistration)
      connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [
            { globPattern: "**/*.eqp" },
            { globPattern: `**/${LOCK_FILE_NAME}` },
            { globPattern: `**/${PROJECT_FILE_NAME}` },
            // The project root may lie above the workspace folder (the editor opened on Audio/Presets).
            ...(state.project && state.client.relativePatterns
              ? [
                  {
                    globPattern: {
                      baseUri: pathToFileURL(state.project.root).toString(),
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
      if (params.changes.some((change) => change.uri.endsWith(`/${PROJECT_FILE_NAME}`))) model.reload();
      workspaceSync.filesChanged(params.changes, (uri) => documents.get(uri) !== undefined);
    }),
  );

  // Sent by the client when a model folder in use was rewritten (by the training task or the CLI).
  connection.onNotification(notificationType(ReloadModelNotification), () =>
    guard("model reload", undefined, () => model.reload()),
  );

  connection.onDidChangeConfiguration((change) => {
    const settings = (change as SettingsChange).settings?.eqpreset;
    if (settings)
      guard("configuration", undefined, () => {
        const modelChanged = state.apply(settings);
        service.hoverImages = state.hoverImages;
        if (modelChanged) model.reload();
      });
  });
}

const CAPABILITIES: InitializeResult["capabilities"] = {
  textDocumentSync: TextDocumentSyncKind.Incremental,
  hoverProvider: true,
  completionProvider: { triggerCharacters: [" ", '"'], resolveProvider: false },
  documentSymbolProvider: true,
  definitionProvider: true,
  foldingRangeProvider: true,
  documentFormattingProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
  inlayHintProvider: true,
  codeLensProvider: { resolveProvider: false },
  // Only the server's own command: "eqpreset.openPreview" belongs to the client.
  executeCommandProvider: { commands: [EXPAND_PRESET_COMMAND] },
};

/** Open documents: validated at once when opened, debounced when edited, cleared when closed. */
function addDocumentSync({ connection, documents, service, state, guard, scheduler, workspaceSync }: Server): void {
  documents.onDidOpen((event) => scheduler.publish(event.document));
  documents.onDidChangeContent((event) => scheduler.schedule(event.document, state.validationDelay));
  documents.onDidClose((event) => {
    scheduler.closed(event.document.uri);
    service.close(event.document.uri);
    guard("workspace index", undefined, () => workspaceSync.closed(event.document.uri));
    settle(
      connection,
      "clearing diagnostics",
      connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] }),
    );
  });
}

/** The "Expand" code lens: the same edit as the "Expand into bands" code action, applied through the client. */
function addExpandCommand({ connection, documents, service, state, guard, warn }: Server): void {
  const expandPreset = async (args: unknown[]) => {
    const [uri, presetIndex, version] = args;
    const document = typeof uri === "string" ? documents.get(uri) : undefined;
    if (!document) return warn("Expand: the document is not open.");
    const result = guard("expand", { refused: "Expand failed: see the server's output." }, () =>
      service.expandPreset(document, presetIndex, version),
    );
    if ("refused" in result) return warn(`Expand: ${result.refused}`);
    const edit: WorkspaceEdit = state.client.versionedEdits
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
}

/** "Accept all lock changes": after the first index, so that every file's morphs are in the new lock. */
function addLockRequest({ connection, service, state, guard, scheduler, workspaceSync }: Server): void {
  const failed = { refused: "the lock could not be written: see the server's output" };
  onRequest(
    connection,
    AcceptLockRequest,
    (params) =>
      typeof (params as { write?: unknown } | null)?.write === "boolean"
        ? { write: (params as { write: boolean }).write }
        : "write must be true or false",
    async (params) => {
      await workspaceSync.indexed();
      const folders = state.workspaceFolderUris
        .filter((uri) => uri.startsWith("file:"))
        .map((uri) => fileURLToPath(uri));
      const result = guard("accept lock changes", failed, () => acceptLockChanges(service.services, params, folders));
      if ("written" in result && result.written) scheduler.revalidateAll();
      return result;
    },
  );
}
