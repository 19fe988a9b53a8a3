/** @semantic-eq/runtime: load exported EQ presets and run them, with no dependencies. */
export * from "./types.js";
export { coefficients, magnitudeDb } from "./coefficients.js";
export { loadPresets, PresetError } from "./load.js";
export { createEqNode, setPreset, type EqNode } from "./webaudio.js";
