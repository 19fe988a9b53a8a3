/** The model in the server: reloads (vocabulary now, network in the background) and the status the client shows. */
import {
  CodeLensRefreshRequest,
  MessageType,
  ShowMessageNotification,
  type Connection,
} from "vscode-languageserver/node.js";
import {
  DEFAULT_LOCK_TOLERANCE_DB,
  findGitRoot,
  findProject,
  type EqServices,
  type ModelState,
  type ProjectSettings,
} from "../core/index.js";
import { ModelStatusNotification, modelProvenance, type ModelStatus } from "../protocol/index.js";
import { notificationType } from "./bindings.js";
import type { EqLanguageService } from "./features/languageService.js";
import { settle, type Guard } from "./guard.js";
import type { ServerState } from "./serverState.js";
import type { WorkspaceSync } from "./workspaceSync.js";

/** The status of `state` as the client is told it; `settled` once the network has loaded or failed. */
export function modelStatus(state: ModelState, settled: boolean, server?: ServerState): ModelStatus {
  const trained = (state.metadata.model as { createdAt?: unknown } | undefined)?.createdAt;
  return {
    dir: state.dir,
    words: state.vocabulary.size,
    network: state.semantic !== undefined,
    loading: !settled,
    personalOverride: server !== undefined && server.modelPath !== "" && server.project?.modelDir !== undefined,
    projectFile: server?.project?.file,
    trained: typeof trained === "string" ? trained : undefined,
    madeHow: modelProvenance(state.metadata),
    warning: state.warning,
  };
}

export class ModelLifecycle {
  constructor(
    private readonly connection: Connection,
    private readonly service: EqLanguageService,
    private readonly state: ServerState,
    private readonly revalidateAll: () => void,
    private readonly guard: Guard,
    private readonly services: EqServices,
    private readonly workspaceSync: () => WorkspaceSync,
    private readonly warn: (message: string) => void,
  ) {}

  /**
   * The project file nearest the workspace folder: its model, its lock's folder and tolerance. A
   * broken one is a warning, and the git root holds the lock.
   */
  private readProject(): ProjectSettings | undefined {
    const root = this.state.workspaceRoot;
    if (!root) return undefined;
    try {
      return findProject(root);
    } catch (error) {
      this.warn(`${(error as Error).message}: the project file is not used`);
      return {
        file: undefined,
        root: findGitRoot(root) ?? root,
        modelDir: undefined,
        lockToleranceDb: DEFAULT_LOCK_TOLERANCE_DB,
      };
    }
  }

  /**
   * Reads the project file again, then the model folder's vocabulary now and its network in the
   * background, then revalidates. The personal setting's model wins over the project's.
   */
  reload(): void {
    const project = (this.state.project = this.readProject());
    this.services.lockToleranceDb = project?.lockToleranceDb ?? DEFAULT_LOCK_TOLERANCE_DB;
    if (project && this.state.initialized) this.workspaceSync().moveLock(project.root);
    this.service.model.load(this.state.modelDir(this.state.modelPath || project?.modelDir || ""));
    this.revalidateAll();
    this.announce(false);
    settle(
      this.connection,
      "model loading",
      this.service.model.loadNetwork().then((current) => {
        if (!current) return;
        // Guarded: the connection may have closed while the network loaded.
        this.guard("model loaded", undefined, () => {
          this.revalidateAll();
          this.announce(true);
        });
      }),
    );
  }

  /** Tells the client which model is active; `settled` once the network has loaded or failed. */
  private announce(settled: boolean): void {
    const state = this.service.model.current;
    // A notification, not a message request: a request has to be answered, and some clients
    // (Neovim) answer it with a blocking prompt.
    if (settled && state.warning)
      settle(
        this.connection,
        "warning",
        this.connection.sendNotification(ShowMessageNotification.type, {
          type: MessageType.Warning,
          message: state.warning,
        }),
      );
    settle(
      this.connection,
      "model status",
      this.connection.sendNotification(
        notificationType(ModelStatusNotification),
        modelStatus(state, settled, this.state),
      ),
    );
    // Inlay hints show generated bands: they go with a reload and come back with the network.
    if (this.state.client.inlayHintRefresh) this.connection.languages.inlayHint.refresh().catch(() => undefined);
    // Expand lenses appear only where the network can expand (codeLens.ts): ask again with it.
    if (this.state.client.codeLensRefresh)
      this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }
}
