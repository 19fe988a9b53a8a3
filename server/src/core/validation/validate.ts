/**
 * Validation: from a parsed document to diagnostics. Pure and synchronous; the model enters only
 * through the context (its vocabulary, and generated bands when it has them).
 */
import type { MorphStatement, PresetDocument, Quantity, Range, Statement } from "../language/index.js";
import { OUTPUT_GAIN_RANGE, SAMPLE_RATE_RANGE, clamp, inRange, slotFacts, type EqBand } from "../eq/index.js";
import { KEYWORDS, displayFrequency, formatDecimal, writeFrequency, writeGain, writePlain } from "../language/index.js";
import { presetLabel, resolvePresets, type ResolvedPreset } from "../presets/index.js";
import { closest, type Vocabulary } from "../model/index.js";
import { checkAbsurdGain, checkBandParameters, checkFrequency, checkUnit, frequencyPasses } from "./bandChecks.js";
import { DiagnosticCode, sortDiagnostics, type EqDiagnostic } from "./diagnostics.js";
import { checkMorph, onceFewExamplesPerWord } from "./morphChecks.js";
import { DiagnosticSink } from "./sink.js";
import { checkTags } from "./tags.js";

export interface ValidationContext {
  vocabulary: Vocabulary;
  /** The bands the model generates for a morph, when a model is loaded. */
  generatedBands?: (morph: MorphStatement, preset: ResolvedPreset) => EqBand[] | undefined;
  /** The shipped library's preset a word names (`telephone`), for the hint on an unknown morph word. */
  libraryName?: (word: string) => string | undefined;
}

/** True when every generated band's gain, frequency and Q is a finite number (a broken decoder gives NaN). */
export function bandsAreFinite(bands: readonly EqBand[]): boolean {
  return bands.every(
    (band) => Number.isFinite(band.gainDb) && Number.isFinite(band.frequencyHz) && Number.isFinite(band.q),
  );
}

/** `presets`: the document's resolved presets, when the caller has them already (the server caches them per version). */
export function validateDocument(
  document: PresetDocument,
  context: ValidationContext,
  presets: readonly ResolvedPreset[] = resolvePresets(document),
): EqDiagnostic[] {
  const out = new DiagnosticSink(fileDiagnostics(document, presets));
  for (const preset of presets) validatePreset(preset, context, out);
  return onceFewExamplesPerWord(sortDiagnostics(out.diagnostics));
}

/**
 * The checks that read the whole file (syntax errors, file-level statements, names shared by
 * presets), unsorted; with every preset's {@link presetDiagnostics} after them, in order, they are
 * what validateDocument sorts. Split so that a cache (presetCache.ts) can reuse the per-preset part.
 */
export function fileDiagnostics(document: PresetDocument, presets: readonly ResolvedPreset[]): EqDiagnostic[] {
  const out = new DiagnosticSink();
  for (const error of document.syntaxErrors) out.add(error.range, "error", DiagnosticCode.SyntaxError, error.message);
  validateFileStatements(document, out);
  validatePresetNames(presets, out);
  return out.diagnostics;
}

/** The checks of one preset, unsorted: they read its statements, sample rate and the model only. */
export function presetDiagnostics(preset: ResolvedPreset, context: ValidationContext): EqDiagnostic[] {
  const out = new DiagnosticSink();
  validatePreset(preset, context, out);
  return out.diagnostics;
}

function validateFileStatements(document: PresetDocument, out: DiagnosticSink): void {
  const fileLevel = document.items.filter((item): item is Statement => item.kind !== "preset");
  checkSampleRates(fileLevel, out);
}

function validatePresetNames(presets: readonly ResolvedPreset[], out: DiagnosticSink): void {
  const seen = new Map<string, ResolvedPreset>();
  for (const preset of presets) {
    if (preset.name === undefined || !preset.block?.nameRange) continue;
    const key = preset.name.trim().toLowerCase();
    const first = seen.get(key);
    if (first) {
      out.add(
        preset.block.nameRange,
        "error",
        DiagnosticCode.DuplicatePresetName,
        `Another preset is already named "${preset.name}" (line ${(first.block?.nameRange?.start.line ?? 0) + 1}); exports and the preview need unique names`,
      );
    } else {
      seen.set(key, preset);
    }
  }
}

function validatePreset(preset: ResolvedPreset, context: ValidationContext, out: DiagnosticSink): void {
  const statements = preset.statements;
  if (preset.block) checkSampleRates(statements, out);
  if (preset.block && statements.length === 0 && preset.block.closed) {
    out.add(
      preset.block.keywordRange,
      "warning",
      DiagnosticCode.EmptyPreset,
      `Preset ${presetLabel(preset)} is empty: it is a flat EQ`,
    );
  }
  let morphSeen: MorphStatement | undefined;
  let trimSeen = false;
  for (const statement of statements) {
    switch (statement.kind) {
      case "unknown":
        checkUnknownStatement(statement, out);
        break;
      case "gain":
        if (trimSeen)
          out.add(
            statement.keywordRange,
            "warning",
            DiagnosticCode.DuplicateStatement,
            "A second 'gain' line: only the first one counts",
          );
        trimSeen = true;
        checkTrim(statement.value, statement.keywordRange, out);
        break;
      case "morph":
        if (morphSeen) {
          out.add(
            statement.keywordRange,
            "error",
            DiagnosticCode.DuplicateMorph,
            `A preset has one morph; merge the words into the morph on line ${morphSeen.range.start.line + 1}`,
          );
        }
        morphSeen ??= statement;
        checkMorph(statement, context.vocabulary, out, context.libraryName);
        break;
      case "band":
        checkBandParameters(statement, out);
        break;
      default:
        break;
    }
  }
  checkTags(preset, (range, severity, code, message) => out.add(range, severity, code, message));
  for (const extra of preset.extraBands) {
    const max = extra.replacesBell > 0 ? `one Bell ${extra.replacesBell}` : `one ${extra.bandType}`;
    out.add(
      extra.keywordRange,
      "error",
      DiagnosticCode.TooManyBands,
      `The SAFE EQ has ${max}; this ${extra.bandType} has no band left to use`,
    );
  }
  for (const band of preset.bands) {
    if (band.frequencyHz === undefined) continue;
    // Nearly every frequency is fine: told from its value, without making its node.
    if (frequencyPasses(band.frequencyHz, band.slot.frequency, preset.sampleRate)) continue;
    const frequency = band.statement.frequency;
    if (frequency) checkFrequency(frequency, band.slot.frequency, band.slot.label, preset.sampleRate, out);
  }
  // A morph with an unknown word resolves to nothing: it had no generated bell to replace, no note.
  if (morphSeen && morphSeen.terms.every((term) => context.vocabulary.lookup(term.word))) checkAddedBells(preset, out);
  if (morphSeen && context.generatedBands) checkGenerated(morphSeen, preset, context, out);
}

/**
 * A plain `bell` in a preset with a morph adds to the five generated bands; until this rule, the
 * first three replaced the generated Bell 1, 2, 3 in order. Each of those gets a note, with the fix
 * `bellN` that keeps the sound the file had.
 */
function checkAddedBells(preset: ResolvedPreset, out: DiagnosticSink): void {
  let plainBells = 0;
  for (const band of preset.bands) {
    if (band.slot.id !== "bell" || ++plainBells > 3) continue;
    const replaced = `bell${plainBells}`;
    out.add(
      band.statement.keywordRange,
      "information",
      DiagnosticCode.BellAdds,
      `This bell adds to the morph's five bands. Before, it replaced the generated Bell ${plainBells}: write '${replaced}' to keep that sound`,
      { fix: "replace", replacements: [replaced] },
    );
  }
}

function checkSampleRates(statements: Statement[], out: DiagnosticSink): void {
  let seen = false;
  for (const statement of statements) {
    if (statement.kind !== "samplerate") continue;
    if (seen)
      out.add(
        statement.keywordRange,
        "warning",
        DiagnosticCode.DuplicateStatement,
        "A second 'samplerate' line: only the first one counts",
      );
    seen = true;
    const value = statement.value;
    if (!value) {
      out.add(
        statement.keywordRange,
        "error",
        DiagnosticCode.MissingValue,
        "'samplerate' needs a rate, e.g. samplerate 48kHz",
      );
      continue;
    }
    if (value.unit === "dB") {
      out.add(value.range, "error", DiagnosticCode.WrongUnit, "A sample rate is in Hz or kHz, not dB", {
        fix: "replace",
        replacements: [`${writePlain(value.number)}Hz`],
      });
      continue;
    }
    if (!inRange(value.value, SAMPLE_RATE_RANGE)) {
      out.add(
        value.range,
        "error",
        DiagnosticCode.SampleRateOutOfRange,
        `Sample rate ${formatDecimal(value.value)} Hz is outside ${SAMPLE_RATE_RANGE.min}–${SAMPLE_RATE_RANGE.max} Hz`,
        {
          fix: "clamp",
          replacement: writeFrequency(clamp(value.value, SAMPLE_RATE_RANGE)),
          value: clamp(value.value, SAMPLE_RATE_RANGE),
        },
      );
    }
  }
}

const STATEMENT_KEYWORDS = KEYWORDS.filter((keyword) => keyword !== "q" && keyword !== "from");

/**
 * The keyword nearest to each unknown statement word seen: broken text repeats the same few
 * (`bel`, `db`), and the edit distances to every keyword were the largest part of checking it.
 */
const keywordSuggestions = new Map<string, string | undefined>();

function suggestKeyword(word: string): string | undefined {
  if (keywordSuggestions.has(word)) return keywordSuggestions.get(word);
  if (keywordSuggestions.size >= 10_000) keywordSuggestions.clear();
  const suggestion = closest(word, STATEMENT_KEYWORDS);
  keywordSuggestions.set(word, suggestion);
  return suggestion;
}

function checkUnknownStatement(statement: Extract<Statement, { kind: "unknown" }>, out: DiagnosticSink): void {
  const suggestion = suggestKeyword(statement.text.toLowerCase());
  const message = `Unknown statement '${statement.text}'${suggestion ? `. Did you mean '${suggestion}'?` : `: expected ${STATEMENT_KEYWORDS.join(", ")}`}`;
  out.add(
    statement.keywordRange,
    "error",
    DiagnosticCode.UnknownStatement,
    message,
    suggestion ? { fix: "replace", replacements: [suggestion] } : undefined,
  );
}

function checkTrim(value: Quantity | undefined, keywordRange: Range, out: DiagnosticSink): void {
  if (!value) {
    out.add(keywordRange, "error", DiagnosticCode.MissingValue, "'gain' needs a level in dB, e.g. gain -2dB");
    return;
  }
  if (!checkUnit(value, "dB", out)) return;
  if (checkAbsurdGain(value, out)) return;
  if (!inRange(value.value, OUTPUT_GAIN_RANGE)) {
    const clamped = clamp(value.value, OUTPUT_GAIN_RANGE);
    out.add(
      value.range,
      "warning",
      DiagnosticCode.TrimOutOfRange,
      `Output gain ${formatDecimal(value.value)} dB is outside ±${OUTPUT_GAIN_RANGE.max} dB`,
      {
        fix: "clamp",
        replacement: writeGain(clamped),
        value: clamped,
      },
    );
  }
}

function checkGenerated(
  morph: MorphStatement,
  preset: ResolvedPreset,
  context: ValidationContext,
  out: DiagnosticSink,
): void {
  const bands = context.generatedBands?.(morph, preset);
  if (!bands) return;
  if (!bandsAreFinite(bands)) {
    out.add(
      morph.range,
      "error",
      DiagnosticCode.GeneratedNotFinite,
      "The model gives no usable number for this morph's bands (NaN or infinite): its weights or metadata are broken, so this preset has no bands and is not exported",
    );
    return;
  }
  const nyquist = preset.sampleRate / 2;
  for (const band of bands) {
    if (band.frequencyHz >= nyquist) {
      const facts = slotFacts(band.slot);
      out.add(
        morph.range,
        "error",
        DiagnosticCode.GeneratedFrequencyAboveNyquist,
        `The morph's ${facts.label.toLowerCase()} at ${displayFrequency(band.frequencyHz)} is at or above the Nyquist frequency ${displayFrequency(nyquist)} of the sample rate ${displayFrequency(preset.sampleRate)}`,
      );
    }
  }
}
