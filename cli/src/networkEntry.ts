/**
 * The network (tfjs) apart from the lean `eqp apply` bundle, as dist/cli-network.js: its imports of
 * core/network's backend and model folder become a `require` of this file (esbuild.mjs), made only
 * when a preset has a morph, so that applying a preset of plain bands never reads tfjs's ~1.4 MB.
 */
export * from "../../server/src/core/network/backend.js";
export * from "../../server/src/core/network/modelFolder.js";
