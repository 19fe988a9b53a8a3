// Gives the words of core/model/wordPriors.ts (distant) the target a retrain would give them, in a
// model folder's metadata.json, without retraining its network: each such word's examples are
// read from the crowd data, their mean curve shrunk toward the prior (wordModels in
// training/modelBuilding.ts, the code `eqp train` runs), and its output latent and summary
// rewritten. Prints the word's curve before and after at a few frequencies.
//
// Usage: node --import tsx scripts/apply-word-priors.ts [model folder] [SAFE csv] [SocialFX csv]
//   (defaults: model/, ../shared/data/SAFEEqualiserUserData.csv, ../shared/data/SocialFX_eq_contributions.csv)
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { writeFileAtomicSync } from "../server/src/core/files/atomicWrite.js";
import { curveRegionsSummary } from "../server/src/core/model/curveSummary.js";
import { EVALUATION_FREQUENCIES, evaluationCurve } from "../server/src/core/model/metrics.js";
import { SemanticModel } from "../server/src/core/model/semanticModel.js";
import { WORD_PRIORS, withPrior } from "../server/src/core/model/wordPriors.js";
import { initBackend } from "../server/src/core/network/backend.js";
import { loadSemanticModel } from "../server/src/core/network/modelFolder.js";
import { prepareCrowdData } from "../server/src/core/training/crowdData.js";
import { loadDataset } from "../server/src/core/training/dataset.js";
import { wordModels } from "../server/src/core/training/modelBuilding.js";
import { loadSocialFx } from "../server/src/core/training/socialfx.js";

const [
  folder = "model",
  safeFile = "../shared/data/SAFEEqualiserUserData.csv",
  socialFile = "../shared/data/SocialFX_eq_contributions.csv",
] = process.argv.slice(2);
const metadataFile = path.resolve(folder, "metadata.json");

await initBackend();
const { model } = loadSemanticModel(path.resolve(folder));
const crowd = prepareCrowdData(loadDataset(safeFile, { minExamples: 1 }), loadSocialFx(socialFile), { seed: 1 });
const words = crowd.words.filter((entry) => Object.hasOwn(WORD_PRIORS, entry.word) && model.word(entry.word));
const rebuilt = wordModels(model.network, crowd.rows, words, model.bounds);

const metadata = JSON.parse(readFileSync(metadataFile, "utf8")) as {
  vocabulary: { word: string; summary?: string }[];
  model: { words: { word: string; outputLatent?: number[]; summary?: string }[] };
};
const curve0 = () => EVALUATION_FREQUENCIES.length;
const probe = [1000, 4000, 8000, 11000, 16000];
const at = (curve: Float64Array) =>
  probe
    .map((f) => {
      const i = EVALUATION_FREQUENCIES.findIndex((g) => g >= f);
      return `${f / 1000} kHz ${curve[i]!.toFixed(1)} dB`;
    })
    .join(", ");
for (const word of rebuilt) {
  const before = evaluationCurve(model.generate([{ word: word.word, weight: 1 }]));
  const entry = metadata.model.words.find((candidate) => candidate.word === word.word)!;
  if (word.outputLatent) entry.outputLatent = word.outputLatent;
  else delete entry.outputLatent;
  const updated = { ...model.word(word.word)!, outputLatent: word.outputLatent ?? word.centroid };
  const after = evaluationCurve(
    new SemanticModel(model.network, model.bounds, model.flatLatent, [updated]).generate([
      { word: word.word, weight: 1 },
    ]),
  );
  const summary = curveRegionsSummary(EVALUATION_FREQUENCIES, after);
  metadata.vocabulary.find((candidate) => candidate.word === word.word)!.summary = summary;
  entry.summary = summary;
  const examples = crowd.rows.filter((row) => row.word === word.word).map((row) => evaluationCurve(row.values));
  const crowdMean = examples.reduce(
    (sum, curve) => sum.map((value, i) => value + curve[i]! / examples.length),
    new Float64Array(curve0()),
  );
  const target = withPrior(word.word, crowdMean, examples.length, EVALUATION_FREQUENCIES);
  console.log(`${word.word} (${word.examples} examples): crowd mean ${at(crowdMean)}`);
  console.log(`  target ${at(target)}\n  before ${at(before)}\n  after ${at(after)} — ${summary}`);
}
writeFileAtomicSync(metadataFile, `${JSON.stringify(metadata, null, 2)}\n`);
model.dispose();
