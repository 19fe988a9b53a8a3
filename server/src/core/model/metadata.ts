/**
 * The model's `metadata.json`: its format, and reading it with checks. The vocabulary lives
 * here so that the editor knows the words even before (or without) the network's weights.
 */
import { Vocabulary, type WordConfidence, type WordInfo } from "./vocabulary.js";

export const METADATA_FORMAT = "eqpreset-model";
export const METADATA_FORMAT_VERSION = 1;

export interface ModelMetadata {
  format: typeof METADATA_FORMAT;
  formatVersion: number;
  description?: string;
  attribution?: string;
  vocabulary: WordInfo[];
  /** Everything else the trainer writes (bounds, centroids, evaluation) is kept as is. */
  [key: string]: unknown;
}

export class MetadataError extends Error {
  override name = "MetadataError";
}

export function parseModelMetadata(json: unknown, source = "metadata.json"): ModelMetadata {
  if (typeof json !== "object" || json === null) throw new MetadataError(`${source}: not a JSON object`);
  const record = json as Record<string, unknown>;
  if (record.format !== METADATA_FORMAT) throw new MetadataError(`${source}: "format" must be "${METADATA_FORMAT}"`);
  if (record.formatVersion !== METADATA_FORMAT_VERSION) {
    throw new MetadataError(`${source}: format version ${String(record.formatVersion)} is not supported (expected ${METADATA_FORMAT_VERSION})`);
  }
  if (!Array.isArray(record.vocabulary)) throw new MetadataError(`${source}: "vocabulary" must be a list`);
  const vocabulary: WordInfo[] = record.vocabulary.map((entry: unknown, index: number) => {
    const item = entry as Record<string, unknown> | null;
    if (!item || typeof item.word !== "string" || !item.word.trim() || !Number.isFinite(item.examples) || !((item.examples as number) >= 0)) {
      throw new MetadataError(`${source}: vocabulary entry ${index} needs a "word" and a non-negative "examples" count`);
    }
    const info: WordInfo = { word: item.word, examples: item.examples as number };
    if (typeof item.summary === "string") info.summary = item.summary;
    if (isConfidence(item.confidence)) info.confidence = item.confidence;
    return info;
  });
  return { ...(record as ModelMetadata), vocabulary };
}

export function vocabularyOf(metadata: ModelMetadata): Vocabulary {
  return new Vocabulary(metadata.vocabulary);
}

function isConfidence(value: unknown): value is WordConfidence {
  const record = value as Partial<WordConfidence> | null | undefined;
  return (
    typeof record === "object" &&
    record !== null &&
    typeof record.sources === "object" &&
    record.sources !== null &&
    (record.level === "high" || record.level === "medium" || record.level === "low") &&
    (record.agreement === undefined || Number.isFinite(record.agreement))
  );
}
