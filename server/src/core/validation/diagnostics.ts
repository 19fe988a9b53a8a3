/** Diagnostics of the core, with a stable `code` per kind: quick fixes and CI scripts switch on it. */
import type { Range } from "../language/index.js";

export const DiagnosticCode = {
  SyntaxError: "syntax-error",
  UnknownStatement: "unknown-statement",
  MissingValue: "missing-value",
  MissingUnit: "missing-unit",
  WrongUnit: "wrong-unit",
  MissingFrequency: "missing-frequency",
  MissingGain: "missing-gain",
  DuplicateParameter: "duplicate-parameter",
  ShelfQ: "shelf-q-ignored",
  FilterQIgnored: "filter-q-ignored",
  FilterGain: "filter-gain",
  SlopeInvalid: "slope-invalid",
  BellAdds: "bell-adds-to-morph",
  FrequencyOutsideBand: "frequency-outside-band-range",
  FrequencyInaudible: "frequency-outside-audible-range",
  FrequencyAboveNyquist: "frequency-above-nyquist",
  QOutOfRange: "q-out-of-range",
  QInvalid: "q-invalid",
  GainOutOfRange: "gain-out-of-range",
  GainAbsurd: "gain-absurd",
  TrimOutOfRange: "trim-out-of-range",
  SampleRateOutOfRange: "samplerate-out-of-range",
  UnknownWord: "unknown-word",
  FewExamples: "few-examples",
  WeightsExtrapolate: "weights-extrapolate",
  DuplicateWord: "duplicate-word",
  EmptyMorph: "empty-morph",
  DuplicateMorph: "duplicate-morph",
  DuplicateStatement: "duplicate-statement",
  DuplicatePresetName: "duplicate-preset-name",
  TooManyBands: "too-many-bands",
  EmptyPreset: "empty-preset",
  GeneratedFrequencyAboveNyquist: "generated-frequency-above-nyquist",
  GeneratedNotFinite: "generated-not-finite",
  EmptyTags: "empty-tags",
  DuplicateTag: "duplicate-tag",
  TagCircular: "tag-circular",
  TagOnFlatPreset: "tag-on-flat-preset",
  TeamWordShadowsBundled: "team-word-shadows-bundled",
  TeamWordDisagrees: "team-word-disagrees",
  UseMissing: "use-missing",
  UseAmbiguous: "use-ambiguous",
  UseCycle: "use-cycle",
  UsedPresetErrors: "used-preset-errors",
  LockChanged: "lock-changed",
  LockMissing: "lock-missing",
  FileNotRead: "file-not-read",
  TooManyDiagnostics: "too-many-diagnostics",
} as const;

export type DiagnosticCode = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

export type Severity = "error" | "warning" | "information" | "hint";

/** What a quick fix needs, carried on the diagnostic so the fix never re-derives it. */
export type DiagnosticData =
  /** `titles`: what each replacement's quick fix says; `define`: an unknown word to define by tagging a preset. */
  /** `use`: a preset of the shipped library the unknown word names, offered as a `use` line. */
  | { fix: "replace"; replacements: string[]; titles?: string[]; define?: string; use?: string }
  | { fix: "clamp"; replacement: string; value: number }
  /** A morph whose bands moved since the lockfile: the locked bands, to keep them by expanding. */
  | { fix: "lock"; lockedBands: { slot: string; frequencyHz: number; gainDb: number; q: number }[]; preset: string };

export interface EqDiagnostic {
  range: Range;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  data?: DiagnosticData;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

export function sortDiagnostics(diagnostics: EqDiagnostic[]): EqDiagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  );
}

/**
 * The most diagnostics given for one document: more help nobody, and two million of them make a
 * message the editor's connection cannot even serialise.
 */
export const MAX_DIAGNOSTICS_PER_DOCUMENT = 1000;

/** The first MAX_DIAGNOSTICS_PER_DOCUMENT of sorted diagnostics, and one that says how many more there are. */
export function capDiagnostics(sorted: EqDiagnostic[]): EqDiagnostic[] {
  if (sorted.length <= MAX_DIAGNOSTICS_PER_DOCUMENT) return sorted;
  const more = sorted.length - MAX_DIAGNOSTICS_PER_DOCUMENT;
  return [
    ...sorted.slice(0, MAX_DIAGNOSTICS_PER_DOCUMENT),
    {
      range: sorted[MAX_DIAGNOSTICS_PER_DOCUMENT]!.range,
      severity: "information",
      code: DiagnosticCode.TooManyDiagnostics,
      message: `${more} more diagnostics not shown (at most ${MAX_DIAGNOSTICS_PER_DOCUMENT} per document)`,
    },
  ];
}
