/**
 * The model as the language service sees it. The vocabulary (from `metadata.json`) is read at once,
 * so diagnostics never wait; the network (tfjs, slow to import) loads in the background and then
 * adds generated bands. Loading never throws: a broken model folder falls back to the bundled one
 * and says why.
 */
import type { EqBand } from "../eq/index.js";
import type { MorphTermValue } from "../language/index.js";
import {
  bandsOf,
  bundledModelDir,
  describeBands,
  flatParametersOf,
  parameterValuesOf,
  readModelMetadata,
  shownPath,
  Vocabulary,
  type ModelMetadata,
  type SemanticModel,
  isTeamOrigin,
} from "../model/index.js";
import { teamWordInfos, withCentroids, type TeamWord } from "./teamWords.js";

export interface ModelState {
  dir: string;
  metadata: ModelMetadata;
  vocabulary: Vocabulary;
  /** The network, once loaded. */
  semantic?: SemanticModel;
  /** Why the requested model (or its network) is not the one in use, if it is not. */
  warning?: string;
  /** Set when no network could be loaded at all: morphs will not give bands until a reload. */
  networkFailed?: boolean;
}

export class ModelHost {
  private state: ModelState;
  private requested: string | undefined;
  private generation = 0;
  /** Nearest words per concrete setting; the encoder and the fit take milliseconds, hovers repeat. */
  private readonly descriptions = new Map<string, MorphTermValue[]>();
  private static readonly DESCRIPTION_CACHE_LIMIT = 500;
  private team = new Map<string, TeamWord>();
  private ownWordsOf: { source: Vocabulary; own: Vocabulary | undefined } | undefined;
  private merged: Vocabulary | undefined;

  constructor(private readonly bundledDir: string = bundledModelDir()) {
    this.state = this.readVocabulary(undefined);
  }

  get current(): ModelState {
    return this.state;
  }

  /** The words a morph may use: the model's, with the team's layered over them. */
  get vocabulary(): Vocabulary {
    return this.merged ?? this.state.vocabulary;
  }

  /**
   * The model's own words, without the team's. A model fine-tuned on tagged presets also holds the
   * team words it was trained on; they are not counted here, because tags define team words: such
   * a word is known where its tags are (and decodes as trained), and unknown where they are gone.
   */
  get bundledVocabulary(): Vocabulary {
    return this.ownWords ?? this.state.vocabulary;
  }

  /** The model's words less those it learnt from tags (undefined: it learnt none). */
  private get ownWords(): Vocabulary | undefined {
    // Read on every check of a tagged file: filtered once per vocabulary, not per call.
    const source = this.state.vocabulary;
    if (this.ownWordsOf?.source !== source) {
      const words = source.words();
      const own = words.filter((info) => !isTeamOrigin(info));
      this.ownWordsOf = { source, own: own.length === words.length ? undefined : new Vocabulary(own) };
    }
    return this.ownWordsOf.own;
  }

  /** A team word by name (also one that shadows a bundled word and is therefore not used). */
  teamWord(word: string): TeamWord | undefined {
    return this.team.get(word.trim().toLowerCase());
  }

  get teamWords(): ReadonlyMap<string, TeamWord> {
    return this.team;
  }

  /**
   * Layers the team's words over the model's. Morphs of bundled words only are unaffected; a team
   * word gets its centroid now, or when the network arrives.
   */
  setTeamWords(words: Map<string, TeamWord>): void {
    this.team = words;
    this.descriptions.clear();
    const bundled = this.bundledVocabulary;
    const infos = teamWordInfos(words, (word) => bundled.lookup(word) !== undefined);
    this.merged =
      infos.length > 0 || bundled !== this.state.vocabulary
        ? new Vocabulary([...bundled.words(), ...infos])
        : undefined;
    if (this.state.semantic) {
      withCentroids(words, this.state.semantic, flatParametersOf(this.state.metadata));
      this.state.semantic.useExtraWords((word) => this.team.get(word)?.centroid);
    }
  }

  get semantic(): SemanticModel | undefined {
    return this.state.semantic;
  }

  /** True until the network of the current folder has loaded or failed to load. */
  get networkLoading(): boolean {
    return !this.state.semantic && !this.state.networkFailed;
  }

  /** Switches to the model in `dir` (empty: the bundled one): vocabulary now, network with loadNetwork(). */
  load(dir: string | undefined): ModelState {
    this.generation++;
    this.state.semantic?.dispose();
    this.descriptions.clear();
    this.requested = dir && dir.trim() ? dir : undefined;
    this.state = this.readVocabulary(this.requested);
    return this.state;
  }

  /** Uses a network the caller loaded (the CLI, which reports a broken folder as an error, not a fallback). */
  adopt(dir: string, model: SemanticModel, metadata: ModelMetadata): ModelState {
    this.generation++;
    this.state.semantic?.dispose();
    this.descriptions.clear();
    this.requested = dir;
    this.state = { dir, metadata, vocabulary: model.vocabulary, semantic: model };
    this.setTeamWords(this.team);
    return this.state;
  }

  /** Frees the network; the host keeps its vocabulary. */
  dispose(): void {
    this.generation++;
    this.state.semantic?.dispose();
    this.state = { ...this.state, semantic: undefined };
  }

  /** Loads the network of the current folder, off the request path. Resolves false if superseded. */
  async loadNetwork(): Promise<boolean> {
    const generation = this.generation;
    const dir = this.state.dir;
    try {
      const [{ initBackend }, { loadSemanticModel }] = await Promise.all([
        import("../network/backend.js"),
        import("../network/modelFolder.js"),
      ]);
      await initBackend();
      const { model } = loadSemanticModel(dir);
      if (generation !== this.generation) {
        model.dispose();
        return false;
      }
      this.state = { ...this.state, semantic: model, vocabulary: model.vocabulary };
      this.setTeamWords(this.team);
      return true;
    } catch (error) {
      if (generation !== this.generation) return false;
      const reason = (error as Error).message;
      if (dir !== this.bundledDir) {
        this.state = {
          ...this.readVocabulary(undefined),
          warning: `Model at ${shownPath(dir)} not used: ${reason}. Using the bundled model.`,
        };
        return this.loadNetwork();
      }
      this.state = {
        ...this.state,
        networkFailed: true,
        warning: `The model's network could not be loaded (${reason}): words are checked, but no bands are generated.`,
      };
      return true;
    }
  }

  /** The five generated bands of a morph, or undefined without a network or for unknown words. */
  generate(terms: MorphTermValue[]): EqBand[] | undefined {
    return this.generateMany([terms])[0];
  }

  /** Batches every morph of a document into one decode; team words mix as the model's own. */
  generateMany(morphs: MorphTermValue[][]): (EqBand[] | undefined)[] {
    const semantic = this.state.semantic;
    if (!semantic) return morphs.map(() => undefined);
    return semantic.generateKnown(morphs).map((values) => values && bandsOf(values));
  }

  /**
   * The words nearest to concrete bands ("0.7 warm, 0.2 bright"), through the model's encoder, as
   * `eqp describe` names them; undefined without a network. Slots the bands leave empty take the
   * model folder's flat setting.
   */
  describe(bands: readonly EqBand[], maxWords?: number): MorphTermValue[] | undefined {
    const semantic = this.state.semantic;
    if (!semantic) return undefined;
    const flat = flatParametersOf(this.state.metadata);
    const key = `${maxWords ?? ""}|${parameterValuesOf(bands, flat).join(",")}`;
    let terms = this.descriptions.get(key);
    if (!terms) {
      terms = describeBands(semantic, bands, maxWords === undefined ? { flat } : { flat, maxWords });
      if (this.descriptions.size >= ModelHost.DESCRIPTION_CACHE_LIMIT) this.descriptions.clear();
      this.descriptions.set(key, terms);
    }
    return terms;
  }

  private readVocabulary(dir: string | undefined): ModelState {
    if (dir) {
      try {
        const metadata = readModelMetadata(dir);
        return { dir, metadata, vocabulary: new Vocabulary(metadata.vocabulary) };
      } catch (error) {
        const fallback = this.readVocabulary(undefined);
        return {
          ...fallback,
          warning: `Model at ${shownPath(dir)} not used: ${(error as Error).message}. Using the bundled model.`,
        };
      }
    }
    try {
      const metadata = readModelMetadata(this.bundledDir);
      return { dir: this.bundledDir, metadata, vocabulary: new Vocabulary(metadata.vocabulary) };
    } catch (error) {
      const metadata: ModelMetadata = { format: "eqpreset-model", formatVersion: 1, vocabulary: [] };
      return {
        dir: this.bundledDir,
        metadata,
        vocabulary: new Vocabulary([]),
        warning: `The bundled model cannot be read: ${(error as Error).message}`,
      };
    }
  }
}
