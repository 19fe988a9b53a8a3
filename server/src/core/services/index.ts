/** The services shared by every front end: the model in use, morph resolution, a document's meaning. */
export * from "./modelHost.js";
export * from "./services.js";
export * from "./teamWords.js";
export * from "./teamDiagnostics.js";
export * from "./workspace.js";
export * from "./walk.js";
export * from "./projectFile.js";
export * from "./library.js";
export * from "./useLookup.js";
