// Measures `describe` on SAFE-DB's own settings: how often a setting's own word is named first
// (warm, bright, the other describable words), and how far the description, decoded as a morph,
// is from the setting (mean RMS dB over the evaluation grid). Prints a table row for model/README.md.
//
// Usage: node --import tsx scripts/describe-table.ts [model folder] [SAFE csv]
import * as path from "node:path";
import { curveError, evaluationCurve } from "../server/src/core/model/metrics.js";
import { initBackend } from "../server/src/core/network/backend.js";
import { loadSemanticModel } from "../server/src/core/network/modelFolder.js";
import { loadDataset } from "../server/src/core/training/dataset.js";

const [folder = "model", safeFile = "../shared/data/SAFEEqualiserUserData.csv"] = process.argv.slice(2);
await initBackend();
const { model } = loadSemanticModel(path.resolve(folder));
const rows = loadDataset(safeFile, { minExamples: 1 }).rows.filter((row) => model.word(row.word));
const named = new Map<string, { first: number; all: number }>();
const describable = new Set<string>();
let error = 0;
for (const row of rows) {
  const terms = model.describe(row.values);
  for (const term of terms) describable.add(term.word);
  const group = row.word === "warm" || row.word === "bright" ? row.word : "other";
  const tally = named.get(group) ?? { first: 0, all: 0 };
  tally.all++;
  if (terms[0]?.word === row.word) tally.first++;
  named.set(group, tally);
  error += curveError(evaluationCurve(model.generate(terms)), evaluationCurve(row.values)) / rows.length;
}
const percent = (group: string) => {
  const tally = named.get(group)!;
  return `${Math.round((100 * tally.first) / tally.all)} % of ${tally.all}`;
};
console.log(
  `| warm ${percent("warm")} | bright ${percent("bright")} | other SAFE words ${percent("other")} | ${error.toFixed(2)} dB |`,
);
console.log(`words named at least once: ${[...describable].sort().join(", ")}`);
model.dispose();
