/**
 * `dist/server.js`: starts the language server bundle (`dist/server-bundle.js`) through V8's code
 * cache (codeCache.ts), so that the editor's later starts compile little.
 */
import * as path from "node:path";
import { runWithCodeCache } from "./codeCache.js";

runWithCodeCache(path.join(__dirname, "server-bundle.js"));
