/**
 * The "EQ: Open preview" panel, extension side: one webview beside the editor showing the preset
 * under the cursor. It follows the active .eqp editor (cursor moves, edits, switching files) and the
 * server's `eqpreset/previewChanged` notifications, asking the server for `eqpreset/preview` a moment
 * after things settle, and posts each answer to the page.
 *
 * Answers arrive out of order at times (a slow one overtaken by a newer request): only the latest
 * request's answer is shown. A failing or missing request becomes a message in the panel.
 */
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import { previewHtml } from "./html.js";
import { applyBandEdit, type BandEditOutcome, type BandEditServer } from "./bandEdits.js";
import { CompareSource, type CompareServer, type CompareTarget } from "./compare.js";
import {
  matchToReference,
  pickMatchFiles,
  type MatchFiles,
  type MatchOutcome,
  type MatchServer,
} from "./matchReference.js";
import {
  checkPreviewData,
  parseFromPageMessage,
  type FromPageMessage,
  type PreviewParams,
  type ToPageMessage,
} from "./protocol.js";
import { fileName, requestFailure, targetFromArgs, webviewOptions, type PreviewTarget } from "./targets.js";

export const PREVIEW_VIEW_TYPE = "eqpreset.preview";
const LANGUAGE_ID = "eqpreset";
/** Settling times before asking the server again: cursor moves, edits, the server's own news. */
const DEBOUNCE_MS = { cursor: 120, edit: 250, server: 30 } as const;

/** The language server as the panel needs it. */
export interface PreviewServer extends BandEditServer, CompareServer, MatchServer {
  preview(params: PreviewParams): Promise<unknown>;
  log(message: string): void;
}

/** What the panel shows after a refresh: returned by the command (for tests and other extensions). */
export interface PreviewSnapshot {
  uri: string | undefined;
  presetName: string | null | undefined;
  state: "preview" | "empty" | "error";
  message: string;
  /** The document version the preview shows (a drag's edit is for this version only). */
  version?: number;
  /** The second curve's label, while one is compared. */
  compare?: string;
}

export class PreviewController implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelSubscriptions: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private target: PreviewTarget | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Numbers the requests; an answer to any but the latest is dropped. */
  private sequence = 0;
  private lastMessage: ToPageMessage | undefined;
  private snapshot: PreviewSnapshot | undefined;
  private refreshing: Promise<PreviewSnapshot | undefined> | undefined;
  private readonly compareSource: CompareSource;
  private compareTarget: CompareTarget | undefined;
  private compareLabel: string | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly server: PreviewServer,
  ) {
    this.compareSource = new CompareSource(server);
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor?.document.languageId !== LANGUAGE_ID) return; // The panel itself, or another file: keep the preset.
        this.follow(editor.document.uri, editor.selection.active, 0);
      }),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor !== vscode.window.activeTextEditor || event.textEditor.document.languageId !== LANGUAGE_ID)
          return;
        this.follow(
          event.textEditor.document.uri,
          event.selections[0]?.active ?? event.textEditor.selection.active,
          DEBOUNCE_MS.cursor,
        );
      }),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (
          this.target &&
          event.contentChanges.length > 0 &&
          event.document.uri.toString() === this.target.uri.toString()
        )
          this.schedule(DEBOUNCE_MS.edit);
      }),
    );
  }

  /**
   * `eqpreset.openPreview`: `[uri, position]` from the server's code lens (JSON), a Uri from the
   * editor title menu, or nothing from the command palette (the active editor's cursor).
   */
  async open(args: readonly unknown[]): Promise<PreviewSnapshot | undefined> {
    const target = targetFromArgs(args);
    if (!target) {
      void vscode.window.showInformationMessage("EQ preview: open an .eqp file and put the cursor in a preset first.");
      return undefined;
    }
    this.target = target;
    if (this.panel) this.panel.reveal(undefined, true);
    else this.adopt(this.createPanel());
    return this.refreshNow();
  }

  /** The server re-validated a document: ask again if it is the one shown. */
  serverChanged(params: unknown): void {
    const uri = typeof params === "object" && params !== null ? (params as { uri?: unknown }).uri : undefined;
    if (typeof uri === "string" && this.target?.uri.toString() === uri) this.schedule(DEBOUNCE_MS.server);
  }

  /** Takes over a panel VS Code restored after a reload (see the serializer in extension.ts). */
  restore(panel: vscode.WebviewPanel): void {
    if (this.panel) {
      panel.dispose();
      return;
    }
    const editor =
      vscode.window.activeTextEditor ??
      vscode.window.visibleTextEditors.find((candidate) => candidate.document.languageId === LANGUAGE_ID);
    if (editor?.document.languageId === LANGUAGE_ID)
      this.target = { uri: editor.document.uri, position: editor.selection.active };
    this.adopt(panel);
    void this.refreshNow();
  }

  private createPanel(): vscode.WebviewPanel {
    // Kept alive when hidden: the audition keeps playing, and a decoded file stays, across tab switches.
    return vscode.window.createWebviewPanel(
      PREVIEW_VIEW_TYPE,
      "EQ preview",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { retainContextWhenHidden: true, ...webviewOptions(this.extensionUri) },
    );
  }

  private adopt(panel: vscode.WebviewPanel): void {
    const media = vscode.Uri.joinPath(this.extensionUri, "media");
    const dist = vscode.Uri.joinPath(this.extensionUri, "dist");
    const webview = panel.webview;
    webview.options = webviewOptions(this.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(media, "preview", "icon.svg");
    try {
      webview.html = previewHtml({
        cspSource: webview.cspSource,
        nonce: randomBytes(18).toString("base64"),
        scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, "preview.js")).toString(),
        styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, "preview", "preview.css")).toString(),
        loopUri: webview.asWebviewUri(vscode.Uri.joinPath(media, "loop.wav")).toString(),
      });
    } catch (error) {
      // No half-made panel left behind: the command reports the error.
      panel.dispose();
      throw error;
    }
    this.panel = panel;
    this.panelSubscriptions.push(
      webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => this.closed()),
    );
  }

  /**
   * A message from the page (or, in the end-to-end test, one given to the same path): checked,
   * then acted on. Resolves to the outcome of an edit, for the caller that wants to know.
   */
  async receive(raw: unknown): Promise<BandEditOutcome | undefined> {
    const message = parseFromPageMessage(raw);
    if (!message) {
      this.server.log("preview: ignored a message from the page that is not one it sends");
      return undefined;
    }
    return this.handle(message);
  }

  private async handle(message: FromPageMessage): Promise<BandEditOutcome | undefined> {
    const webview = this.panel?.webview;
    switch (message.type) {
      case "ready":
        // The page (re)loaded: give it the latest state straight away.
        if (this.lastMessage) void webview?.postMessage(this.lastMessage);
        if (this.lastCompare) void webview?.postMessage(this.lastCompare);
        return undefined;
      case "problem":
        this.server.log(`preview page: ${message.message}`);
        return undefined;
      case "pickCompare":
        this.compareTarget = (await this.compareSource.pick()) ?? this.compareTarget;
        await this.refreshCompare();
        return undefined;
      case "clearCompare":
        this.compareTarget = undefined;
        await this.refreshCompare();
        return undefined;
      case "pickMatch":
        await this.matchReference(await pickMatchFiles());
        return undefined;
      case "edit": {
        const shown = this.lastMessage?.type === "preview" ? this.lastMessage.data : undefined;
        if (!shown) return { applied: false, reason: "There is no preset in the preview to edit." };
        const outcome = await applyBandEdit(this.server, shown, message);
        if (!outcome.applied) {
          void vscode.window.showWarningMessage(`EQ preview: ${outcome.reason}`);
          // The page shows the dragged values: put the document's back.
          void this.refreshNow();
        }
        return outcome;
      }
    }
  }

  /**
   * "Match to a reference…" with these files (from the open dialog, or from the
   * `eqpreset.preview.matchReference` command), shown in the panel and as a notification.
   */
  async matchReference(files: MatchFiles | undefined): Promise<MatchOutcome> {
    const shown = this.lastMessage?.type === "preview" ? this.lastMessage.data : undefined;
    const outcome = await matchToReference(this.server, shown, files);
    void this.panel?.webview.postMessage({ type: "matched", ...outcome } satisfies ToPageMessage);
    if (outcome.ok) void vscode.window.showInformationMessage(`EQ preview: ${outcome.message}`);
    else if (files) void vscode.window.showWarningMessage(`EQ preview: ${outcome.message}`);
    return outcome;
  }

  private lastCompare: ToPageMessage | undefined;

  /** Draws the comparison for the preset shown now (or takes it away). */
  private async refreshCompare(): Promise<void> {
    const shown = this.lastMessage?.type === "preview" ? this.lastMessage.data : undefined;
    let message: ToPageMessage = { type: "compare", label: "", data: null };
    if (this.compareTarget && shown) {
      const comparison = await this.compareSource.resolve(this.compareTarget, shown);
      message = { type: "compare", ...comparison };
    }
    this.compareLabel = this.compareTarget && message.type === "compare" ? message.label : undefined;
    if (this.snapshot) {
      const { compare: _dropped, ...rest } = this.snapshot;
      this.snapshot = this.compareLabel !== undefined ? { ...rest, compare: this.compareLabel } : rest;
    }
    this.lastCompare = message;
    await this.panel?.webview.postMessage(message);
  }

  private closed(): void {
    this.panel = undefined;
    for (const subscription of this.panelSubscriptions) subscription.dispose();
    this.panelSubscriptions = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastMessage = undefined;
    this.lastCompare = undefined;
    this.compareTarget = undefined;
    this.sequence++;
  }

  private follow(uri: vscode.Uri, position: vscode.Position, delayMs: number): void {
    if (!this.panel) return;
    this.target = { uri, position };
    this.schedule(delayMs);
  }

  private schedule(delayMs: number): void {
    if (!this.panel) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refreshNow();
    }, delayMs);
  }

  /** Refreshes now; resolves to what the panel shows once no newer refresh has overtaken this one. */
  private async refreshNow(): Promise<PreviewSnapshot | undefined> {
    let latest = this.refresh();
    this.refreshing = latest;
    let shown = await latest;
    while (shown === undefined && this.panel && this.refreshing !== latest && this.refreshing !== undefined) {
      latest = this.refreshing;
      shown = await latest;
    }
    return shown ?? this.current;
  }

  /** Asks the server and posts the answer; undefined when a newer request overtook this one. */
  private async refresh(): Promise<PreviewSnapshot | undefined> {
    const sequence = ++this.sequence;
    const target = this.target;
    if (!target)
      return this.show(sequence, undefined, {
        type: "status",
        kind: "empty",
        message: "Open an .eqp file and put the cursor in a preset.",
      });
    const params: PreviewParams = {
      uri: target.uri.toString(),
      position: { line: target.position.line, character: target.position.character },
    };
    let answer: unknown;
    try {
      answer = await this.server.preview(params);
    } catch (error) {
      return this.show(sequence, target, { type: "status", kind: "error", message: requestFailure(error) });
    }
    if (answer === null || answer === undefined) {
      const where = `line ${target.position.line + 1} of ${fileName(target.uri)}`;
      return this.show(sequence, target, {
        type: "status",
        kind: "empty",
        message: `No preset at ${where}: put the cursor inside a preset.`,
      });
    }
    const data = checkPreviewData(answer);
    if (!data.ok) {
      this.server.log(`preview: the server's answer was not usable: ${data.error}`);
      return this.show(sequence, target, {
        type: "status",
        kind: "error",
        message: `The language server's preview could not be read (${data.error}).`,
      });
    }
    return this.show(sequence, target, { type: "preview", data: data.value });
  }

  /** Posts a result to the page, unless a newer request has started since (then its result wins). */
  private show(
    sequence: number,
    target: PreviewTarget | undefined,
    message: ToPageMessage,
  ): PreviewSnapshot | undefined {
    if (sequence !== this.sequence || !this.panel) return undefined;
    this.lastMessage = message;
    this.snapshot = this.snapshotOf(target, message);
    const name = message.type === "preview" ? (message.data.presetName ?? "unnamed preset") : undefined;
    this.panel.title = name ? `EQ preview: ${name}` : "EQ preview";
    void this.panel.webview.postMessage(message);
    // The comparison follows the preset shown (at HEAD: the one of the same name).
    if (this.compareTarget && message.type === "preview") void this.refreshCompare();
    return this.snapshot;
  }

  private snapshotOf(target: PreviewTarget | undefined, message: ToPageMessage): PreviewSnapshot {
    if (message.type === "preview")
      return {
        uri: message.data.uri,
        presetName: message.data.presetName,
        state: "preview",
        message: message.data.message ?? "",
        ...(message.data.version !== undefined ? { version: message.data.version } : {}),
        ...(this.compareLabel !== undefined ? { compare: this.compareLabel } : {}),
      };
    if (message.type !== "status")
      return this.snapshot ?? { uri: undefined, presetName: undefined, state: "empty", message: "" };
    return {
      uri: target?.uri.toString(),
      presetName: undefined,
      state: message.kind === "error" ? "error" : "empty",
      message: message.message,
    };
  }

  /** The latest thing the panel shows (undefined while it is closed). */
  get current(): PreviewSnapshot | undefined {
    return this.panel ? this.snapshot : undefined;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
