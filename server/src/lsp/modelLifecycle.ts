/** The model in the server: reloads (vocabulary now, network in the background) and the status the client shows. */
import { MessageType, ShowMessageNotification, type Connection } from "vscode-languageserver/node.js";
import type { ModelState } from "../core/index.js";
import { MODEL_STATUS_NOTIFICATION, type ModelStatus } from "../protocol/index.js";
import type { EqLanguageService } from "./features/languageService.js";
import { settle, type Guard } from "./guard.js";
import type { ServerState } from "./serverState.js";

/** The status of `state` as the client is told it; `settled` once the network has loaded or failed. */
export function modelStatus(state: ModelState, settled: boolean): ModelStatus {
  const trained = (state.metadata.model as { createdAt?: unknown } | undefined)?.createdAt;
  return {
    dir: state.dir,
    words: state.vocabulary.size,
    network: state.semantic !== undefined,
    loading: !settled,
    trained: typeof trained === "string" ? trained : undefined,
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
  ) {}

  /** Reads the model folder's vocabulary now and its network in the background, then revalidates. */
  reload(dir: string = this.state.modelPath): void {
    this.service.model.load(this.state.modelDir(dir));
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
      this.connection.sendNotification(MODEL_STATUS_NOTIFICATION, modelStatus(state, settled)),
    );
    // Inlay hints show generated bands: they go with a reload and come back with the network.
    if (this.state.client.inlayHintRefresh) this.connection.languages.inlayHint.refresh().catch(() => undefined);
    // Expand lenses appear only where the network can expand (codeLens.ts): ask again with it.
    if (this.state.client.codeLensRefresh)
      this.connection.sendRequest("workspace/codeLens/refresh").catch(() => undefined);
  }
}
