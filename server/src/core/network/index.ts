/** The core's network: see ARCHITECTURE.md. */
export * from "./backend.js";
export * from "./modelFolder.js";
export * from "./network.js";
export * from "./serialization.js";
export * from "./trainer.js";
export * from "./trainingRun.js";
