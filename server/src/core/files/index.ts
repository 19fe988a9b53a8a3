export * from "./atomicWrite.js";
export * from "./regularFile.js";
