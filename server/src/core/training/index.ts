/**
 * The core's training: data, crowds, evaluation, the trainer and its kernels (see ARCHITECTURE.md).
 * Fine-tuning (fineTune.ts) is imported by its path: it registers tfjs's gradients, which only a
 * bundle can load.
 */
export * from "./backprop.js";
export * from "./crowdData.js";
export * from "./dataset.js";
export * from "./evaluation.js";
export * from "./lessOfMeasures.js";
export * from "./modelBuilding.js";
export * from "./socialfx.js";
export * from "./socialfxScale.js";
export * from "./trainingLoop.js";
export * from "./trainingRun.js";
export * from "./trainOptions.js";
export * from "./wordConfidence.js";
