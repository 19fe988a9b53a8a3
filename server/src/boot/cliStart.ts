/**
 * `dist/cli.js`: runs the `eqp` bundle (`dist/cli-bundle.js`) through V8's code cache
 * (codeCache.ts): a CI job runs eqp once per check, and compiling the bundle was most of a short run.
 * `eqp apply …` runs its own smaller bundle (`dist/cli-apply.js`, cli/src/applyMain.ts): a folder
 * script calls it once per file, and loading every other command was most of a minute's file.
 */
import * as path from "node:path";
import { setFlagsFromString } from "node:v8";
import { runWithCodeCache } from "./codeCache.js";

const apply = process.argv[2] === "apply";
// The start allocates in bursts (the parser's tables) and V8 answers by doubling the young
// generation up to 16 MB, which a filter loop that allocates nothing never uses again: kept at
// its first size, a file's peak memory is ~5 MB lower, for a few more (short) scavenges.
if (apply) setFlagsFromString("--semi-space-growth-factor=1");
// V8 optimises a function once it has run ~66 KB of bytecode; the start's one-off functions (the
// parser's analysis of the grammar) reached that and were optimised for nothing, their compiles
// ~1.5 MB of a file's peak memory. At 300 KB they stay in the interpreter, and the filter loop,
// which runs millions of times, is optimised as soon as before (the same speed, 60 s and 600 s).
if (apply) setFlagsFromString("--interrupt-budget=300000");
runWithCodeCache(path.join(__dirname, apply ? "cli-apply.js" : "cli-bundle.js"));
