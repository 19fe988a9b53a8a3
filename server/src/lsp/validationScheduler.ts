/**
 * When documents are validated: debounced per document, published once per version and model
 * generation (TextDocuments reports an open as a change too), everything again after a reload.
 */
import type { Connection, TextDocuments } from "vscode-languageserver/node.js";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { EqLanguageService } from "./features/languageService.js";
import { PreviewChangedNotification } from "../protocol/index.js";
import { notificationType } from "./bindings.js";
import { settle, type Guard } from "./guard.js";
import type { WorkspaceSync } from "./workspaceSync.js";

export class ValidationScheduler {
  /** Per URI, the cancel of its scheduled validation. */
  private readonly pending = new Map<string, () => void>();
  /** What was last published per URI, as `version@modelGeneration`. */
  private readonly published = new Map<string, string>();
  /** Counts model reloads: a reload makes every document's diagnostics stale. */
  private modelGeneration = 0;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly service: EqLanguageService,
    private readonly workspaceSync: () => WorkspaceSync,
    private readonly guard: Guard,
  ) {}

  publish(document: TextDocument): void {
    this.pending.delete(document.uri);
    const stamp = `${document.version}@${this.modelGeneration}`;
    if (this.published.get(document.uri) === stamp) return;
    this.published.set(document.uri, stamp);
    this.guard("workspace index", undefined, () =>
      this.workspaceSync().changed(document.uri, this.service.store.get(document)),
    );
    const diagnostics = this.guard("validation", [], () => this.service.diagnostics(document));
    settle(
      this.connection,
      "publishing diagnostics",
      this.connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics }),
    );
    // Cheap: the preview panel asks again for the preset it shows, if any.
    settle(
      this.connection,
      "preview notification",
      this.connection.sendNotification(notificationType(PreviewChangedNotification), {
        uri: document.uri,
        version: document.version,
      }),
    );
  }

  schedule(document: TextDocument, delay: number): void {
    this.pending.get(document.uri)?.();
    const run = () => {
      const latest = this.documents.get(document.uri);
      if (latest) this.publish(latest);
    };
    // No delay: right after this turn of the event loop. A timer of 0 ms waits a whole
    // millisecond, a tenth of the budget of an edit in a large file.
    if (delay === 0) {
      const immediate = setImmediate(run);
      this.pending.set(document.uri, () => clearImmediate(immediate));
    } else {
      const timer = setTimeout(run, delay);
      this.pending.set(document.uri, () => clearTimeout(timer));
    }
  }

  /** Every open document again, at once: the model or the team words changed. */
  revalidateAll(): void {
    this.service.modelChanged();
    this.modelGeneration++;
    for (const document of this.documents.all()) this.schedule(document, 0);
  }

  /**
   * The open documents with `use` lines, but `except` (the document that changed), checked again
   * although their text did not change: a preset they use may have.
   */
  revalidateUsers(except: string | undefined): void {
    for (const document of this.documents.all()) {
      if (document.uri === except) continue;
      const parsed = this.service.store.get(document);
      if (!parsed.presets.some((preset) => preset.uses.length > 0)) continue;
      this.published.delete(document.uri);
      this.service.usedPresetsChanged(document.uri);
      this.schedule(document, 0);
    }
  }

  closed(uri: string): void {
    this.pending.get(uri)?.();
    this.pending.delete(uri);
    this.published.delete(uri);
  }
}
