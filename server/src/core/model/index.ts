/** The core's model: see ARCHITECTURE.md. */
export * from "./describePreset.js";
export * from "./metadata.js";
export * from "./modelFiles.js";
export * from "./parameters.js";
export * from "./random.js";
export * from "./semanticModel.js";
export * from "./vocabulary.js";
export * from "./curveSummary.js";
export * from "./lessOf.js";
export * from "./metrics.js";
export * from "./timbre.js";
export * from "./synonyms.js";
export * from "./wordPriors.js";
export * from "./describeCurve.js";
