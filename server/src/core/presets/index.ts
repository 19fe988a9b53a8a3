/** The core's presets: see ARCHITECTURE.md. */
export * from "./expand.js";
export * from "./locate.js";
export * from "./presets.js";
export * from "./document.js";
export * from "./uses.js";
