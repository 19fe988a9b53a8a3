/** Where the checks put what they find; validateDocument sorts it at the end. */
import type { Range } from "../language/index.js";
import type { EqDiagnostic, Severity } from "./diagnostics.js";

export class DiagnosticSink {
  /** `diagnostics`: where to add, when the caller has some already. */
  constructor(readonly diagnostics: EqDiagnostic[] = []) {}

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
