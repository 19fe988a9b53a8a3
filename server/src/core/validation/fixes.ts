/**
 * The quick fixes a diagnostic's data offers, as plain records: `eqp check --format json` prints
 * them, so that a pipeline (or a user without the editor) sees the same ways forward.
 */
import type { DiagnosticData } from "./diagnostics.js";

export interface FixRecord {
  title: string;
  /** The text that replaces the diagnostic's range. */
  replace?: string;
  /** An unknown word to define by tagging a preset with its bands. */
  define?: string;
}

export function fixesOf(data: Extract<DiagnosticData, { fix: "replace" }>): FixRecord[] {
  const fixes: FixRecord[] = data.replacements.map((replacement, index) => ({
    title: data.titles?.[index] ?? `Replace with '${replacement}'`,
    replace: replacement,
  }));
  if (data.define)
    fixes.push({ title: `Define '${data.define}' by tagging a preset with its bands`, define: data.define });
  return fixes;
}
