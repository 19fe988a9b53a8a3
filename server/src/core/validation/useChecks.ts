/**
 * The checks of `use` lines: a used preset that is not found, found in several files, on a cycle,
 * or with errors of its own. They read other files (the workspace, the library), so they are not
 * cached with the preset's own checks (presetCache.ts): they run at every check of a file that has
 * `use` lines, with one resolver for the whole file (each used preset is found and checked once).
 */
import { quoted, type UseStatement } from "../language/index.js";
import { closest } from "../model/index.js";
import type { PresetHome, UseProblem, UseResolver } from "../presets/index.js";
import { nameKey, presetLabel } from "../presets/index.js";
import { DiagnosticCode, type EqDiagnostic } from "./diagnostics.js";

/** The errors of a used preset, its own and its use lines' (the caller memoises them per check). */
export type UsedPresetErrors = (home: PresetHome) => readonly EqDiagnostic[];

const PROBLEM_CODES = {
  "no-name": DiagnosticCode.UseMissing,
  missing: DiagnosticCode.UseMissing,
  ambiguous: DiagnosticCode.UseAmbiguous,
  cycle: DiagnosticCode.UseCycle,
} as const;

/** Where a used preset is, for a message: `dialogue.eqp:3:1` or `the library's telephone`. */
export function usedPlace(home: PresetHome, line: number, character: number): string {
  const file = home.file === undefined ? "this document" : (home.file.split(/[\\/]/).pop() ?? home.file);
  return `${file}:${line + 1}:${character + 1}`;
}

function useRange(use: UseStatement) {
  return use.nameRange ?? use.keywordRange;
}

/**
 * A missing name's diagnostic: with the nearest name it could have meant (edit distance, case aside)
 * as "did you mean" and a quick fix, when one is near enough to be a typo.
 */
function problemDiagnostic(
  use: UseStatement,
  problem: UseProblem,
  resolver: UseResolver,
  home: PresetHome,
): EqDiagnostic {
  const diagnostic: EqDiagnostic = {
    range: useRange(use),
    severity: "error",
    code: PROBLEM_CODES[problem.kind],
    message: problem.message,
  };
  if (problem.kind !== "missing" || use.name === undefined || use.file !== undefined || use.fromRange)
    return diagnostic;
  const key = nameKey(use.name);
  const written = new Map<string, string>();
  for (const name of resolver.namesFor(home)) {
    const candidate = nameKey(name);
    if (candidate !== key && !written.has(candidate)) written.set(candidate, name);
  }
  const nearest = closest(key, [...written.keys()]);
  if (nearest === undefined) return diagnostic;
  const name = quoted(written.get(nearest)!);
  return {
    ...diagnostic,
    message: `${problem.message}; did you mean ${name}?`,
    data: { fix: "replace", replacements: [name], titles: [`Use ${name}`] },
  };
}

/** The diagnostics of the `use` lines of `home`'s preset. */
export function useDiagnostics(home: PresetHome, resolver: UseResolver, usedErrors: UsedPresetErrors): EqDiagnostic[] {
  const out: EqDiagnostic[] = [];
  for (const use of home.preset.uses) {
    const problem = resolver.problemAt(use, home);
    if (problem) {
      out.push(problemDiagnostic(use, problem, resolver, home));
      continue;
    }
    const found = resolver.target(use, home);
    if (!("home" in found)) continue;
    const errors = usedErrors(found.home);
    const first = errors[0];
    if (!first) continue;
    const where = usedPlace(found.home, first.range.start.line, first.range.start.character);
    out.push({
      range: useRange(use),
      severity: "error",
      code: DiagnosticCode.UsedPresetErrors,
      message: `The used preset ${presetLabel(found.home.preset)} has ${errors.length === 1 ? "an error" : `${errors.length} errors`}; the first, at ${where}: ${first.message}`,
    });
  }
  return out;
}
