/** The core's validation: see ARCHITECTURE.md. */
export * from "./diagnostics.js";
export * from "./presetCache.js";
export * from "./tags.js";
export * from "./validate.js";
export * from "./fixes.js";
export * from "./useChecks.js";
