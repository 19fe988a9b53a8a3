/**
 * Validation: from a parsed document to diagnostics. Pure and synchronous; the model enters only
 * through the context (its vocabulary, and generated bands when it has them).
 */
import type { BandStatement, MorphStatement, PresetDocument, Quantity, Range, Statement } from "../language/index.js";
import {
  ABSURD_GAIN_DB,
  AUDIBLE_RANGE,
  GAIN_RANGE,
  OUTPUT_GAIN_RANGE,
  Q_RANGE,
  SAMPLE_RATE_RANGE,
  clamp,
  inRange,
  slotFacts,
  type EqBand,
  type NumericRange,
} from "../eq/index.js";
import { checkTags } from "./tags.js";
import { DiagnosticCode, sortDiagnostics, type EqDiagnostic, type Severity } from "./diagnostics.js";
import { KEYWORDS } from "../language/index.js";
import { displayFrequency, formatDecimal, writeFrequency, writeGain, writePlain } from "../language/index.js";
import { presetLabel, resolvePresets, type ResolvedPreset } from "../presets/index.js";
import { closest, FEW_EXAMPLES, type Vocabulary } from "../model/index.js";

export interface ValidationContext {
  vocabulary: Vocabulary;
  /** The bands the model generates for a morph, when a model is loaded. */
  generatedBands?: (morph: MorphStatement, preset: ResolvedPreset) => EqBand[] | undefined;
}

/** `presets`: the document's resolved presets, when the caller has them already (the server caches them per version). */
export function validateDocument(
  document: PresetDocument,
  context: ValidationContext,
  presets: readonly ResolvedPreset[] = resolvePresets(document),
): EqDiagnostic[] {
  const out = new DiagnosticSink();
  for (const error of document.syntaxErrors) out.add(error.range, "error", DiagnosticCode.SyntaxError, error.message);
  validateFileStatements(document, out);
  validatePresetNames(presets, out);
  for (const preset of presets) validatePreset(preset, context, out);
  return sortDiagnostics(out.diagnostics);
}

class DiagnosticSink {
  readonly diagnostics: EqDiagnostic[] = [];
  add(
    range: Range,
    severity: Severity,
    code: EqDiagnostic["code"],
    message: string,
    data?: EqDiagnostic["data"],
  ): void {
    this.diagnostics.push(data ? { range, severity, code, message, data } : { range, severity, code, message });
  }
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
        checkMorph(statement, context.vocabulary, out);
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
    const max = extra.bandType === "bell" ? "three bells" : `one ${extra.bandType}`;
    out.add(
      extra.keywordRange,
      "error",
      DiagnosticCode.TooManyBands,
      `The SAFE EQ has ${max}; this ${extra.bandType} has no band left to use`,
    );
  }
  for (const band of preset.bands) {
    if (band.frequencyHz !== undefined && band.statement.frequency) {
      checkFrequency(band.statement.frequency, band.slot.frequency, band.slot.label, preset.sampleRate, out);
    }
  }
  if (morphSeen && context.generatedBands) checkGenerated(morphSeen, preset, context, out);
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

const STATEMENT_KEYWORDS = KEYWORDS.filter((keyword) => keyword !== "q");

function checkUnknownStatement(statement: Extract<Statement, { kind: "unknown" }>, out: DiagnosticSink): void {
  const suggestion = closest(statement.text.toLowerCase(), STATEMENT_KEYWORDS);
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

/** False when the unit is wrong (and says so). */
function checkUnit(value: Quantity, expected: "dB" | "Hz", out: DiagnosticSink): boolean {
  const isFrequency = value.unit === "Hz" || value.unit === "kHz";
  if (expected === "dB" ? value.unit === "dB" : isFrequency) return true;
  if (value.unit === undefined) {
    const replacements = expected === "dB" ? [`${value.text}dB`] : [`${value.text}Hz`, `${value.text}kHz`];
    out.add(
      value.range,
      "error",
      DiagnosticCode.MissingUnit,
      `${value.text} needs a unit: ${expected === "dB" ? "dB" : "Hz or kHz"}`,
      { fix: "replace", replacements },
    );
  } else {
    out.add(
      value.range,
      "error",
      DiagnosticCode.WrongUnit,
      `Expected ${expected === "dB" ? "a level in dB" : "a frequency in Hz or kHz"}, found ${value.text}`,
    );
  }
  return false;
}

function checkAbsurdGain(value: Quantity, out: DiagnosticSink): boolean {
  if (Number.isFinite(value.value) && Math.abs(value.value) <= ABSURD_GAIN_DB) return false;
  out.add(
    value.range,
    "error",
    DiagnosticCode.GainAbsurd,
    `${value.text} is not a usable gain: levels beyond ±${ABSURD_GAIN_DB} dB are a typo, not a setting`,
  );
  return true;
}

function checkMorph(morph: MorphStatement, vocabulary: Vocabulary, out: DiagnosticSink): void {
  if (morph.terms.length === 0) {
    const examples = vocabulary
      .words()
      .slice(0, 2)
      .map((info) => info.word);
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
      const suggestion = vocabulary.suggest(term.word);
      const known = vocabulary
        .words()
        .slice(0, 6)
        .map((entry) => entry.word)
        .join(", ");
      const message = suggestion
        ? `Unknown word '${term.text}'. Did you mean '${suggestion}'?`
        : `Unknown word '${term.text}': the model knows ${known}${vocabulary.size > 6 ? ", …" : ""}`;
      out.add(
        term.wordRange,
        "error",
        DiagnosticCode.UnknownWord,
        message,
        suggestion ? { fix: "replace", replacements: [suggestion] } : undefined,
      );
    } else if (info.examples < FEW_EXAMPLES) {
      out.add(
        term.wordRange,
        "information",
        DiagnosticCode.FewExamples,
        `'${info.word}' is backed by only ${info.examples} example${info.examples === 1 ? "" : "s"}: its EQ is a rough guess`,
      );
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

function checkBandParameters(band: BandStatement, out: DiagnosticSink): void {
  const seen = { frequency: false, gain: false, q: false };
  for (const parameter of band.parameters) {
    if (parameter.kind === "q") {
      if (!parameter.quantity) {
        out.add(parameter.keywordRange, "error", DiagnosticCode.MissingValue, "'q' needs a value, e.g. q 1.4");
        continue;
      }
      if (seen.q) {
        out.add(parameter.range, "error", DiagnosticCode.DuplicateParameter, "This band already has a Q");
        continue;
      }
      seen.q = true;
      if (band.bandType !== "bell") {
        out.add(
          parameter.range,
          "warning",
          DiagnosticCode.ShelfQ,
          "The SAFE EQ's shelves have a fixed Q of 0.71: this q is ignored",
          { fix: "replace", replacements: [""] },
        );
        continue;
      }
      checkQ(parameter.quantity, out);
      continue;
    }
    const quantity = parameter.quantity;
    if (quantity.unit === undefined) {
      out.add(
        quantity.range,
        "error",
        DiagnosticCode.MissingUnit,
        `${quantity.text} needs a unit: Hz or kHz for a frequency, dB for a gain`,
        {
          fix: "replace",
          // Offer first what the band still lacks.
          replacements:
            band.frequency && !band.gain
              ? [`${quantity.text}dB`, `${quantity.text}Hz`, `${quantity.text}kHz`]
              : [`${quantity.text}Hz`, `${quantity.text}kHz`, `${quantity.text}dB`],
        },
      );
      continue;
    }
    const which = quantity.unit === "dB" ? "gain" : "frequency";
    if (seen[which]) {
      out.add(quantity.range, "error", DiagnosticCode.DuplicateParameter, `This band already has a ${which}`);
      continue;
    }
    seen[which] = true;
    if (which === "gain") checkBandGain(quantity, out);
  }
  const example =
    band.bandType === "bell"
      ? "bell 2.5kHz +3dB q 1.2"
      : band.bandType === "lowshelf"
        ? "lowshelf 120Hz -2dB"
        : "highshelf 8kHz +2dB";
  if (!band.frequency) {
    const what = band.gain ? "a frequency" : "a frequency and a gain";
    out.add(
      band.keywordRange,
      "error",
      DiagnosticCode.MissingFrequency,
      `This ${band.bandType} needs ${what}, e.g. ${example}`,
    );
  } else if (!band.gain) {
    out.add(
      band.keywordRange,
      "error",
      DiagnosticCode.MissingGain,
      `This ${band.bandType} needs a gain, e.g. ${example}`,
    );
  }
}

function checkQ(value: Quantity, out: DiagnosticSink): void {
  if (value.unit !== undefined) {
    out.add(value.range, "error", DiagnosticCode.WrongUnit, `Q is a plain number, not ${value.text}`, {
      fix: "replace",
      replacements: [writePlain(value.number)],
    });
    return;
  }
  if (!(value.value > 0) || !Number.isFinite(value.value)) {
    out.add(
      value.range,
      "error",
      DiagnosticCode.QInvalid,
      `Q must be a positive number; the SAFE EQ allows ${Q_RANGE.min}–${Q_RANGE.max}`,
      {
        fix: "clamp",
        replacement: writePlain(Q_RANGE.min),
        value: Q_RANGE.min,
      },
    );
    return;
  }
  if (!inRange(value.value, Q_RANGE)) {
    const clamped = clamp(value.value, Q_RANGE);
    out.add(
      value.range,
      "warning",
      DiagnosticCode.QOutOfRange,
      `Q ${value.text} is outside the SAFE EQ's range ${Q_RANGE.min}–${Q_RANGE.max}`,
      {
        fix: "clamp",
        replacement: writePlain(clamped),
        value: clamped,
      },
    );
  }
}

function checkBandGain(value: Quantity, out: DiagnosticSink): void {
  if (checkAbsurdGain(value, out)) return;
  if (!inRange(value.value, GAIN_RANGE)) {
    const clamped = clamp(value.value, GAIN_RANGE);
    out.add(
      value.range,
      "warning",
      DiagnosticCode.GainOutOfRange,
      `Gain ${value.text} is outside the SAFE EQ's ±${GAIN_RANGE.max} dB`,
      {
        fix: "clamp",
        replacement: writeGain(clamped),
        value: clamped,
      },
    );
  }
}

/** Nyquist and audible range are errors; the band's plug-in range is a warning. */
function checkFrequency(
  value: Quantity,
  bandRange: NumericRange,
  label: string,
  sampleRate: number,
  out: DiagnosticSink,
): void {
  const hz = value.value;
  const nyquist = sampleRate / 2;
  const audibleMax = Math.min(AUDIBLE_RANGE.max, bandRange.max, nyquist * 0.999);
  if (!Number.isFinite(hz) || !inRange(hz, AUDIBLE_RANGE)) {
    const target = clamp(Number.isFinite(hz) ? hz : bandRange.min, { min: bandRange.min, max: audibleMax });
    out.add(
      value.range,
      "error",
      DiagnosticCode.FrequencyInaudible,
      `${value.text} is outside the audible range 20 Hz–20 kHz`,
      {
        fix: "clamp",
        replacement: writeFrequency(roundFrequency(target)),
        value: roundFrequency(target),
      },
    );
    return;
  }
  if (hz >= nyquist) {
    const target = roundFrequency(clamp(hz, { min: bandRange.min, max: audibleMax }));
    out.add(
      value.range,
      "error",
      DiagnosticCode.FrequencyAboveNyquist,
      `${value.text} is at or above the Nyquist frequency ${displayFrequency(nyquist)} of the sample rate ${displayFrequency(sampleRate)}`,
      { fix: "clamp", replacement: writeFrequency(target), value: target },
    );
    return;
  }
  if (!inRange(hz, bandRange)) {
    const target = roundFrequency(clamp(hz, bandRange));
    out.add(
      value.range,
      "warning",
      DiagnosticCode.FrequencyOutsideBand,
      `${value.text} is outside the ${label}'s range ${displayFrequency(bandRange.min)}–${displayFrequency(bandRange.max)} in the SAFE EQ`,
      { fix: "clamp", replacement: writeFrequency(target), value: target },
    );
  }
}

/** Clamp targets are written with at most 4 significant digits. */
function roundFrequency(hz: number): number {
  return Number(hz.toPrecision(4));
}

function checkGenerated(
  morph: MorphStatement,
  preset: ResolvedPreset,
  context: ValidationContext,
  out: DiagnosticSink,
): void {
  const bands = context.generatedBands?.(morph, preset);
  if (!bands) return;
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
