/** The core's network: see ARCHITECTURE.md. */
export * from "./backend.js";
export * from "./backprop.js";
export * from "./fusedAdam.js";
export * from "./modelBuilding.js";
export * from "./modelFolder.js";
export * from "./network.js";
export * from "./serialization.js";
export * from "./trainingLoop.js";
export * from "./trainingRun.js";
export * from "./trainOptions.js";
