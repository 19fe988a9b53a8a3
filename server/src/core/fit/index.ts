/** The core's curve fitting: the SAFE 5-band EQ nearest to any magnitude curve, and more bands when asked (see ARCHITECTURE.md). */
export * from "./fitSafeEq.js";
export * from "./fitMoreBands.js";
