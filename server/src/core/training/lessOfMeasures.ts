/**
 * How well "less of" mirrors "more of", per word (model/README.md, scripts/less-of-table.ts and
 * the shipped-model tests read the same numbers): the correlation of the curves of `w 1` and
 * `w -1`, and the largest boost `w -1` adds where `w 1` cuts nothing.
 */
import { evaluationCurve } from "../model/metrics.js";
import type { SemanticModel } from "../model/semanticModel.js";
import { pearson } from "./socialfxScale.js";

/** "Cuts nothing": the curve of `w 1` is above this (dB) at that frequency. */
export const CUTS_NOTHING_ABOVE_DB = -0.5;

export interface LessOfMeasure {
  word: string;
  level: string;
  /** Pearson correlation of the dB curves of `w 1` and `w -1` (goal: −1). */
  correlation: number;
  /** Largest lift of `w -1` at a frequency where `w 1` cuts nothing, dB (0 when it lifts nothing there). */
  newBoostDb: number;
  /** Largest lift of `w 1` and largest cut of `w -1`, dB: how much is taken away. */
  liftDb: number;
  cutDb: number;
}

export function lessOfMeasure(model: SemanticModel, word: string): LessOfMeasure {
  const more = evaluationCurve(model.generate([{ word, weight: 1 }]));
  const less = evaluationCurve(model.generate([{ word, weight: -1 }]));
  let newBoostDb = 0;
  for (let i = 0; i < more.length; i++)
    if (more[i]! > CUTS_NOTHING_ABOVE_DB) newBoostDb = Math.max(newBoostDb, less[i]!);
  return {
    word,
    level: model.vocabulary.confidenceOf(word)?.level ?? "",
    correlation: pearson(more, less),
    newBoostDb,
    liftDb: Math.max(0, ...more),
    cutDb: Math.min(0, ...less),
  };
}

/** Every word of the model, highest confidence first. */
export function lessOfMeasures(model: SemanticModel): LessOfMeasure[] {
  return model.vocabulary.byConfidence().map((info) => lessOfMeasure(model, info.word));
}

/** The table for model/README.md. */
export function lessOfTable(measures: readonly LessOfMeasure[]): string {
  const lines = [
    "| word | confidence | correlation of `w 1` and `w -1` | new boost of `w -1` (dB) | largest lift of `w 1` / cut of `w -1` (dB) |",
    "|---|---|---|---|---|",
  ];
  const sign = (value: number, digits: number) => value.toFixed(digits).replace("-", "−");
  for (const m of measures)
    lines.push(
      `| ${m.word} | ${m.level} | ${sign(m.correlation, 2)} | ${sign(m.newBoostDb, 1)} | ${sign(m.liftDb, 1)} / ${sign(m.cutDb, 1)} |`,
    );
  return lines.join("\n");
}
