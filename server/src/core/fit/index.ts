/** The core's curve fitting: the SAFE 5-band EQ nearest to any magnitude curve (see ARCHITECTURE.md). */
export * from "./fitSafeEq.js";
