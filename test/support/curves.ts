/** Curve helpers for tests. */
export { logFrequencies, responseDb } from "../../server/src/core/index.js";
export { bandsOf as bandsOfParameters } from "../../server/src/core/model/index.js";
