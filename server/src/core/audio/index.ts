/** The core's audio: see ARCHITECTURE.md. */
export * from "./clipping.js";
export * from "./filtering.js";
export * from "./pcm.js";
export * from "./biquadRunner.js";
export * from "./wavFormat.js";
export * from "./spectrum.js";
export * from "./matchEq.js";
export * from "./wavFileSpectrum.js";
