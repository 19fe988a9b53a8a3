/**
 * The protocol-free core shared by the language server and the CLI, by concern (ARCHITECTURE.md).
 * The tfjs network (`network/`) is left out on purpose: it is slow to import, so front ends load it
 * with a dynamic import, off the first request's path.
 */
export * from "./language/index.js";
export * from "./presets/index.js";
export * from "./validation/index.js";
export * from "./eq/index.js";
export * from "./model/index.js";
export * from "./services/index.js";
export * from "./files/index.js";
export * from "./lockfile/index.js";
