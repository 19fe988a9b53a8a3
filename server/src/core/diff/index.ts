/** The core's diff: what changed between two versions of preset files (see compare.ts); no LSP, no git. */
export * from "./compare.js";
export * from "./overlay.js";
export * from "./report.js";
