/** The core's import: see ARCHITECTURE.md. */
export * from "./apoParser.js";
export * from "./apoToPreset.js";
