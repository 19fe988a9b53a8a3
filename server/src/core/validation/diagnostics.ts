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
  EmptyTags: "empty-tags",
  DuplicateTag: "duplicate-tag",
  TagCircular: "tag-circular",
  TagOnFlatPreset: "tag-on-flat-preset",
  TeamWordShadowsBundled: "team-word-shadows-bundled",
  TeamWordDisagrees: "team-word-disagrees",
  LockChanged: "lock-changed",
  LockMissing: "lock-missing",
} as const;

export type DiagnosticCode = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

export type Severity = "error" | "warning" | "information" | "hint";

/** What a quick fix needs, carried on the diagnostic so the fix never re-derives it. */
export type DiagnosticData =
  | { fix: "replace"; replacements: string[] }
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
