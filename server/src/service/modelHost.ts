/**
 * The model as the language service sees it: the vocabulary from `metadata.json` (and, once the
 * network is trained, generated bands). Loading never throws: a broken model folder falls back
 * to the bundled one and says why.
 */
import { bundledModelDir, readModelMetadata, Vocabulary, type ModelMetadata } from "../core/index.js";

export interface ModelState {
  dir: string;
  metadata: ModelMetadata;
  vocabulary: Vocabulary;
  /** Why the requested model is not the one in use, if it is not. */
  warning?: string;
}

export class ModelHost {
  private state: ModelState;

  constructor(private readonly bundledDir: string = bundledModelDir()) {
    this.state = this.loadOrFallback(undefined);
  }

  get current(): ModelState {
    return this.state;
  }

  get vocabulary(): Vocabulary {
    return this.state.vocabulary;
  }

  /** Loads the model from `dir` (empty: the bundled one); on failure keeps the bundled one. */
  load(dir: string | undefined): ModelState {
    this.state = this.loadOrFallback(dir && dir.trim() ? dir : undefined);
    return this.state;
  }

  private loadOrFallback(dir: string | undefined): ModelState {
    if (dir) {
      try {
        const metadata = readModelMetadata(dir);
        return { dir, metadata, vocabulary: new Vocabulary(metadata.vocabulary) };
      } catch (error) {
        const fallback = this.loadBundled();
        return { ...fallback, warning: `Model at ${dir} not used: ${(error as Error).message}. Using the bundled model.` };
      }
    }
    return this.loadBundled();
  }

  private loadBundled(): ModelState {
    try {
      const metadata = readModelMetadata(this.bundledDir);
      return { dir: this.bundledDir, metadata, vocabulary: new Vocabulary(metadata.vocabulary) };
    } catch (error) {
      const metadata: ModelMetadata = { format: "eqpreset-model", formatVersion: 1, vocabulary: [] };
      return { dir: this.bundledDir, metadata, vocabulary: new Vocabulary([]), warning: `The bundled model cannot be read: ${(error as Error).message}` };
    }
  }
}
