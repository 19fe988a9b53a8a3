/** The core's protocol: see ARCHITECTURE.md. */
export * from "./preview.js";
export * from "./messages.js";
export * from "./editor.js";
export * from "./modelProvenance.js";
export * from "./binding.js";
export * from "./lock.js";
export * from "./settings.js";
