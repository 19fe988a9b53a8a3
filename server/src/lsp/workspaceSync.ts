/**
 * Keeps the core's workspace index in step with the editor: every `.eqp` file of every workspace
 * folder is read in the background (walk.ts, in slices of SLICE_MS between turns of the event loop,
 * so no request waits long for the index), open documents replace their files while open, and changes on disk arrive
 * through `workspace/didChangeWatchedFiles`. When the tags of the workspace change, the team words
 * are rebuilt and every open document is checked again.
 */
import { FileChangeType, type FileEvent } from "vscode-languageserver/node.js";
import * as path from "node:path";
import {
  LOCK_FILE_NAME,
  pathOfUri,
  tagSignature,
  walkPresetFiles,
  type DocumentMeaning,
  type EqServices,
} from "../core/index.js";

/** Milliseconds of walking and reading per turn of the event loop while indexing: a hover waits no longer. */
const SLICE_MS = 10;

export class WorkspaceSync {
  private signatures = new Map<string, string>();
  private lockRoot: string | undefined;
  private warn: (message: string) => void = () => undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private indexing: Promise<number> | undefined;
  /** The presets of each file as last seen: a preset object the edit left alone is the same object. */
  private presetsSeen = new Map<string, readonly unknown[]>();
  /**
   * Called when a file's presets changed (an edit, a change on disk): the documents that `use`
   * presets are checked again, since what they use may be among them.
   */
  onPresetsChanged: (file: string) => void = () => undefined;

  constructor(
    private readonly services: EqServices,
    /** Called after the team words were rebuilt. */
    private readonly teamWordsChanged: () => void,
    /** Milliseconds to gather tag edits before rebuilding. */
    private readonly delay = 30,
  ) {}

  /**
   * Indexes the folders in the background; resolves with the number of files when done (the team
   * words rebuilt from them). `lockRoot` (the project's root, projectFile.ts) holds the lockfile;
   * by default the first folder.
   */
  index(folderUris: readonly string[], warn: (message: string) => void, lockRoot?: string): Promise<number> {
    const roots = folderUris.map(pathOfUri).filter((root): root is string => root !== undefined);
    this.lockRoot = lockRoot ?? roots[0];
    this.warn = warn;
    this.reloadLock();
    this.indexing = (async () => {
      let read = 0;
      let sliceStart = performance.now();
      for (const root of roots) {
        for (const file of walkPresetFiles(root, warn)) {
          if (file !== undefined) {
            const problem = this.services.workspace.readFile(file);
            if (problem) warn(problem);
            else read++;
          }
          if (performance.now() - sliceStart < SLICE_MS) continue;
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
      }
      for (const { file, meaning } of this.services.workspace.documents())
        this.signatures.set(file, tagSignature(meaning));
      this.rebuild();
      return read;
    })();
    return this.indexing;
  }

  /** Resolves when the first index of the workspace is complete (at once before it started). */
  async indexed(): Promise<void> {
    await this.indexing;
  }

  /** An open document's current text (on open and on every change). */
  changed(uri: string, meaning: DocumentMeaning): void {
    const file = pathOfUri(uri);
    if (!file) return;
    this.services.workspace.openDocument(file, meaning);
    this.noteSignature(file, tagSignature(meaning));
    this.notePresets(file, meaning);
  }

  /** Tells the users of presets when the presets of `file` are other objects than last time. */
  private notePresets(file: string, meaning: DocumentMeaning | undefined): void {
    const presets = meaning?.presets ?? [];
    const before = this.presetsSeen.get(file);
    this.presetsSeen.set(file, presets);
    if (before === undefined && !meaning) return;
    if (before && before.length === presets.length && before.every((preset, index) => preset === presets[index]))
      return;
    this.onPresetsChanged(file);
  }

  closed(uri: string): void {
    const file = pathOfUri(uri);
    if (!file) return;
    this.services.workspace.closeDocument(file);
    // The file on disk takes over again (it may differ from the closed text, or be gone).
    this.services.workspace.readFile(file);
    const meaning = this.services.workspace.meaningOf(file);
    this.noteSignature(file, meaning ? tagSignature(meaning) : "");
  }

  /** Changes on disk, from the client's file watcher. Open documents keep their editor text. */
  filesChanged(changes: readonly FileEvent[], isOpen: (uri: string) => boolean): void {
    for (const change of changes) {
      const file = pathOfUri(change.uri);
      if (file && this.lockRoot && file === path.join(this.lockRoot, LOCK_FILE_NAME)) {
        this.reloadLock();
        this.teamWordsChanged();
        continue;
      }
      if (!file || !file.endsWith(".eqp") || isOpen(change.uri)) continue;
      if (change.type === FileChangeType.Deleted) this.services.workspace.removeFile(file);
      else {
        const problem = this.services.workspace.readFile(file);
        if (problem) this.warn(problem);
      }
      const meaning = this.services.workspace.meaningOf(file);
      this.noteSignature(file, meaning ? tagSignature(meaning) : "");
      this.notePresets(file, meaning);
    }
  }

  /** The project root changed (its project file was edited): the lock is read from there now. */
  moveLock(root: string): void {
    if (root === this.lockRoot) return;
    this.lockRoot = root;
    this.reloadLock();
  }

  private reloadLock(): void {
    this.services.useLockIn(this.lockRoot);
    if (this.services.lockProblem) this.warn(`${this.services.lockProblem}: presets are not checked against it`);
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
  }

  private noteSignature(file: string, signature: string): void {
    if ((this.signatures.get(file) ?? "") === signature) return;
    this.signatures.set(file, signature);
    // While the first index is being built, its end rebuilds anyway.
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      (this.indexing ?? Promise.resolve())
        .then(() => this.rebuild())
        .catch((error: unknown) => this.warn(`team words could not be rebuilt: ${String(error)}`));
    }, this.delay);
  }

  private rebuild(): void {
    const started = performance.now();
    this.services.refreshTeamWords();
    if (process.env.EQP_TRACE_TEAM)
      process.stderr.write(`team words rebuilt in ${(performance.now() - started).toFixed(0)} ms\n`);
    this.teamWordsChanged();
  }
}
