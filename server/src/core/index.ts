/** The protocol-free core shared by the language server and the CLI. */
export * from "./ast.js";
export * from "./bands.js";
export * from "./diagnostics.js";
export * from "./document.js";
export * from "./metadata.js";
export * from "./numbers.js";
export * from "./presets.js";
export * from "./validate.js";
export * from "./vocabulary.js";
export * from "./format.js";
export * from "./locate.js";
export * from "./modelFiles.js";
export * from "./expand.js";
export * from "./eq/biquad.js";
export * from "./eq/analysis.js";
