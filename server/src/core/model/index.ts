/** The core's model: see ARCHITECTURE.md. */
export * from "./describePreset.js";
export * from "./metadata.js";
export * from "./modelFiles.js";
export * from "./parameters.js";
export * from "./random.js";
export * from "./semanticModel.js";
export * from "./vocabulary.js";
export * from "./curveSummary.js";
