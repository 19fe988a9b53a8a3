/**
 * The words as completion and hover show them: the vocabulary in use, each word with the summary
 * and confidence of the model folder's metadata.json. Once the network has loaded, the services'
 * vocabulary is the network's word list, which carries only word and example count (see
 * SemanticModel's constructor); the metadata read at load time still has the rest, so it is looked
 * up there. A model without them gives words without them: nothing breaks, less is shown.
 */
import { Vocabulary, type EqServices, type ModelMetadata, type WordInfo } from "../../core/index.js";

const described = new WeakMap<ModelMetadata, Vocabulary>();

function metadataVocabulary(metadata: ModelMetadata): Vocabulary {
  let vocabulary = described.get(metadata);
  if (!vocabulary) {
    vocabulary = new Vocabulary(Array.isArray(metadata.vocabulary) ? metadata.vocabulary : []);
    described.set(metadata, vocabulary);
  }
  return vocabulary;
}

export class WordCatalogue {
  constructor(private readonly services: EqServices) {}

  /** Every word in use, with its summary and confidence where the metadata has them. */
  words(): WordInfo[] {
    const extra = metadataVocabulary(this.services.model.current.metadata);
    return this.services.vocabulary.words().map((info) => enrich(info, extra));
  }

  lookup(word: string): WordInfo | undefined {
    const info = this.services.vocabulary.lookup(word);
    return info && enrich(info, metadataVocabulary(this.services.model.current.metadata));
  }
}

function enrich(info: WordInfo, extra: Vocabulary): WordInfo {
  if (info.summary !== undefined && info.confidence !== undefined) return info;
  const found = extra.lookup(info.word);
  if (!found) return info;
  const result: WordInfo = { ...info };
  const summary = info.summary ?? found.summary;
  const confidence = info.confidence ?? found.confidence;
  if (summary !== undefined) result.summary = summary;
  if (confidence !== undefined) result.confidence = confidence;
  return result;
}
