/**
 * `dist/cli.js`: runs the `eqp` bundle (`dist/cli-bundle.js`) through V8's code cache
 * (codeCache.ts): a CI job runs eqp once per check, and compiling the bundle was most of a short run.
 */
import * as path from "node:path";
import { runWithCodeCache } from "./codeCache.js";

runWithCodeCache(path.join(__dirname, "cli-bundle.js"));
