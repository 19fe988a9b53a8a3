/**
 * What the team's words say about the file that tags them: a tag that shadows a bundled word (both
 * shown), and examples that disagree wildly (said, not silently averaged).
 */
import * as path from "node:path";
import { DiagnosticCode, type EqDiagnostic } from "../validation/index.js";
import type { ModelHost } from "./modelHost.js";
import { TEAM_DISAGREEMENT_DB } from "./teamWords.js";

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function teamDiagnostics(model: ModelHost, file: string): EqDiagnostic[] {
  const target = path.resolve(file);
  const out: EqDiagnostic[] = [];
  for (const word of model.teamWords.values()) {
    const here = word.examples.filter((example) => example.file === target);
    if (here.length === 0) continue;
    const bundled = model.bundledVocabulary.lookup(word.word);
    for (const example of here) {
      if (bundled) {
        out.push({
          range: example.range,
          severity: "warning",
          code: DiagnosticCode.TeamWordShadowsBundled,
          message:
            `'${word.word}' is a word of the bundled model (${plural(bundled.examples, "example")}${bundled.summary ? `: ${bundled.summary}` : ""}); ` +
            `the team's '${word.word}' (${plural(word.examples.length, "tagged preset")}: ${word.summary}) is not used in morphs, so no preset changes. ` +
            `Rename the tag (for example '${word.word}-team') to use it`,
        });
        continue;
      }
      if (word.examples.length > 1 && word.spreadDb > TEAM_DISAGREEMENT_DB && word.outlier) {
        const outlier = word.outlier.example;
        const where = outlier.file === target ? outlier.preset : `${outlier.preset} in ${path.basename(outlier.file)}`;
        out.push({
          range: example.range,
          severity: "warning",
          code: DiagnosticCode.TeamWordDisagrees,
          message:
            `The ${plural(word.examples.length, "preset")} tagged '${word.word}' disagree: their curves are ${word.spreadDb.toFixed(1)} dB ` +
            `from their mean on average (more than ${TEAM_DISAGREEMENT_DB} dB), so 'morph ${word.word}' is an average of unlike sounds; ` +
            `${where} is furthest (${word.outlier.distanceDb.toFixed(1)} dB)`,
        });
      }
    }
  }
  return out;
}
