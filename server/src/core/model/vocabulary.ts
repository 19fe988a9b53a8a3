/** The words the model knows, with how many examples back each, and "did you mean" look-ups. */

/** Where a word's examples come from: SAFE-DB settings, SocialFX crowd curves, the team's tagged presets. */
export type WordSource = "safe" | "socialfx" | "team";

/** How far a word can be trusted, shown wherever the word appears (hover, completion, describe). */
export interface WordConfidence {
  /** Examples per source. */
  sources: Partial<Record<WordSource, number>>;
  /** How well its examples agree: split-half reliability of their curves (−1…1), when measurable. */
  agreement?: number;
  /** The documented verdict from examples and agreement. */
  level: "high" | "medium" | "low";
}

export interface WordInfo {
  word: string;
  examples: number;
  confidence?: WordConfidence;
  /** What the word does, in one line ("cuts lows, lifts 3–8 kHz"). */
  summary?: string;
}

/** Words backed by fewer examples than this get an information diagnostic: their EQ is a guess. */
export const FEW_EXAMPLES = 10;

export class Vocabulary {
  private readonly byWord: Map<string, WordInfo>;
  /**
   * The words, most examples first, sorted once: every unknown word and every empty morph of a
   * document asks for them, and sorting with localeCompare each time was most of the validation
   * of text full of errors.
   */
  private readonly sorted: readonly WordInfo[];
  private readonly sortedWords: readonly string[];

  constructor(words: readonly WordInfo[]) {
    this.byWord = new Map(words.map((info) => [normaliseWord(info.word), { ...info, word: normaliseWord(info.word) }]));
    this.sorted = [...this.byWord.values()].sort((a, b) => b.examples - a.examples || a.word.localeCompare(b.word));
    this.sortedWords = this.sorted.map((info) => info.word);
  }

  get size(): number {
    return this.byWord.size;
  }

  lookup(word: string): WordInfo | undefined {
    // The words of a parsed morph are lower case already: a normalised key needs no second pass.
    return this.byWord.get(word) ?? this.byWord.get(normaliseWord(word));
  }

  /** Most examples first. */
  words(): WordInfo[] {
    return [...this.sorted];
  }

  /** The first `count` of {@link words}, without copying the rest. */
  topWords(count: number): WordInfo[] {
    return this.sorted.slice(0, count);
  }

  /**
   * Most trustworthy first: by confidence level (high, medium, low, then words without one), then
   * agreement, then examples. For completion lists and describe.
   */
  byConfidence(): WordInfo[] {
    return [...this.byWord.values()].sort(
      (a, b) =>
        levelRank(a) - levelRank(b) ||
        (b.confidence?.agreement ?? -2) - (a.confidence?.agreement ?? -2) ||
        b.examples - a.examples ||
        a.word.localeCompare(b.word),
    );
  }

  /** The word's confidence, when the model measured one. */
  confidenceOf(word: string): WordConfidence | undefined {
    return this.lookup(word)?.confidence;
  }

  /** Answers of {@link suggest}: a document misspells the same word on many lines. */
  private readonly suggestions = new Map<string, string | undefined>();

  /** The closest known word within a small edit distance, preferring words with more examples. */
  suggest(word: string): string | undefined {
    const normalised = normaliseWord(word);
    if (this.suggestions.has(normalised)) return this.suggestions.get(normalised);
    if (this.suggestions.size >= 10_000) this.suggestions.clear();
    const suggestion = closest(normalised, this.sortedWords);
    this.suggestions.set(normalised, suggestion);
    return suggestion;
  }
}

const LEVEL_ORDER: Record<WordConfidence["level"], number> = { high: 0, medium: 1, low: 2 };

function levelRank(info: WordInfo): number {
  return info.confidence ? LEVEL_ORDER[info.confidence.level] : 3;
}

/** "high confidence: 532 SAFE-DB settings, 64 SocialFX curves, agreement 0.97" */
export function describeConfidence(confidence: WordConfidence): string {
  const names: Record<WordSource, [string, string]> = {
    safe: ["SAFE-DB setting", "SAFE-DB settings"],
    socialfx: ["SocialFX curve", "SocialFX curves"],
    team: ["team preset", "team presets"],
  };
  const sources = (Object.entries(confidence.sources) as [WordSource, number][])
    .filter(([, count]) => count > 0)
    .map(([source, count]) => `${count} ${names[source][count === 1 ? 0 : 1]}`);
  const agreement = confidence.agreement === undefined ? [] : [`agreement ${confidence.agreement.toFixed(2)}`];
  return `${confidence.level} confidence: ${[...sources, ...agreement].join(", ")}`;
}

export function normaliseWord(word: string): string {
  return word.trim().toLowerCase().replace(/\s+/g, " ");
}

/** The candidate nearest to `word` (optimal string alignment distance), if near enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    // The distance is at least the difference in length: no need to compute it past the limit.
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const distance = editDistance(word, candidate);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Three rows of the distance table, reused: the last two rows and the one being filled are all the
 * recurrence reads (a transposition looks two rows back). Grown when a longer word comes.
 */
let rows: Int32Array[] = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Math.abs(a.length - b.length);
  const cols = b.length + 1;
  if (rows[0]!.length < cols) rows = rows.map(() => new Int32Array(cols * 2));
  let beforePrevious = rows[0]!;
  let previous = rows[1]!;
  let current = rows[2]!;
  for (let j = 0; j < cols; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j < cols; j++) {
      const bj = b.charCodeAt(j - 1);
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj)
        value = Math.min(value, beforePrevious[j - 2]! + 1);
      current[j] = value;
    }
    const spare = beforePrevious;
    beforePrevious = previous;
    previous = current;
    current = spare;
  }
  return previous[b.length]!;
}

/** A word a model learnt from tagged presets only (fine-tuning), not from a crowd's data. */
export function isTeamOrigin(info: { confidence?: { sources: Partial<Record<WordSource, number>> } }): boolean {
  const sources = info.confidence?.sources;
  return sources?.team !== undefined && Object.keys(sources).every((key) => key === "team");
}
