// Bundles the extension client, the language server and the CLI into dist/ (CommonJS for Node),
// and the preview panel's page script into dist/preview.js (an IIFE for the webview's browser).
import * as esbuild from "esbuild";
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

const watch = process.argv.includes("--watch");
const production = process.argv.includes("--production");

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: !production,
  minify: production,
  logLevel: "warning",
  // chevrotain is ESM; bundled into CommonJS it needs no import.meta.
  mainFields: ["module", "main"],
};

/**
 * `eqp train` and `eqp eval` live in a bundle of their own (dist/cli-training.js): the CLI's import
 * of cli/src/trainingCommands.ts stays an import of that file, made only by those commands,
 * so every other command neither loads nor compiles the training code.
 */
const trainingApart = {
  name: "training-apart",
  setup(build) {
    build.onResolve({ filter: /^\.\/trainingCommands\.js$/ }, (args) =>
      args.importer.endsWith(path.join("cli", "src", "modelCommands.ts"))
        ? { path: "./cli-training.js", external: true }
        : undefined,
    );
  },
};

/**
 * In `eqp apply`'s own bundle (dist/cli-apply.js) the network's two entry modules, imported only
 * when a preset has a morph, become a require of dist/cli-network.js (cli/src/networkEntry.ts).
 */
const networkApart = {
  name: "network-apart",
  setup(build) {
    const network = path.join("server", "src", "core", "network");
    build.onResolve({ filter: /\/network\/(backend|modelFolder)\.js$/ }, (args) =>
      path.resolve(args.resolveDir, args.path).includes(network)
        ? { path: "./cli-network.js", external: true }
        : undefined,
    );
  },
};

/**
 * In dist/cli-apply.js commander's `require("node:child_process")` (for executable subcommands,
 * which eqp has none of) becomes a require made on first use: loading the module at the start
 * cost `eqp apply` ~1 MB of its peak memory.
 */
const childProcessOnUse = {
  name: "child-process-on-use",
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes(`${path.sep}commander${path.sep}`)
        ? { path: "child_process", namespace: "on-use" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "on-use" }, () => ({
      contents: 'exports.spawn = (...args) => require("node:child_process").spawn(...args);',
      loader: "js",
    }));
  },
};

/**
 * The bundles run through the code cache hold no character outside ASCII: esbuild escapes them in
 * strings and regular expressions but keeps comments as written, and one "…" in a comment makes
 * V8 hold the whole source (kept for Function#toString) as a two-byte string, twice the memory
 * (2 MB more for `eqp apply`, ~5 MB for the server). Each such UTF-16 unit of a comment becomes
 * "?", one unit for one, so the source maps' columns stay right.
 */
const asciiOnly = {
  name: "ascii-only",
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length > 0) return;
      for (const name of Object.keys(build.initialOptions.entryPoints)) {
        const file = path.join(build.initialOptions.outdir, `${name}.js`);
        const text = readFileSync(file, "utf8");
        if (/[^\x00-\x7f]/.test(text)) writeFileSync(file, text.replace(/[^\x00-\x7f]/g, "?"));
      }
    });
  },
};

const builds = [
  { ...common, entryPoints: { extension: "client/src/extension.ts" }, outdir: "dist", external: ["vscode"] },
  {
    ...common,
    entryPoints: {
      "server-bundle": "server/src/lsp/server.ts",
      "cli-bundle": "cli/src/main.ts",
      // The worker threads of `eqp apply --out-dir`.
      "apply-worker": "cli/src/applyWorker.ts",
    },
    outdir: "dist",
    plugins: [trainingApart, asciiOnly],
    // The bundles run through vm.Script (boot/codeCache.ts), which has no dynamic import():
    // the import of cli-training.js becomes a require.
    supported: { "dynamic-import": false },
  },
  { ...common, entryPoints: { "cli-training": "cli/src/trainingCommands.ts" }, outdir: "dist" },
  // `eqp apply` alone (boot/cliStart.ts chooses it): the other commands neither loaded nor compiled,
  // and the network only for a morph.
  {
    ...common,
    entryPoints: { "cli-apply": "cli/src/applyMain.ts" },
    outdir: "dist",
    plugins: [networkApart, childProcessOnUse, asciiOnly],
    // Minified in every build, not only --production: V8 keeps the source of a bundle it runs
    // (987 KB as written, 394 KB minified) and its names; ~2 MB of `eqp apply`'s peak memory.
    // The source map still leads to the sources.
    minify: true,
    supported: { "dynamic-import": false },
  },
  // Minified and ASCII for the same reasons as cli-apply.js: Node's require keeps its source too.
  {
    ...common,
    entryPoints: { "cli-network": "cli/src/networkEntry.ts" },
    outdir: "dist",
    plugins: [asciiOnly],
    minify: true,
  },
  // What `node dist/server.js` and `eqp` run: a few lines that load the bundles above through V8's
  // code cache (server/src/boot/codeCache.ts).
  {
    ...common,
    entryPoints: { server: "server/src/boot/serverStart.ts", cli: "server/src/boot/cliStart.ts" },
    outdir: "dist",
  },
  // The core alone, as shipped inside the server, for benchmarks.
  { ...common, entryPoints: { core: "server/src/core/index.ts" }, outdir: "dist" },
  // The preview panel's page: runs in the webview (Chromium of VS Code's Electron >= 1.91), loaded
  // by a <script nonce> under a strict CSP, so one self-contained file with no eval.
  {
    bundle: true,
    platform: "browser",
    target: "chrome120",
    format: "iife",
    sourcemap: !production,
    minify: production,
    logLevel: "warning",
    entryPoints: { preview: "client/src/preview/page/main.ts" },
    outdir: "dist",
  },
  // The runtime package (runtime/): one ES module for browsers, React Native and Node, no dependencies.
  {
    bundle: true,
    platform: "neutral",
    target: "es2020",
    format: "esm",
    sourcemap: false,
    logLevel: "warning",
    entryPoints: { index: "runtime/src/index.ts" },
    outdir: "runtime/dist",
  },
];

mkdirSync("dist", { recursive: true });
// dist/ holds CommonJS bundles inside an ES-module package.
writeFileSync("dist/package.json", JSON.stringify({ type: "commonjs" }, null, 2) + "\n");
// The tfjs wasm backend loads its binaries from next to the bundle (see server/src/core/network/backend.ts).
const wasmDist = path.join(
  path.dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json")),
  "dist",
);
for (const binary of ["tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm.wasm"])
  copyFileSync(path.join(wasmDist, binary), path.join("dist", binary));
// `eqp` in VS Code's terminals: the extension puts dist/bin on their PATH and sets EQP_NODE to the
// Node that VS Code runs it with (client/src/cliCommands.ts), so a .vsix user has eqp without npm.
mkdirSync("dist/bin", { recursive: true });
writeFileSync(
  "dist/bin/eqp",
  [
    "#!/bin/sh",
    "# eqp of the EQ Preset extension: its bundled CLI, run by the Node of VS Code (EQP_NODE, set by the",
    "# extension for its terminals; ELECTRON_RUN_AS_NODE makes VS Code's Electron binary a plain Node).",
    'here=$(dirname "$0")',
    'ELECTRON_RUN_AS_NODE=1 exec "${EQP_NODE:-node}" "$here/../cli.js" "$@"',
    "",
  ].join("\n"),
  { mode: 0o755 },
);
writeFileSync(
  "dist/bin/eqp.cmd",
  [
    "@echo off",
    "setlocal",
    "set ELECTRON_RUN_AS_NODE=1",
    'if defined EQP_NODE ("%EQP_NODE%" "%~dp0..\\cli.js" %*) else (node "%~dp0..\\cli.js" %*)',
    "",
  ].join("\r\n"),
);
// The shipped preset library (`use "telephone"`), found next to the bundles (core/services/library.ts).
rmSync("dist/library", { recursive: true, force: true });
cpSync("library", "dist/library", { recursive: true });

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log("esbuild: watching");
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  // The runtime's types: declarations only, from its own tsconfig.
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const declarations = spawnSync(process.execPath, [tsc, "-p", "runtime/tsconfig.json"], { stdio: "inherit" });
  if (declarations.status !== 0) process.exit(declarations.status ?? 1);
}
