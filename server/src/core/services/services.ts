/**
 * The services every front end shares (as Langium's services object): the model in use, its
 * vocabulary, morph resolution, and the meaning and diagnostics of a document. The language server
 * and every `eqp` command go through one of these, so the same text and the same model give the
 * same diagnostics and the same bands everywhere.
 */
import type { EqBand } from "../eq/index.js";
import { parsePresetDocument, type MorphStatement, type PresetDocument } from "../language/index.js";
import type { Vocabulary } from "../model/index.js";
import { effectiveBands, morphTerms, resolvePresets, type ResolvedPreset } from "../presets/index.js";
import { validateDocument, type EqDiagnostic, type ValidationContext } from "../validation/index.js";
import { ModelHost } from "./modelHost.js";

/** A document's meaning, computed once per text: the tree, its presets and the diagnostics. */
export interface DocumentMeaning {
  text: string;
  ast: PresetDocument;
  presets: ResolvedPreset[];
}

/** Parses and resolves a document's text; needs no model. */
export function readDocument(text: string): DocumentMeaning {
  const ast = parsePresetDocument(text);
  return { text, ast, presets: resolvePresets(ast) };
}

export interface MorphTermValue {
  word: string;
  weight: number;
}

export class EqServices {
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

  /** The five generated bands of a morph, or undefined (unknown word, unusable weight, no network). */
  resolveMorph(morph: MorphStatement): EqBand[] | undefined {
    const terms = morphTerms(morph);
    return terms ? this.model.generate(terms) : undefined;
  }

  /** The generated bands of terms, or undefined (unknown word, no network). */
  resolveTerms(terms: readonly MorphTermValue[]): EqBand[] | undefined {
    return this.model.generate([...terms]);
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
    return { vocabulary: this.model.vocabulary, generatedBands: (morph) => this.resolveMorph(morph) };
  }

  /** Every diagnostic of a document: the one function behind the editor's Problems and `eqp check`. */
  check(meaning: DocumentMeaning): EqDiagnostic[] {
    this.prefetchMorphs(meaning.presets);
    return validateDocument(meaning.ast, this.validationContext(), meaning.presets);
  }

  dispose(): void {
    this.model.dispose();
  }
}
