// Bundles the extension client, the language server and the CLI into dist/ (CommonJS for Node).
import * as esbuild from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";

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

const builds = [
  { ...common, entryPoints: { extension: "client/src/extension.ts" }, outdir: "dist", external: ["vscode"] },
  { ...common, entryPoints: { server: "server/src/server.ts", cli: "server/src/cli/main.ts" }, outdir: "dist" },
  // The core alone, as shipped inside the server, for benchmarks.
  { ...common, entryPoints: { core: "server/src/core/index.ts" }, outdir: "dist" },
];

mkdirSync("dist", { recursive: true });
// dist/ holds CommonJS bundles inside an ES-module package.
writeFileSync("dist/package.json", JSON.stringify({ type: "commonjs" }, null, 2) + "\n");

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log("esbuild: watching");
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
