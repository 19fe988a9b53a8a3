/** Diagnostics: the core's validation, turned into LSP diagnostics with their stable codes. */
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver";
import { pathOfUri, type EqDiagnostic, type EqServices, type Severity } from "../../core/index.js";
import type { ParsedDocument } from "./documentStore.js";

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export const DIAGNOSTIC_SOURCE = "eqpreset";

export class DiagnosticsProvider {
  constructor(private readonly services: EqServices) {}

  /**
   * The LSP form of each core diagnostic: the core hands back the same objects for the presets an
   * edit left alone, so an edit converts only the diagnostics it changed.
   */
  private readonly converted = new WeakMap<EqDiagnostic, Diagnostic>();

  diagnostics(parsed: ParsedDocument): Diagnostic[] {
    return this.services.check(parsed, pathOfUri(parsed.uri)).map((diagnostic) => {
      let lsp = this.converted.get(diagnostic);
      if (!lsp) {
        lsp = toLspDiagnostic(diagnostic);
        this.converted.set(diagnostic, lsp);
      }
      return lsp;
    });
  }
}

export function toLspDiagnostic(diagnostic: EqDiagnostic): Diagnostic {
  const lsp: Diagnostic = {
    range: diagnostic.range,
    severity: SEVERITY[diagnostic.severity],
    code: diagnostic.code,
    source: DIAGNOSTIC_SOURCE,
    message: diagnostic.message,
  };
  if (diagnostic.data) lsp.data = diagnostic.data;
  return lsp;
}
