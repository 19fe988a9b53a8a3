/** The core's model: see ARCHITECTURE.md. */
export * from "./dataset.js";
export * from "./describePreset.js";
export * from "./evaluation.js";
export * from "./metadata.js";
export * from "./metrics.js";
export * from "./modelFiles.js";
export * from "./parameters.js";
export * from "./random.js";
export * from "./semanticModel.js";
export * from "./vocabulary.js";
export * from "./socialfx.js";
export * from "./socialfxScale.js";
export * from "./wordConfidence.js";
export * from "./crowdData.js";
export * from "./curveSummary.js";
export * from "./lessOf.js";
export * from "./lessOfMeasures.js";
