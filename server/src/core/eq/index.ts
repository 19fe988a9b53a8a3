/** The core's eq: see ARCHITECTURE.md. */
export * from "./analysis.js";
export * from "./axis.js";
export * from "./bands.js";
export * from "./biquad.js";
export * from "./filters.js";
export * from "./svg.js";
