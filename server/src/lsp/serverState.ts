/** What the server was told: its settings, the workspace, and what the client can take. */
import type { InitializeParams } from "vscode-languageserver/node.js";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { ProjectSettings } from "../core/index.js";
import type { ServerSettings } from "../protocol/index.js";

/** Clients known to show hover markdown as plain text, where an image is a screenful of base64. */
const TEXT_ONLY_HOVER_CLIENTS = /vim/i;

/** The client's capabilities this server uses, from its initialize request. */
export interface ClientCapabilities {
  watchedFilesRegistration: boolean;
  inlayHintRefresh: boolean;
  codeLensRefresh: boolean;
  versionedEdits: boolean;
  /** Watchers relative to a base folder (the project root may lie above the workspace folder). */
  relativePatterns: boolean;
}

export class ServerState {
  validationDelay = 100;
  /** The personal `eqpreset.modelPath` setting: it overrides the project file's model. */
  modelPath = "";
  /** The nearest project file's settings (eqpreset.json), read again on every model reload. */
  project: ProjectSettings | undefined;
  /** Set once the first index has chosen the lock's folder: later project changes move it. */
  initialized = false;
  hoverImages = true;
  workspaceRoot: string | undefined;
  workspaceFolderUris: string[] = [];
  /** When the initialize request arrived, for the log line that says when the workspace index was complete. */
  initializedAt = 0;
  client: ClientCapabilities = {
    watchedFilesRegistration: false,
    inlayHintRefresh: false,
    codeLensRefresh: false,
    versionedEdits: false,
    relativePatterns: false,
  };

  initialize(params: InitializeParams): void {
    this.initializedAt = performance.now();
    const options = (params.initializationOptions ?? {}) as ServerSettings;
    if (typeof options.validationDelay === "number") this.validationDelay = options.validationDelay;
    this.modelPath = (options.modelPath ?? "").trim();
    // A relative model path (from an editor other than VS Code, whose client resolves it) is taken
    // from the workspace, not from wherever the editor happened to start the server.
    const rootUri = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    this.workspaceRoot = rootUri?.startsWith("file:") ? fileURLToPath(rootUri) : undefined;
    this.workspaceFolderUris = params.workspaceFolders?.map((folder) => folder.uri) ?? (rootUri ? [rootUri] : []);
    this.hoverImages =
      typeof options.hoverImages === "boolean"
        ? options.hoverImages
        : !TEXT_ONLY_HOVER_CLIENTS.test(params.clientInfo?.name ?? "");
    const workspace = params.capabilities.workspace;
    this.client = {
      watchedFilesRegistration: workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      inlayHintRefresh: workspace?.inlayHint?.refreshSupport === true,
      codeLensRefresh: workspace?.codeLens?.refreshSupport === true,
      versionedEdits: workspace?.workspaceEdit?.documentChanges === true,
      relativePatterns: workspace?.didChangeWatchedFiles?.relativePatternSupport === true,
    };
  }

  /** Takes changed settings; true when the model path changed (the model must be reloaded). */
  apply(settings: ServerSettings | undefined): boolean {
    if (typeof settings?.validationDelay === "number" && settings.validationDelay >= 0)
      this.validationDelay = settings.validationDelay;
    if (typeof settings?.hoverImages === "boolean") this.hoverImages = settings.hoverImages;
    const wanted = (settings?.modelPath ?? "").trim();
    if (wanted === this.modelPath) return false;
    this.modelPath = wanted;
    return true;
  }

  /** The model folder to load: a relative path is the workspace's. */
  modelDir(dir: string = this.modelPath): string {
    return dir && !path.isAbsolute(dir) && this.workspaceRoot ? path.resolve(this.workspaceRoot, dir) : dir;
  }
}
