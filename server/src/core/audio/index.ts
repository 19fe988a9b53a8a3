/** The core's audio: see ARCHITECTURE.md. */
export * from "./clipping.js";
export * from "./filtering.js";
export * from "./pcm.js";
