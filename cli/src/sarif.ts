/**
 * `eqp check --format sarif`: the diagnostics as a SARIF 2.1.0 log, the format code-scanning
 * dashboards (GitHub code scanning, Azure DevOps, SonarQube) read. Every diagnostic code is a rule
 * with its help text, so a dashboard explains a finding without the README; regions carry line and
 * column as the editor shows them (LSP characters are UTF-16 code units, SARIF's default column kind).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { bundledModelDir, DiagnosticCode, type EqDiagnostic, type Severity } from "../../server/src/core/index.js";

export interface SarifInput {
  file: string;
  diagnostics: EqDiagnostic[];
}

/** What each code means and what to do about it: the README's Diagnostics table, as SARIF help. */
// Keyed by string, not DiagnosticCode: a code added elsewhere must not break this file, and the test asks for its help text.
export const RULE_HELP: Readonly<Record<string, string>> = {
  "syntax-error": "The text does not parse here; the rest of the file is still checked.",
  "unknown-statement": "A line starts with no keyword (for example 'bel 1kHz'); the quick fix offers the nearest one.",
  "missing-value": "A parameter has no value, as in 'q' without a number.",
  "missing-unit": "A number needs its unit: '300Hz', not '300'.",
  "wrong-unit": "The unit does not fit the value, as in '0.5dB' for a morph weight.",
  "missing-frequency": "A band needs a frequency: 'bell 1kHz +2dB'.",
  "missing-gain": "A band needs a gain: 'bell 1kHz +2dB'.",
  "duplicate-parameter": "A band gives the same parameter twice; only one can apply.",
  "shelf-q-ignored": "The shelves of the SAFE EQ have a fixed Q of 0.71; a 'q' on a shelf has no effect. Remove it.",
  "filter-q-ignored":
    "A 'q' on a highpass or lowpass filter whose slope is not 12 dB/oct has no effect: only the 12 dB/oct filter has a resonance. Remove it.",
  "filter-gain": "A highpass, lowpass or notch filter has no gain; remove the gain or use a bell or a shelf.",
  "slope-invalid": "A filter's slope is one of 6, 12, 18, 24, 36 or 48 dB/oct; the quick fix offers the nearest ones.",
  "bell-adds-to-morph":
    "A plain 'bell' in a preset with a morph adds to the morph's five bands; it once replaced the generated Bell N, so write 'bellN' to keep that sound.",
  "frequency-outside-band-range":
    "The frequency lies outside the band's range in the SAFE plug-in; the quick fix clamps it.",
  "frequency-outside-audible-range": "The frequency lies outside 20 Hz to 20 kHz.",
  "frequency-above-nyquist": "The frequency is at or above half the preset's sample rate, where no filter can act.",
  "q-out-of-range": "Q lies outside 0.1 to 10, the SAFE plug-in's range.",
  "q-invalid": "Q must be a positive number.",
  "gain-out-of-range": "The gain lies beyond ±12 dB, the SAFE plug-in's range.",
  "gain-absurd": "The gain lies beyond ±48 dB: a typo, not a setting.",
  "trim-out-of-range": "The output gain lies beyond ±24 dB.",
  "samplerate-out-of-range": "The sample rate lies outside 8 to 384 kHz.",
  "unknown-word": "The model does not know this word; the message names the nearest ones.",
  "few-examples": "The word is backed by fewer than 10 examples in the model's data, so its EQ is uncertain.",
  "weights-extrapolate":
    "The morph's absolute weights add up to more than 1: the EQ goes beyond what the words were rated for.",
  "duplicate-word": "A word appears twice in one morph; give it once with the combined weight.",
  "empty-morph": "'morph' needs at least one word: 'morph warm 0.6'.",
  "duplicate-morph": "A preset has more than one morph; only the first applies.",
  "duplicate-statement": "The statement is given twice in one preset; only the first applies.",
  "duplicate-preset-name": "Two presets share a name; exports and --preset cannot tell them apart.",
  "too-many-bands": "The SAFE EQ has one low shelf, three bells and one high shelf; this band does not fit.",
  "empty-preset": "The preset has no band, no morph and no gain: it does nothing.",
  "generated-frequency-above-nyquist":
    "A band the morph generates lies at or above half the preset's sample rate; set a higher sample rate or write the band out.",
  "generated-not-finite":
    "The model gives no usable number (NaN or infinite) for a band of this morph: its weights or metadata are broken, so the preset is not exported; retrain or use another model folder.",
  "empty-tags": "'tags' needs at least one word: 'tags punchy intimate'.",
  "duplicate-tag": "The tag is given twice in one preset.",
  "tag-circular": "A preset tagged with a word its own morph uses cannot serve as an example of that word.",
  "tag-on-flat-preset": "A tagged preset with no bands and no morph says the tag sounds like a flat EQ.",
  "team-word-shadows-bundled":
    "A team word (a tag on the team's presets) has the name of a word of the bundled model, so morphs keep using the bundled one; rename the tag to use it.",
  "team-word-disagrees":
    "The presets tagged with a team word sound unlike each other, so a morph of that word averages unlike sounds; the message names the furthest one.",
  "use-missing":
    "A 'use' line names a preset that is in no file of the workspace (nor in the 'from' file) nor in the shipped library; check the name or add 'from \"file.eqp\"'.",
  "use-ambiguous":
    "A 'use' line names a preset that several files of the workspace define; add 'from \"file.eqp\"' to say which one.",
  "use-cycle":
    "Presets use each other in a circle, so none of them has a chain to start from; the message shows the circle. Remove one of the use lines.",
  "used-preset-errors":
    "The preset a 'use' line brings in has errors of its own, so its chain is unknown; the message names its first error and where it is.",
  "lock-changed":
    "The bands of a locked morph moved since the lock file recorded them (a new model): accept them with eqp lock, or expand the morph to keep the locked bands.",
  "file-not-read":
    "The file was not read or not analysed (not a regular file, unreadable, or over the size limit); the message says why.",
  "too-many-diagnostics":
    "The document has more diagnostics than are shown (at most 1000 per document); fix the first ones and check again.",
  "lock-missing": "The morph is not in the lock file, or changed since: run eqp lock to record its bands.",
};

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warning: "warning",
  information: "note",
  hint: "note",
};

/** Every code the core can report, in a stable order, so rule indices do not move between runs. */
export function ruleIds(): DiagnosticCode[] {
  return Object.values(DiagnosticCode);
}

export function ruleHelp(code: DiagnosticCode): string {
  return RULE_HELP[code] ?? `See the Diagnostics table of the eqpreset README for '${code}'.`;
}

/**
 * A file's URI as SARIF wants it: relative to the checked folder (uriBaseId %SRCROOT%), so that a
 * dashboard maps it to the repository's file; absolute `file:` URIs for files outside it.
 */
function artifactLocation(file: string, root: string): { uri: string; uriBaseId?: string } {
  const relative = path.relative(root, path.resolve(root, file));
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative))
    return { uri: pathToFileURL(path.resolve(root, file)).href };
  return { uri: relative.split(path.sep).map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
}

/** The installed package's version, found as the bundled model is (next to it); undefined when unreadable. */
export function toolVersion(): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(path.dirname(bundledModelDir()), "package.json"), "utf8")) as {
      name?: unknown;
      version?: unknown;
    };
    return manifest.name === "eqpreset" && typeof manifest.version === "string" ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

/** The SARIF log of a check; `root` is the folder relative URIs start from (the working directory). */
export function sarifLog(
  results: readonly SarifInput[],
  version: string | undefined = toolVersion(),
  root: string = process.cwd(),
): object {
  const ids = ruleIds();
  const rules = ids.map((id) => ({
    id,
    name: id.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase()),
    shortDescription: { text: ruleHelp(id).split(/(?<=\.)\s/)[0]! },
    fullDescription: { text: ruleHelp(id) },
    help: { text: ruleHelp(id) },
  }));
  const sarifResults = results.flatMap((result) =>
    result.diagnostics.map((diagnostic) => {
      const { start, end } = diagnostic.range;
      const index = ids.indexOf(diagnostic.code);
      return {
        ruleId: diagnostic.code,
        ...(index >= 0 ? { ruleIndex: index } : {}),
        level: LEVEL[diagnostic.severity],
        message: { text: diagnostic.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: artifactLocation(result.file, root),
              // SARIF lines and columns are 1-based; an empty range still spans one column.
              region: {
                startLine: start.line + 1,
                startColumn: start.character + 1,
                endLine: end.line + 1,
                endColumn: Math.max(end.character + 1, end.line === start.line ? start.character + 2 : 1),
              },
            },
          },
        ],
      };
    }),
  );
  return {
    $schema: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "eqp",
            fullName: "eqp check (Semantic EQ presets as code)",
            ...(version !== undefined ? { version } : {}),
            rules,
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(root + path.sep).href } },
        columnKind: "utf16CodeUnits",
        results: sarifResults,
      },
    ],
  };
}

/** The log as `eqp check --format sarif` prints it. */
export function sarifText(results: readonly SarifInput[]): string {
  return `${JSON.stringify(sarifLog(results), null, 2)}\n`;
}
