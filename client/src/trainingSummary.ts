/**
 * The plain-language summary after a training run, read from the new model's metadata.json: what
 * it learned, how close it comes on people it never saw, and what it lost against the bundled
 * model. The CLI's own report is for engineers; this one is for the person who pressed "Train".
 * A figure that cannot be computed says why instead of printing NaN. Free of the vscode module.
 */

interface WordScore {
  word: string;
  examples: number;
  outputCurveErrorDb?: number | null;
}

/** The parts of metadata.json the summary reads; anything may be missing in an older or odd file. */
interface TrainedMetadata {
  vocabulary?: { word?: unknown; examples?: unknown }[];
  model?: {
    data?: {
      file?: unknown;
      rowsRead?: unknown;
      rowsUsed?: unknown;
      malformedRows?: unknown;
      socialFx?: unknown;
      fineTuned?: { teamExamples?: unknown[] };
    };
    training?: { seconds?: unknown; fineTuning?: { seconds?: unknown } };
    evaluation?: {
      heldOut?: { rows?: unknown; curveErrorDb?: unknown; flatCurveErrorDb?: unknown };
      words?: WordScore[];
      fineTuning?: { teamWords?: TeamWordFit[]; bundledDrift?: Drift };
    };
  };
}

interface TeamWordFit {
  word?: unknown;
  examples?: unknown;
  beforeDb?: unknown;
  afterDb?: unknown;
}

interface Drift {
  maxDb?: unknown;
  word?: unknown;
  mixMaxDb?: unknown;
}

/** Below this many examples a word is a guess, whatever the model says about it. */
export const FEW_EXAMPLES = 10;

const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);
const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

function list(words: string[], max = 6): string {
  const shown = words.slice(0, max).join(", ");
  return words.length > max ? `${shown} and ${words.length - max} more` : shown;
}

/**
 * The summary's lines. `bundledWords` are the words of the model shipped with the extension:
 * those the new model lacks become errors in presets while it is in use, which people must know.
 */
export function summarizeTraining(metadata: unknown, bundledWords: readonly string[] = []): string[] {
  const meta = (typeof metadata === "object" && metadata !== null ? metadata : {}) as TrainedMetadata;
  if (meta.model?.data?.fineTuned !== undefined) return summarizeFineTuning(meta);
  const vocabulary = (Array.isArray(meta.vocabulary) ? meta.vocabulary : [])
    .filter((entry) => typeof entry?.word === "string")
    .map((entry) => ({ word: entry.word as string, examples: finite(entry.examples) ? entry.examples : 0 }));
  const data = meta.model?.data ?? {};
  const lines: string[] = [];

  const file = typeof data.file === "string" ? data.file : "the data";
  const used = finite(data.rowsUsed) ? data.rowsUsed : undefined;
  const read = finite(data.rowsRead) ? data.rowsRead : undefined;
  const seconds = meta.model?.training?.seconds;
  const learned =
    vocabulary.length === 0
      ? "The new model has no words"
      : `The new model knows ${count(vocabulary.length, "word")} (${list(vocabulary.map((entry) => entry.word))})`;
  const from = used !== undefined ? `, learned from ${count(used, "setting")} of ${file}` : `, learned from ${file}`;
  lines.push(`${learned}${from}${finite(seconds) ? ` in ${Math.round(seconds)} s` : ""}.`);
  if (read !== undefined && used !== undefined && read > used) {
    const malformed = finite(data.malformedRows) ? data.malformedRows : 0;
    lines.push(
      `${count(read - used, "row")} of ${read.toLocaleString("en-US")} were not used: ${malformed > 0 ? `${count(malformed, "malformed row")} (listed in Problems), the rest` : "they"} had words with too few examples or labels that are not words.`,
    );
  }

  const evaluation = meta.model?.evaluation;
  const heldOut = evaluation?.heldOut;
  if (!evaluation) {
    lines.push("How close its curves come was not measured: this run skipped the held-out check.");
  } else if (!finite(heldOut?.rows) || heldOut.rows === 0) {
    lines.push(
      "How close its curves come could not be measured: no settings were held out, because the data has too few participants to keep some aside.",
    );
  } else if (!finite(heldOut.curveErrorDb)) {
    lines.push(
      `How close its curves come could not be measured: the ${count(heldOut.rows, "held-out setting")} gave no usable figure (their words may all be missing from the model).`,
    );
  } else {
    const flat = finite(heldOut.flatCurveErrorDb)
      ? ` (a flat EQ would be ${heldOut.flatCurveErrorDb.toFixed(1)} dB off, so ${heldOut.curveErrorDb < heldOut.flatCurveErrorDb ? "it has learned something" : "it is no better than doing nothing"})`
      : "";
    lines.push(
      `On ${count(heldOut.rows, "setting")} by people it never trained on, its curves are ${heldOut.curveErrorDb.toFixed(1)} dB from theirs on average${flat}.`,
    );
    const scored = (evaluation.words ?? []).filter(
      (w): w is WordScore & { outputCurveErrorDb: number } =>
        typeof w?.word === "string" && finite(w.outputCurveErrorDb),
    );
    if (scored.length >= 2) {
      scored.sort((a, b) => a.outputCurveErrorDb - b.outputCurveErrorDb);
      const best = scored[0]!;
      const worst = scored[scored.length - 1]!;
      lines.push(
        `Closest to its examples: ${best.word} (${best.outputCurveErrorDb.toFixed(1)} dB); furthest: ${worst.word} (${worst.outputCurveErrorDb.toFixed(1)} dB).`,
      );
    }
  }

  const few = vocabulary.filter((entry) => entry.examples < FEW_EXAMPLES).map((entry) => entry.word);
  if (few.length > 0) lines.push(`Fewer than ${FEW_EXAMPLES} examples, so treat as rough: ${list(few)}.`);
  const known = new Set(vocabulary.map((entry) => entry.word));
  const lost = bundledWords.filter((word) => !known.has(word));
  if (lost.length > 0)
    lines.push(
      `Not in this model but in the bundled one: ${list(lost)}. Presets using them show errors while this model is in use.`,
    );
  return lines;
}

/** The summary of a model fine-tuned on the workspace's tagged presets (`eqp train` without a CSV). */
function summarizeFineTuning(meta: TrainedMetadata): string[] {
  const examples = meta.model?.data?.fineTuned?.teamExamples?.length ?? 0;
  const tuning = meta.model?.evaluation?.fineTuning;
  const words = (tuning?.teamWords ?? []).filter(
    (w): w is { word: string; examples: number; beforeDb: number; afterDb: number } =>
      typeof w?.word === "string" && finite(w.examples) && finite(w.beforeDb) && finite(w.afterDb),
  );
  const seconds = meta.model?.training?.fineTuning?.seconds;
  const lines = [
    `Fine-tuned on ${count(examples, "tagged preset")} of this workspace${words.length > 0 ? ` (${list(words.map((w) => w.word))})` : ""}${finite(seconds) ? ` in ${Math.round(seconds)} s` : ""}.`,
  ];
  for (const word of words)
    lines.push(
      `'${word.word}' now comes ${word.afterDb.toFixed(2)} dB from its ${count(word.examples, "preset")} (${word.beforeDb.toFixed(2)} dB without training).`,
    );
  const drift = tuning?.bundledDrift;
  if (finite(drift?.maxDb))
    lines.push(
      `The model's own words kept their sound: they moved at most ${drift.maxDb.toFixed(2)} dB${typeof drift.word === "string" ? ` ('${drift.word}')` : ""}${finite(drift.mixMaxDb) ? `, mixes of two at most ${drift.mixMaxDb.toFixed(2)} dB` : ""}.`,
    );
  else lines.push("How far the model's own words moved was not measured.");
  lines.push(
    "Team words still come from their tags: a word whose tags are deleted is unknown again. With eqpreset.lock committed, every morph whose bands moved is reported before it sounds different.",
  );
  return lines;
}
