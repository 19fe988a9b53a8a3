import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DiagnosticCode,
  GENERATION_WEIGHT,
  parsePresetDocument,
  PresetDiagnosticsCache,
  resolvePresets,
  validateDocument,
  type DiagnosticCode as Code,
  type EqDiagnostic,
} from "../../server/src/core/index.js";
import { withRange } from "../support/markers.js";
import { testVocabulary } from "../support/vocabulary.js";
import { plain } from "../support/plain.js";

function validate(text: string): EqDiagnostic[] {
  return validateDocument(parsePresetDocument(text), { vocabulary: testVocabulary });
}

interface Case {
  code: Code;
  severity: EqDiagnostic["severity"];
  /** The text with «…» around where the diagnostic must be. */
  positive: string;
  /** A close variant that must not raise this code. */
  negative: string;
  message?: RegExp;
}

const cases: Case[] = [
  {
    code: DiagnosticCode.EmptyTags,
    severity: "error",
    positive: "«tags»\nbell 1kHz +2dB",
    negative: "tags punchy\nbell 1kHz +2dB",
  },
  {
    code: DiagnosticCode.DuplicateTag,
    severity: "warning",
    positive: "tags punchy «Punchy»\nbell 1kHz +2dB",
    negative: "tags punchy crisp\nbell 1kHz +2dB",
  },
  {
    code: DiagnosticCode.TagCircular,
    severity: "error",
    positive: "morph warm\ntags «warm»",
    negative: "morph warm\ntags cosy",
  },
  {
    code: DiagnosticCode.TagOnFlatPreset,
    severity: "warning",
    positive: "«tags» punchy\ngain -1dB",
    negative: "tags punchy\nbell 1kHz +2dB",
  },
  {
    code: DiagnosticCode.SyntaxError,
    severity: "error",
    positive: "preset «{»\n}",
    negative: 'preset "A" {\n}',
    message: /name in quotes/,
  },
  {
    code: DiagnosticCode.UnknownStatement,
    severity: "error",
    positive: "«bel» 1kHz +2dB",
    negative: "bell 1kHz +2dB",
    message: /Did you mean 'bell'/,
  },
  {
    code: DiagnosticCode.MissingValue,
    severity: "error",
    positive: "bell 1kHz +2dB «q»",
    negative: "bell 1kHz +2dB q 2",
  },
  { code: DiagnosticCode.MissingUnit, severity: "error", positive: "bell 1kHz «3» q 2", negative: "bell 1kHz 3dB q 2" },
  { code: DiagnosticCode.WrongUnit, severity: "error", positive: "morph warm «0.5dB»", negative: "morph warm 0.5" },
  { code: DiagnosticCode.MissingFrequency, severity: "error", positive: "«bell» +2dB", negative: "bell 2kHz +2dB" },
  {
    code: DiagnosticCode.MissingGain,
    severity: "error",
    positive: "«highshelf» 8kHz",
    negative: "highshelf 8kHz +1dB",
  },
  {
    code: DiagnosticCode.DuplicateParameter,
    severity: "error",
    positive: "bell 1kHz +2dB «+3dB»",
    negative: "bell 1kHz +2dB",
  },
  {
    code: DiagnosticCode.FilterQIgnored,
    severity: "warning",
    positive: "highpass 80Hz 24dB/oct «q 2»",
    negative: "highpass 80Hz 12dB/oct q 2",
  },
  {
    code: DiagnosticCode.FilterGain,
    severity: "error",
    positive: "lowpass 4kHz «-3dB»",
    negative: "lowpass 4kHz 24dB/oct",
  },
  {
    code: DiagnosticCode.SlopeInvalid,
    severity: "error",
    positive: "highpass 80Hz «30dB/oct»",
    negative: "highpass 80Hz 36dB/oct",
  },
  {
    code: DiagnosticCode.BellAdds,
    severity: "information",
    positive: "morph warm\n«bell» 3kHz +3dB q 2",
    negative: "morph warm\nbell1 3kHz +3dB q 2",
  },
  {
    code: DiagnosticCode.FrequencyAboveNyquist,
    severity: "error",
    positive: "samplerate 16kHz\nlowpass «9kHz»",
    negative: "samplerate 16kHz\nlowpass 7kHz",
  },
  {
    code: DiagnosticCode.ShelfQ,
    severity: "warning",
    positive: "lowshelf 100Hz +2dB «q 2»",
    negative: "bell 100Hz +2dB q 2",
  },
  {
    code: DiagnosticCode.FrequencyOutsideBand,
    severity: "warning",
    positive: "lowshelf «1.5kHz» +2dB",
    negative: "lowshelf 900Hz +2dB",
    message: /Low shelf's range 22 Hz–1 kHz/,
  },
  {
    code: DiagnosticCode.FrequencyOutsideBand,
    severity: "warning",
    positive: "bell 1kHz +1dB\nbell «100Hz» +1dB",
    negative: "bell 100Hz +1dB\nbell 1kHz +1dB",
  },
  {
    code: DiagnosticCode.FrequencyInaudible,
    severity: "error",
    positive: "highshelf «25kHz» +2dB",
    negative: "highshelf 19kHz +2dB",
  },
  {
    code: DiagnosticCode.FrequencyInaudible,
    severity: "error",
    positive: "lowshelf «10Hz» +2dB",
    negative: "lowshelf 22Hz +2dB",
  },
  {
    code: DiagnosticCode.FrequencyAboveNyquist,
    severity: "error",
    positive: 'samplerate 32kHz\npreset "A" {\n  highshelf «16kHz» +2dB\n}',
    negative: 'samplerate 48kHz\npreset "A" {\n  highshelf 16kHz +2dB\n}',
    message: /Nyquist frequency 16 kHz/,
  },
  {
    code: DiagnosticCode.FrequencyAboveNyquist,
    severity: "error",
    positive: 'samplerate 48kHz\npreset "A" {\n  samplerate 22.05kHz\n  highshelf «12kHz» +2dB\n}',
    negative: 'samplerate 22.05kHz\npreset "A" {\n  samplerate 48kHz\n  highshelf 12kHz +2dB\n}',
  },
  {
    code: DiagnosticCode.QOutOfRange,
    severity: "warning",
    positive: "bell 1kHz +2dB q «12»",
    negative: "bell 1kHz +2dB q 10",
  },
  {
    code: DiagnosticCode.QInvalid,
    severity: "error",
    positive: "bell 1kHz +2dB q «-1»",
    negative: "bell 1kHz +2dB q 0.1",
  },
  {
    code: DiagnosticCode.GainOutOfRange,
    severity: "warning",
    positive: "bell 1kHz «+13dB»",
    negative: "bell 1kHz +12dB",
  },
  { code: DiagnosticCode.GainAbsurd, severity: "error", positive: "bell 1kHz «-60dB»", negative: "bell 1kHz -48dB" },
  { code: DiagnosticCode.TrimOutOfRange, severity: "warning", positive: "gain «-30dB»", negative: "gain -24dB" },
  {
    code: DiagnosticCode.SampleRateOutOfRange,
    severity: "error",
    positive: "samplerate «4kHz»",
    negative: "samplerate 8kHz",
  },
  {
    code: DiagnosticCode.UnknownWord,
    severity: "error",
    positive: "morph «wram» 0.5",
    negative: "morph warm 0.5",
    message: /Did you mean 'warm'/,
  },
  {
    code: DiagnosticCode.UnknownWord,
    severity: "error",
    positive: "morph «xyzzy»",
    negative: "morph bright",
    message: /the model knows warm, bright/,
  },
  {
    code: DiagnosticCode.FewExamples,
    severity: "information",
    positive: "morph «clear» 0.5",
    negative: "morph warm 0.5",
    message: /only 8 examples/,
  },
  {
    code: DiagnosticCode.WeightsExtrapolate,
    severity: "warning",
    positive: "«morph warm 0.8 bright -0.4»",
    negative: "morph warm 0.6 bright -0.4",
  },
  {
    code: DiagnosticCode.WeightsExtrapolate,
    severity: "warning",
    positive: "«morph warm bright»",
    negative: "morph warm",
  },
  {
    code: DiagnosticCode.DuplicateWord,
    severity: "warning",
    positive: "morph warm 0.3 «warm» 0.2",
    negative: "morph warm 0.3 bright 0.2",
  },
  { code: DiagnosticCode.EmptyMorph, severity: "error", positive: "«morph»", negative: "morph warm" },
  {
    code: DiagnosticCode.DuplicateMorph,
    severity: "error",
    positive: "morph warm 0.5\n«morph» bright 0.5",
    negative: "morph warm 0.5 bright 0.5",
  },
  {
    code: DiagnosticCode.DuplicateStatement,
    severity: "warning",
    positive: "gain -1dB\n«gain» -2dB",
    negative: "gain -1dB",
  },
  {
    code: DiagnosticCode.DuplicatePresetName,
    severity: "error",
    positive: 'preset "Hit" {\n  gain -1dB\n}\npreset «"hit"» {\n  gain -1dB\n}',
    negative: 'preset "Hit" {\n  gain -1dB\n}\npreset "Hit 2" {\n  gain -1dB\n}',
  },
  {
    code: DiagnosticCode.TooManyBands,
    severity: "error",
    // Any number of bells: only a second `bellN` of one slot has no band left.
    positive: "bell2 100Hz +1dB\nbell 1kHz +1dB\n«bell2» 5kHz +1dB",
    negative: "bell 100Hz +1dB\nbell 1kHz +1dB\nbell 5kHz +1dB\nbell 8kHz +1dB",
  },
  {
    code: DiagnosticCode.TooManyBands,
    severity: "error",
    positive: "lowshelf 100Hz +1dB\n«lowshelf» 200Hz +1dB",
    negative: "lowshelf 100Hz +1dB\nhighshelf 2kHz +1dB",
  },
  {
    code: DiagnosticCode.EmptyPreset,
    severity: "warning",
    positive: '«preset» "A" {\n}',
    negative: 'preset "A" {\n  gain 0dB\n}',
  },
];

describe("validation: each code has a positive and a negative case", () => {
  for (const testCase of cases) {
    it(`${testCase.code}: ${JSON.stringify(testCase.positive.split("\n").find((line) => line.includes("«")))}`, () => {
      const { text, range } = withRange(testCase.positive);
      const found = validate(text).filter((diagnostic) => diagnostic.code === testCase.code);
      assert.equal(found.length, 1, `expected one ${testCase.code}, got ${JSON.stringify(validate(text))}`);
      assert.deepEqual(plain(found[0]!.range), range);
      assert.equal(found[0]!.severity, testCase.severity);
      if (testCase.message) assert.match(found[0]!.message, testCase.message);
      const negative = validate(testCase.negative).filter((diagnostic) => diagnostic.code === testCase.code);
      assert.deepEqual(negative, [], `negative case raised ${testCase.code}`);
    });
  }

  it("covers every code the core defines, except those of the model", () => {
    const covered = new Set(cases.map((testCase) => testCase.code));
    const untested = Object.values(DiagnosticCode).filter(
      // The model's and the workspace's codes need a network or other files: test/cli/team-words.test.ts.
      (code) =>
        !covered.has(code) &&
        code !== DiagnosticCode.GeneratedFrequencyAboveNyquist &&
        // A decoder giving NaN: test/cli/faults.test.ts. Not validateDocument's: EqServices.check's
        // (file-not-read: test/cli/hostile-workspace.test.ts; too-many-diagnostics: capDiagnostics).
        code !== DiagnosticCode.GeneratedNotFinite &&
        code !== DiagnosticCode.FileNotRead &&
        code !== DiagnosticCode.TooManyDiagnostics &&
        !code.startsWith("team-word-") &&
        !code.startsWith("lock-") &&
        // The `use` checks read other files: EqServices.check's, test/unit/uses.test.ts.
        !code.startsWith("use"),
    );
    assert.deepEqual(untested, []);
  });
});

describe("validation details", () => {
  it("gives no diagnostics for a clean preset", () => {
    const text =
      'samplerate 48kHz\npreset "VO" {\n  lowshelf 120Hz -4dB\n  bell 300Hz -2dB q 1.4\n  bell 3kHz +2.5dB\n  bell 6.5kHz -3dB q 4\n  highshelf 12kHz +1.5dB\n  gain -1dB\n}\n';
    assert.deepEqual(validate(text), []);
  });

  it("carries clamp fixes with values that parse back in range", () => {
    const [diagnostic] = validate("bell 1kHz +15dB");
    assert.deepEqual(diagnostic!.data, { fix: "clamp", replacement: "+12dB", value: 12 });
    const [nyquist] = validate("samplerate 32kHz\nhighshelf 17kHz +1dB").filter(
      (d) => d.code === DiagnosticCode.FrequencyAboveNyquist,
    );
    assert.equal(nyquist!.data?.fix, "clamp");
    const clamped = (nyquist!.data as { value: number }).value;
    assert.ok(clamped < 16000 && clamped > 15000, String(clamped));
  });

  it("suggests the unknown word's nearest neighbour as a fix", () => {
    const [diagnostic] = validate("morph brigth");
    // Since issue 21 the data also names the word to define by tagging a preset.
    assert.deepEqual(diagnostic!.data, { fix: "replace", replacements: ["bright"], define: "brigth" });
  });

  it("keeps diagnostics after a broken line", () => {
    const text = 'preset "A" {\n  bell 1kHz +3dB ]]\n}\npreset "B" {\n  morph wram\n}\n';
    const codes = validate(text).map((diagnostic) => diagnostic.code);
    assert.ok(codes.includes(DiagnosticCode.SyntaxError));
    assert.ok(codes.includes(DiagnosticCode.UnknownWord));
  });

  it("sorts diagnostics by position", () => {
    const positions = validate("morph wram\nbell 1kHz +20dB\nlowshelf 5Hz 0dB").map((d) => d.range.start.line);
    assert.deepEqual(
      positions,
      [...positions].sort((a, b) => a - b),
    );
  });
});

describe("few-examples: once per word and file", () => {
  const context = { vocabulary: testVocabulary };
  const presetUsing = (name: string, morph: string) => `preset "${name}" {\n  morph ${morph}\n}\n`;
  const fewExamplesNotes = (diagnostics: EqDiagnostic[]) =>
    diagnostics
      .filter((diagnostic) => diagnostic.code === DiagnosticCode.FewExamples)
      .map((diagnostic) => `${diagnostic.range.start.line}:${diagnostic.message.split("'")[1]}`);

  it("notes a low-confidence word at its first use only, each such word once", () => {
    // Before: a note on every use (three for 'clear' here).
    const text = [
      presetUsing("A", "warm 0.5"),
      presetUsing("B", "clear 0.5"),
      presetUsing("C", "clear 0.3 airy 0.2"),
      presetUsing("D", "airy 0.4 clear 0.1"),
    ].join("");
    assert.deepEqual(fewExamplesNotes(validate(text)), ["4:clear", "7:airy"]);
  });

  it("stays right when the preset cache reuses presets across edits", () => {
    const cache = new PresetDiagnosticsCache();
    const check = (text: string) => {
      const document = parsePresetDocument(text);
      const presets = resolvePresets(document);
      const cached = cache.validate(text, document, presets, context, [testVocabulary]);
      assert.deepEqual(plain(cached), plain(validateDocument(document, context, presets)));
      return fewExamplesNotes(cached);
    };
    const first = presetUsing("B", "clear 0.5");
    const rest = presetUsing("C", "clear 0.3") + presetUsing("D", "clear 0.2");
    assert.deepEqual(check(first + rest), ["1:clear"]);
    // The first use removed: the note moves to the next use, which the cache had kept without one.
    assert.deepEqual(check(rest), ["1:clear"]);
    assert.deepEqual(check(presetUsing("A", "warm 1") + rest), ["4:clear"]);
    assert.deepEqual(check(first + rest), ["1:clear"]);
  });
});

describe("per-preset diagnostics cache: memory", () => {
  it("holds at most twice a generation's weight, however many distinct presets it has seen", () => {
    const cache = new PresetDiagnosticsCache();
    const context = { vocabulary: testVocabulary };
    // Each text a new preset with diagnostics (a missing gain, an unknown statement): all misses, all stored.
    for (let i = 0; i < 4000; i++) {
      const text = `preset "P${i}" {\n  bell ${1000 + i}Hz\n  wobble ${i}\n}\n`;
      const document = parsePresetDocument(text);
      const presets = resolvePresets(document);
      const diagnostics = cache.validate(text, document, presets, context, [testVocabulary]);
      if (i === 0) assert.ok(diagnostics.length >= 2, JSON.stringify(plain(diagnostics)));
    }
    const { entries, weight } = cache.stored;
    assert.ok(entries > 0 && weight <= 2 * GENERATION_WEIGHT, `${entries} entries of weight ${weight}`);
  });
});
