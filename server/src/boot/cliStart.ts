/**
 * `dist/cli.js`: runs the `eqp` bundle (`dist/cli-bundle.js`) through V8's code cache
 * (codeCache.ts): a CI job runs eqp once per check, and compiling the bundle was most of a short run.
 * `eqp apply …` runs its own smaller bundle (`dist/cli-apply.js`, cli/src/applyMain.ts): a folder
 * script calls it once per file, and loading every other command was most of a minute's file.
 */
import * as path from "node:path";
import { runWithCodeCache } from "./codeCache.js";

const bundle = process.argv[2] === "apply" ? "cli-apply.js" : "cli-bundle.js";
runWithCodeCache(path.join(__dirname, bundle));
