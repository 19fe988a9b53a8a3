/** Checks of a morph line: known words, usable weights, and how far the mix extrapolates. */
import type { MorphStatement } from "../language/index.js";
import { formatDecimal, writePlain } from "../language/index.js";
import { FEW_EXAMPLES, isTimbreWord, waysForward, type Vocabulary, type WayForward } from "../model/index.js";
import { DiagnosticCode, type EqDiagnostic } from "./diagnostics.js";
import type { DiagnosticSink } from "./sink.js";

/**
 * `libraryName`: the shipped library's preset a word names, if any (`telephone`): an unknown word
 * that names one is most likely meant as `use "telephone"`, which the quick fix writes.
 */
export function checkMorph(
  morph: MorphStatement,
  vocabulary: Vocabulary,
  out: DiagnosticSink,
  libraryName: (word: string) => string | undefined = () => undefined,
): void {
  if (morph.terms.length === 0) {
    const examples = vocabulary.topWords(2).map((info) => info.word);
    out.add(
      morph.keywordRange,
      "error",
      DiagnosticCode.EmptyMorph,
      `'morph' needs at least one word, e.g. morph ${examples[0] ?? "warm"} 0.3 ${examples[1] ?? "bright"} 0.7`,
    );
    return;
  }
  const seen = new Set<string>();
  let weightSum = 0;
  for (const term of morph.terms) {
    if (seen.has(term.word)) {
      out.add(
        term.wordRange,
        "warning",
        DiagnosticCode.DuplicateWord,
        `'${term.text}' appears twice in this morph: the weights add up`,
      );
    }
    seen.add(term.word);
    const weight = term.weight;
    if (weight && weight.unit !== undefined) {
      out.add(
        weight.range,
        "error",
        DiagnosticCode.WrongUnit,
        `A word's weight is a plain number (1 = the word at full strength), not ${weight.text}`,
        {
          fix: "replace",
          replacements: [writePlain(weight.number)],
        },
      );
    } else if (weight && !Number.isFinite(weight.value)) {
      out.add(weight.range, "error", DiagnosticCode.WrongUnit, `${weight.text} is not a usable weight`);
    }
    weightSum += Math.abs(weight && Number.isFinite(weight.value) && weight.unit === undefined ? weight.value : 1);
    const info = vocabulary.lookup(term.word);
    if (!info) {
      const [way] = waysForward(term.word, vocabulary);
      const preset = libraryName(term.word);
      const hint = preset === undefined ? "" : `; "${preset}" is a preset of the library: use "${preset}"`;
      out.add(
        term.wordRange,
        "error",
        DiagnosticCode.UnknownWord,
        `${unknownWordMessage(term.text, way, vocabulary)}${hint}`,
        {
          fix: "replace",
          replacements: way ? [way.replacement] : [],
          ...(way?.means
            ? { titles: [`Use '${way.replacement}', the nearest known word by meaning (${way.means})`] }
            : {}),
          define: term.word,
          ...(preset === undefined ? {} : { use: preset }),
        },
      );
    } else if (info.examples < FEW_EXAMPLES) {
      out.add(
        term.wordRange,
        "information",
        DiagnosticCode.FewExamples,
        `'${info.word}' is backed by only ${info.examples} example${info.examples === 1 ? "" : "s"}: its EQ is a rough guess`,
      );
      // One per use here; onceFewExamplesPerWord keeps the first of each word in the file.
    }
  }
  if (weightSum > 1 + 1e-9) {
    out.add(
      morph.range,
      "warning",
      DiagnosticCode.WeightsExtrapolate,
      `The weights add up to ${formatDecimal(weightSum, 3)} (absolute): beyond 1 the model extrapolates past its examples`,
    );
  }
}

/** "Did you mean" for a typo; the nearest word by meaning for a glossary word; else what the model knows. */
function unknownWordMessage(text: string, way: WayForward | undefined, vocabulary: Vocabulary): string {
  if (way?.why === "spelling") return `Unknown word '${text}'. Did you mean '${way.replacement}'?`;
  if (way) return `Unknown word '${text}' (${way.means}): the nearest known word by meaning is '${way.replacement}'`;
  const known = vocabulary
    .topWords(12)
    .map((entry) => entry.word)
    .filter(isTimbreWord)
    .slice(0, 6)
    .join(", ");
  return `Unknown word '${text}': the model knows ${known}${vocabulary.size > 6 ? ", …" : ""}`;
}

/**
 * The sorted diagnostics of a file with only the first `few-examples` note of each word: the note
 * informs once, where the word is first used, instead of nagging on every line that uses it. Run on
 * the whole file after the per-preset checks (which a cache keeps per preset), so it stays right
 * under incremental edits. A word's note has one message (it names the word and its count), so
 * the message tells the words apart.
 */
export function onceFewExamplesPerWord(sorted: EqDiagnostic[]): EqDiagnostic[] {
  if (!sorted.some((diagnostic) => diagnostic.code === DiagnosticCode.FewExamples)) return sorted;
  const noted = new Set<string>();
  return sorted.filter((diagnostic) => {
    if (diagnostic.code !== DiagnosticCode.FewExamples) return true;
    if (noted.has(diagnostic.message)) return false;
    noted.add(diagnostic.message);
    return true;
  });
}
