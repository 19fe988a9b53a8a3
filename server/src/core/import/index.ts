/** The core's import: see ARCHITECTURE.md. */
export * from "./apoParser.js";
export * from "./apoToPreset.js";
export * from "./apoFilters.js";
export * from "./apoChains.js";
export * from "./apoFit.js";
export * from "./apoGraphic.js";
