/**
 * A small real model for tests that need one but not the real data: trained for a few epochs on a
 * generated SAFE-shaped CSV, through the same `runTrainingJob` as `eqp train`. Cached per process.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { initBackend } from "../../server/src/core/network/backend.js";
import { loadSemanticModel } from "../../server/src/core/network/modelFolder.js";
import type { SemanticModel } from "../../server/src/core/model/index.js";
import type { Network } from "../../server/src/core/network/index.js";
import { runTrainingJob } from "../../server/src/core/training/trainingRun.js";
import { generateRows, toCsv } from "./safeCsv.js";

let cached: Promise<string> | undefined;

export function fixtureModelDir(): Promise<string> {
  cached ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "eqp-fixture-model-"));
    const data = path.join(dir, "fixture.csv");
    writeFileSync(data, toCsv(generateRows(240, 5, ["warm", "bright", "airy", "crunchy"])));
    const out = path.join(dir, "model");
    await runTrainingJob({ dataFile: data, outDir: out, epochs: 40, seed: 3, evaluate: false });
    return out;
  })();
  return cached;
}

/** The fixture model loaded and ready (the wasm backend initialised); the caller disposes the model. */
export async function loadFixtureModel(): Promise<{ dir: string; model: SemanticModel<Network> }> {
  await initBackend();
  const dir = await fixtureModelDir();
  return { dir, model: loadSemanticModel(dir).model };
}

/** The network and weights files a model folder's metadata.json names (content-named since saves swap atomically). */
export function networkFilesOf(dir: string): { network: string; weights: string } {
  const metadata = JSON.parse(readFileSync(path.join(dir, "metadata.json"), "utf8")) as { model: { network: string } };
  const network = path.join(dir, metadata.model.network);
  const manifest = JSON.parse(readFileSync(network, "utf8")) as { weightsManifest: { paths: string[] }[] };
  return { network, weights: path.join(dir, manifest.weightsManifest[0]!.paths[0]!) };
}

/**
 * Rewrites every float32 weight of a model folder as `weight(index)` and records the new weights'
 * hash in metadata.json, so the folder loads: a folder that is whole but whose network is broken.
 */
export function rewriteWeights(dir: string, weight: (index: number) => number): void {
  const { weights } = networkFilesOf(dir);
  const bytes = readFileSync(weights);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let index = 0; index * 4 < bytes.length; index++) view.setFloat32(index * 4, weight(index), true);
  writeFileSync(weights, bytes);
  const metadataFile = path.join(dir, "metadata.json");
  const metadata = JSON.parse(readFileSync(metadataFile, "utf8")) as { model: { weightsSha256: string } };
  metadata.model.weightsSha256 = createHash("sha256").update(bytes).digest("hex");
  writeFileSync(metadataFile, JSON.stringify(metadata, null, 2));
}
