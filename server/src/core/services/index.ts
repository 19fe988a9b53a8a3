/** The services shared by every front end: the model in use, morph resolution, a document's meaning. */
export * from "./modelHost.js";
export * from "./services.js";
