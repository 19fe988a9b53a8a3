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
  UseResolver,
  type DocumentMeaning,
  type FlatChain,
  type PresetHome,
  type ResolvedPreset,
} from "../presets/index.js";
import {
  capDiagnostics,
  DiagnosticCode,
  bandsAreFinite,
  PresetDiagnosticsCache,
  presetDiagnostics,
  sortDiagnostics,
  useDiagnostics,
  type EqDiagnostic,
  type ValidationContext,
} from "../validation/index.js";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  LOCK_FILE_NAME,
  lockChangeCause,
  lockDiagnostics,
  lockedMorphChange,
  lockEntries,
  parseLockfile,
  usesEntries,
  usesLockDiagnostics,
  type LockCauseHints,
  type LockedMorphChange,
  type Lockfile,
} from "../lockfile/index.js";
import { ModelHost } from "./modelHost.js";
import { DEFAULT_LOCK_TOLERANCE_DB } from "./projectFile.js";
import { teamDiagnostics } from "./teamDiagnostics.js";
import { collectTeamWords } from "./teamWords.js";
import { MAX_PRESET_FILE_BYTES, MAX_SIDE_FILE_BYTES, megabytes, readRegularFile } from "./walk.js";
import { PresetLibrary } from "./library.js";
import { WorkspaceUseLookup } from "./useLookup.js";
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

  /**
   * A preset's EQ as it sounds: the chains of the presets it uses, then its generated bands with
   * the explicit ones replacing their slots.
   */
  bandsOf(preset: ResolvedPreset): EqBand[] {
    return this.chainOf(preset).bands;
  }

  /**
   * A preset's whole chain, flattened: its bands and its output gain (the used presets' gains
   * added). `meaning`: the document the preset was read from, when the workspace may not know it
   * (a version of a file from git).
   */
  chainOf(preset: ResolvedPreset, meaning?: DocumentMeaning, resolver?: UseResolver): FlatChain {
    if (preset.uses.length === 0)
      return {
        bands: effectiveBands(preset, preset.morph ? this.resolveMorph(preset.morph) : undefined),
        outputGainDb: preset.outputGainDb,
      };
    return (resolver ?? this.useResolver()).chain(this.homeOf(preset, meaning));
  }

  /**
   * What a preset's `use` lines bring in: the used presets' chains in order, their gains added;
   * undefined when a use finds nothing or closes a cycle.
   */
  usedChainOf(preset: ResolvedPreset, meaning?: DocumentMeaning, resolver = this.useResolver()): FlatChain | undefined {
    const home = this.homeOf(preset, meaning);
    const bands: EqBand[] = [];
    let outputGainDb = 0;
    for (const use of preset.uses) {
      const found = resolver.target(use, home);
      if (!("home" in found) || resolver.problemAt(use, home)) return undefined;
      const chain = resolver.chain(found.home);
      for (const band of chain.bands) bands.push(band);
      outputGainDb += chain.outputGainDb;
    }
    return { bands, outputGainDb };
  }

  /** The shipped library of presets (`use "telephone"`). */
  readonly library = new PresetLibrary();

  /** Finds used presets and flattens chains: one per check or request (it memoises per preset object). */
  useResolver(): UseResolver {
    return new UseResolver(new WorkspaceUseLookup(this.workspace, this.library), (preset) =>
      preset.morph ? this.resolveMorph(preset.morph) : undefined,
    );
  }

  /** Remembers the file a document was read from (its presets' `use` lines are resolved from there). */
  place(meaning: DocumentMeaning, file: string): void {
    this.workspace.place(meaning, path.resolve(file));
  }

  /**
   * Services over the same model whose workspace holds `texts` (absolute path → text, undefined: the
   * file did not exist) over this workspace's files: another version of the workspace, for a diff.
   */
  withFiles(texts: ReadonlyMap<string, string | undefined>): EqServices {
    const other = new EqServices(this.model);
    for (const { file, meaning } of this.workspace.documents())
      if (!texts.has(file)) other.workspace.setFile(file, meaning.text);
    for (const [file, text] of texts) if (text !== undefined) other.workspace.setFile(file, text);
    return other;
  }

  /**
   * Where a preset lives (its document and file), as far as the workspace index or a check has
   * seen it; else in `meaning` (a document of no file), else alone.
   */
  homeOf(preset: ResolvedPreset, meaning?: DocumentMeaning): PresetHome {
    return (
      this.workspace.homeOf(preset) ?? {
        preset,
        meaning: meaning ?? { text: "", ast: readDocument("").ast, presets: [preset] },
        file: undefined,
        library: false,
      }
    );
  }

  /** Decodes every morph of a document in one batch, so later look-ups hit the model's cache. */
  prefetchMorphs(presets: readonly ResolvedPreset[]): void {
    const morphs = presets
      .flatMap((preset) => (preset.morph ? [morphTerms(preset.morph)] : []))
      .filter((terms) => terms !== undefined);
    if (morphs.length > 0) this.model.generateMany(morphs);
  }

  validationContext(): ValidationContext {
    return {
      vocabulary: this.model.vocabulary,
      generatedBands: (morph) => this.decodeMorph(morph),
      libraryName: (word) => this.library.forWord(word)?.preset.name,
    };
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
    const uses: NonNullable<Lockfile["uses"]> = {};
    for (const { file, meaning } of this.workspace.documents()) {
      const key = this.lockKey(file);
      if (key === undefined) continue;
      this.prefetchMorphs(meaning.presets);
      const entries = lockEntries(meaning.presets, (preset) =>
        preset.morph ? this.resolveMorph(preset.morph) : undefined,
      );
      if (Object.keys(entries).length > 0) presets[key] = entries;
      const used = usesEntries(meaning.presets, (preset) => this.usedChainOf(preset));
      if (Object.keys(used).length > 0) uses[key] = used;
    }
    const lock: Lockfile = { format: "eqpreset-lock", version: 1, model: this.modelIdentity(), presets };
    if (Object.keys(uses).length > 0) lock.uses = uses;
    return lock;
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
        usedChain: (preset, meaning) => this.bundledUsedChain(preset, meaning, isBundled),
      }),
    );
  }

  /**
   * What a tagged preset's `use` lines bring in, its used morphs generated from bundled words only;
   * undefined when a use finds nothing, or a used morph has a team word or no bands yet.
   */
  private bundledUsedChain(
    preset: ResolvedPreset,
    meaning: DocumentMeaning,
    isBundled: (word: string) => boolean,
  ): EqBand[] | undefined {
    let unresolved = false;
    const resolver = new UseResolver(new WorkspaceUseLookup(this.workspace, this.library), (used) => {
      const terms = used.morph ? morphTerms(used.morph) : undefined;
      const bands = terms?.every((term) => isBundled(term.word)) ? usableBands(this.model.generate(terms)) : undefined;
      if (used.morph && !bands) unresolved = true;
      return bands;
    });
    const chain = this.usedChainOf(preset, meaning, resolver);
    return chain && !unresolved ? chain.bands : undefined;
  }

  /**
   * Every diagnostic of a document: the one function behind the editor's Problems and `eqp check`.
   * `file` (an absolute path) places the document in the workspace, for the checks of its tags.
   */
  check(meaning: DocumentMeaning, file?: string): EqDiagnostic[] {
    if (isTooLarge(meaning.text)) return [tooLargeDiagnostic(meaning.text)];
    const uses = this.useChecks(meaning, file);
    const own =
      uses.length > 0 ? sortDiagnostics([...this.checkDocument(meaning), ...uses]) : this.checkDocument(meaning);
    const team = file ? [...teamDiagnostics(this.model, file), ...this.lockChecks(meaning, file, own)] : [];
    return capDiagnostics(team.length > 0 ? sortDiagnostics([...own, ...team]) : own);
  }

  /** The diagnostics of the document's `use` lines (none to do, and nothing done, in a file without one). */
  private useChecks(meaning: DocumentMeaning, file: string | undefined): EqDiagnostic[] {
    if (!meaning.presets.some((preset) => preset.uses.length > 0)) return [];
    this.workspace.place(meaning, file === undefined ? undefined : path.resolve(file));
    const resolver = this.useResolver();
    const context = this.validationContext();
    const errorsOf = new Map<ResolvedPreset, readonly EqDiagnostic[]>();
    const usedErrors = (home: PresetHome): readonly EqDiagnostic[] => {
      const known = errorsOf.get(home.preset);
      if (known) return known;
      // Marked before the walk: a cycle of uses is reported as a cycle, never walked twice.
      errorsOf.set(home.preset, []);
      const errors = [...presetDiagnostics(home.preset, context), ...useDiagnostics(home, resolver, usedErrors)]
        .filter((diagnostic) => diagnostic.severity === "error")
        .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
      errorsOf.set(home.preset, errors);
      return errors;
    };
    return meaning.presets.flatMap((preset) =>
      preset.uses.length > 0 ? useDiagnostics(this.homeOf(preset), resolver, usedErrors) : [],
    );
  }

  /** The lock's checks; a morph with an unknown word already has its error, so the lock says nothing of it. */
  private lockChecks(meaning: DocumentMeaning, file: string, own: readonly EqDiagnostic[]): EqDiagnostic[] {
    const key = this.lockKey(file);
    if (!this.lock || key === undefined) return [];
    const unknownWordLines = new Set(
      own.filter((diagnostic) => diagnostic.code === DiagnosticCode.UnknownWord).map((d) => d.range.start.line),
    );
    const checked = meaning.presets.filter((preset) => {
      const morph = preset.morph?.range;
      if (!morph) return true;
      for (let line = morph.start.line; line <= morph.end.line; line++) if (unknownWordLines.has(line)) return false;
      return true;
    });
    const context = { model: this.modelIdentity(), toleranceDb: this.lockToleranceDb };
    const morphs = lockDiagnostics(
      this.lock,
      key,
      checked,
      (preset) => (preset.morph ? this.resolveMorph(preset.morph) : undefined),
      { ...context, causes: this.lockCauseHints() },
    );
    if (!meaning.presets.some((preset) => preset.uses.length > 0)) return morphs;
    const resolver = this.useResolver();
    const uses = usesLockDiagnostics(
      this.lock,
      key,
      meaning.presets,
      (preset) => this.usedChainOf(preset, meaning, resolver),
      context,
    );
    return [...morphs, ...uses];
  }

  /** The team words of a morph and the files (as the lock names them) that tag each: a cause the lock names. */
  lockCauseHints(): LockCauseHints {
    return {
      teamWords: (preset) =>
        (preset.morph?.terms ?? []).flatMap((term) => {
          const team = this.model.teamWord(term.word);
          // A team word that shadows a bundled one is not used: its tags cannot move the morph.
          if (!team || this.model.bundledVocabulary.lookup(team.word) !== undefined) return [];
          const files = [...new Set(team.examples.map((example) => this.lockName(example.file)))].sort();
          return [{ word: team.word, files }];
        }),
    };
  }

  /** A file as the lock's messages name it: relative to the lock's folder, else as given. */
  private lockName(file: string): string {
    const local = file.startsWith("file:") ? fileURLToPath(file) : file;
    return this.lockKey(local) ?? local;
  }

  /** How `preset` (in `file`) moved since the lock, with the cause; undefined when it did not (or is not locked). */
  lockedChange(preset: ResolvedPreset, file: string): (LockedMorphChange & { cause: string }) | undefined {
    const key = this.lockKey(file);
    if (!this.lock || key === undefined) return undefined;
    const moved = lockedMorphChange(this.lock, key, preset, (p) => (p.morph ? this.resolveMorph(p.morph) : undefined));
    if (!moved) return undefined;
    return { ...moved, cause: lockChangeCause(this.lock.model, this.modelIdentity(), preset, this.lockCauseHints()) };
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
