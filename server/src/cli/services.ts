/**
 * The CLI's services: the core's `EqServices` with the model of `--model` (default: the bundled
 * one). Unlike the editor, which falls back to the bundled model, a broken `--model` folder is an
 * error here: CI must not pass on a model it was not asked to use.
 */
import { bundledModelDir, EqServices, readModelMetadata } from "../core/index.js";

export interface CliServicesOptions {
  /** Load the network (tfjs, ~200 ms): needed when a document has a morph, or for describe. */
  network: boolean;
}

export async function cliServices(modelDir: string | undefined, options: CliServicesOptions): Promise<EqServices> {
  const dir = modelDir ?? bundledModelDir();
  const services = new EqServices();
  // The metadata first, for the same message whether or not the network is needed.
  readModelMetadata(dir);
  if (!options.network) {
    services.model.load(modelDir);
    return services;
  }
  const [{ initBackend }, { loadSemanticModel }] = await Promise.all([
    import("../core/network/backend.js"),
    import("../core/network/modelFolder.js"),
  ]);
  await initBackend();
  const { model, metadata } = loadSemanticModel(dir);
  services.model.adopt(dir, model, metadata);
  return services;
}
