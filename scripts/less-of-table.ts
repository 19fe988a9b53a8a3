// Prints the "less of" table of model/README.md: for every word of a model, the correlation of
// the curves of `morph w 1` and `morph w -1` and the largest boost `w -1` adds where `w 1` cuts
// nothing, then a summary against the goals of issue 21.
//
// Usage: node --import tsx scripts/less-of-table.ts [model folder]   (default: model/)
import * as path from "node:path";
import { lessOfMeasures, lessOfTable } from "../server/src/core/training/lessOfMeasures.js";
import { initBackend } from "../server/src/core/network/backend.js";
import { loadSemanticModel } from "../server/src/core/network/modelFolder.js";

await initBackend();
const { model } = loadSemanticModel(path.resolve(process.argv[2] ?? "model"));
const measures = lessOfMeasures(model);
console.log(lessOfTable(measures));
const trusted = measures.filter((m) => m.level === "high" || m.level === "medium");
const worst = (list: typeof measures, key: "correlation" | "newBoostDb") => Math.max(...list.map((m) => m[key]));
console.log(
  `\nhigh and medium words: ${trusted.length}, worst correlation ${worst(trusted, "correlation").toFixed(3)} (goal ≤ −0.9)`,
);
console.log(
  `all ${measures.length} words: worst correlation ${worst(measures, "correlation").toFixed(3)}, largest new boost ${worst(measures, "newBoostDb").toFixed(2)} dB (goal ≤ 1)`,
);
model.dispose();
