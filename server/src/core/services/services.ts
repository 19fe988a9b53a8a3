/**
 * The services every front end shares (as Langium's services object): the model in use, its
 * vocabulary, morph resolution, and the meaning and diagnostics of a document. The language server
 * and every `eqp` command go through one of these, so the same text and the same model give the
 * same diagnostics and the same bands everywhere.
 */
import type { EqBand } from "../eq/index.js";
import type { MorphStatement, MorphTermValue } from "../language/index.js";
import type { Vocabulary } from "../model/index.js";
import {
  effectiveBands,
  morphTerms,
  isTooLarge,
  readDocument,
  type DocumentMeaning,
  type ResolvedPreset,
} from "../presets/index.js";
import {
  capDiagnostics,
  DiagnosticCode,
  bandsAreFinite,
  PresetDiagnosticsCache,
  sortDiagnostics,
  type EqDiagnostic,
  type ValidationContext,
} from "../validation/index.js";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { LOCK_FILE_NAME, lockDiagnostics, lockEntries, parseLockfile, type Lockfile } from "../lockfile/index.js";
import { ModelHost } from "./modelHost.js";
import { DEFAULT_LOCK_TOLERANCE_DB } from "./projectFile.js";
import { teamDiagnostics } from "./teamDiagnostics.js";
import { collectTeamWords } from "./teamWords.js";
import { MAX_PRESET_FILE_BYTES, MAX_SIDE_FILE_BYTES, megabytes, readRegularFile } from "./walk.js";
import { WorkspaceIndex } from "./workspace.js";

export class EqServices {
  /** Diagnostics of presets already checked: after an edit, only the presets it touched are checked again. */
  private readonly presetDiagnostics = new PresetDiagnosticsCache();

  constructor(readonly model: ModelHost = new ModelHost()) {}

  /** Services with the model of `dir` (empty: the bundled one), its network loaded: for the CLI. */
  static async withModel(dir: string | undefined): Promise<EqServices> {
    const services = new EqServices();
    services.model.load(dir);
    await services.model.loadNetwork();
    return services;
  }

  get vocabulary(): Vocabulary {
    return this.model.vocabulary;
  }

  /** Parses and resolves a document's text. */
  read(text: string): DocumentMeaning {
    return readDocument(text);
  }

  /**
   * The five generated bands of a morph, or undefined (unknown word, unusable weight, no network,
   * or a decoder that gave a non-finite value: validation reports that one, nothing else may see it).
   */
  resolveMorph(morph: MorphStatement): EqBand[] | undefined {
    return usableBands(this.decodeMorph(morph));
  }

  /** The generated bands of terms, or undefined (unknown word, no network, non-finite values). */
  resolveTerms(terms: readonly MorphTermValue[]): EqBand[] | undefined {
    return usableBands(this.model.generate([...terms]));
  }

  /** What the decoder gives for a morph, unchecked: for validation, which reports bands that are not finite. */
  private decodeMorph(morph: MorphStatement): EqBand[] | undefined {
    const terms = morphTerms(morph);
    return terms ? this.model.generate(terms) : undefined;
  }

  /** A preset's EQ as it sounds: generated bands with the explicit ones replacing their slots. */
  bandsOf(preset: ResolvedPreset): EqBand[] {
    return effectiveBands(preset, preset.morph ? this.resolveMorph(preset.morph) : undefined);
  }

  /** Decodes every morph of a document in one batch, so later look-ups hit the model's cache. */
  prefetchMorphs(presets: readonly ResolvedPreset[]): void {
    const morphs = presets
      .flatMap((preset) => (preset.morph ? [morphTerms(preset.morph)] : []))
      .filter((terms) => terms !== undefined);
    if (morphs.length > 0) this.model.generateMany(morphs);
  }

  validationContext(): ValidationContext {
    return { vocabulary: this.model.vocabulary, generatedBands: (morph) => this.decodeMorph(morph) };
  }

  /** The workspace's preset files: their tags are the team's words. */
  readonly workspace = new WorkspaceIndex();

  /** The workspace folder holding `eqpreset.lock`, and the lock read from it (none: nothing is locked). */
  private lockRoot: string | undefined;
  private lock: Lockfile | undefined;
  /** Why the lockfile could not be used, for the front end to show. */
  lockProblem: string | undefined;
  /** Lock changes below this (dB) are notes, not errors: the project file's `lock.toleranceDb`. */
  lockToleranceDb = DEFAULT_LOCK_TOLERANCE_DB;

  /** Reads `root/eqpreset.lock` (again); a missing file means no lock, a broken one is a `lockProblem`. */
  useLockIn(root: string | undefined): void {
    this.lockRoot = root === undefined ? undefined : path.resolve(root);
    this.lock = undefined;
    this.lockProblem = undefined;
    if (!this.lockRoot) return;
    const file = path.join(this.lockRoot, LOCK_FILE_NAME);
    if (!existsSync(file)) return;
    const read = readRegularFile(file, MAX_SIDE_FILE_BYTES);
    if ("problem" in read) {
      this.lockProblem = `${file} ${read.problem}`;
      return;
    }
    try {
      this.lock = parseLockfile(read.text, file);
    } catch (error) {
      this.lockProblem = (error as Error).message;
    }
  }

  /** The folder whose `eqpreset.lock` is in use (or would be written), if any. */
  get lockFolder(): string | undefined {
    return this.lockRoot;
  }

  get lockfile(): { root: string; lock: Lockfile } | undefined {
    return this.lockRoot && this.lock ? { root: this.lockRoot, lock: this.lock } : undefined;
  }

  /** A file's key in the lock: its path relative to the lock's folder, with `/`; undefined outside it. */
  lockKey(file: string): string | undefined {
    if (!this.lockRoot) return undefined;
    const relative = path.relative(this.lockRoot, path.resolve(file));
    return relative.startsWith("..") || path.isAbsolute(relative) ? undefined : relative.split(path.sep).join("/");
  }

  /** The model as a lock records it: its creation stamp (or folder) and its weights' hash. */
  modelIdentity(): Lockfile["model"] {
    const info = this.model.current.metadata.model as { createdAt?: unknown; weightsSha256?: unknown } | undefined;
    const id = typeof info?.createdAt === "string" ? info.createdAt : path.basename(this.model.current.dir);
    return typeof info?.weightsSha256 === "string" ? { id, weightsSha256: info.weightsSha256 } : { id };
  }

  /** A lock of every morph of the workspace's files, as they resolve now. */
  buildLock(): Lockfile {
    const presets: Lockfile["presets"] = {};
    for (const { file, meaning } of this.workspace.documents()) {
      const key = this.lockKey(file);
      if (key === undefined) continue;
      this.prefetchMorphs(meaning.presets);
      const entries = lockEntries(meaning.presets, (preset) =>
        preset.morph ? this.resolveMorph(preset.morph) : undefined,
      );
      if (Object.keys(entries).length > 0) presets[key] = entries;
    }
    return { format: "eqpreset-lock", version: 1, model: this.modelIdentity(), presets };
  }

  /** Rebuilds the team words from the workspace's tagged presets (call after the index changed). */
  refreshTeamWords(): void {
    const bundled = this.model.bundledVocabulary;
    const isBundled = (word: string) => bundled.lookup(word) !== undefined;
    this.model.setTeamWords(
      collectTeamWords({
        documents: this.workspace.documents(),
        isBundled,
        resolveBundled: (terms) => usableBands(this.model.generate(terms)),
      }),
    );
  }

  /**
   * Every diagnostic of a document: the one function behind the editor's Problems and `eqp check`.
   * `file` (an absolute path) places the document in the workspace, for the checks of its tags.
   */
  check(meaning: DocumentMeaning, file?: string): EqDiagnostic[] {
    if (isTooLarge(meaning.text)) return [tooLargeDiagnostic(meaning.text)];
    const own = this.checkDocument(meaning);
    const team = file ? [...teamDiagnostics(this.model, file), ...this.lockChecks(meaning, file)] : [];
    return capDiagnostics(team.length > 0 ? sortDiagnostics([...own, ...team]) : own);
  }

  private lockChecks(meaning: DocumentMeaning, file: string): EqDiagnostic[] {
    const key = this.lockKey(file);
    if (!this.lock || key === undefined) return [];
    return lockDiagnostics(
      this.lock,
      key,
      meaning.presets,
      (preset) => (preset.morph ? this.resolveMorph(preset.morph) : undefined),
      { model: this.modelIdentity(), toleranceDb: this.lockToleranceDb },
    );
  }

  private checkDocument(meaning: DocumentMeaning): EqDiagnostic[] {
    // What the checks read from the model: its state (replaced when the folder or the network
    // changes) and the vocabulary (replaced when the team's words change).
    return this.presetDiagnostics.validate(
      meaning.text,
      meaning.ast,
      meaning.presets,
      this.validationContext(),
      [this.model.current, this.model.vocabulary],
      (presets) => this.prefetchMorphs(presets),
      meaning.lineStarts,
    );
  }

  dispose(): void {
    this.model.dispose();
  }
}

function usableBands(bands: EqBand[] | undefined): EqBand[] | undefined {
  return bands && bandsAreFinite(bands) ? bands : undefined;
}

/** The one diagnostic of a document too large to analyse. */
export function tooLargeDiagnostic(text: string): EqDiagnostic {
  return fileNotReadDiagnostic(
    `this document is ${megabytes(text.length)} MB, over the ${megabytes(MAX_PRESET_FILE_BYTES)} MB limit: not analysed`,
  );
}

/** The one diagnostic of a file that was not read or not analysed, saying why. */
export function fileNotReadDiagnostic(message: string): EqDiagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: "error",
    code: DiagnosticCode.FileNotRead,
    message,
  };
}
