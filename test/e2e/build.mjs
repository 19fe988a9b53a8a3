// Bundles the end-to-end Mocha suite (test/e2e/suite) into dist/e2e/index.js, the
// `extensionTestsPath` VS Code's extension host loads: CommonJS for Node, `vscode` left to the
// host, Mocha bundled in (the extension host has no node_modules of its own to find it in).
// Usage: node test/e2e/build.mjs   (from anywhere; paths are taken from this file)
import * as esbuild from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const outdir = path.join(root, "dist", "e2e");

/**
 * Mocha requires its parallel runner (and through it a worker pool that require.resolve()s files
 * next to itself) only in parallel mode, which the suite does not use: bundle a stub instead.
 */
const withoutMochaParallelMode = {
  name: "without-mocha-parallel-mode",
  setup(build) {
    build.onResolve({ filter: /[\\/]parallel-buffered-runner\.cjs$/ }, (args) => ({
      path: args.path,
      namespace: "mocha-parallel-stub",
    }));
    build.onLoad({ filter: /.*/, namespace: "mocha-parallel-stub" }, () => ({
      contents: 'throw new Error("Mocha\'s parallel mode is not bundled into the e2e suite");',
      loader: "js",
    }));
  },
};

/** Builds the suite; resolves to the path of the bundled runner (index.js). */
export async function buildE2E() {
  mkdirSync(outdir, { recursive: true });
  // dist/ is CommonJS inside an ES-module package (esbuild.mjs writes dist/package.json too).
  writeFileSync(path.join(outdir, "package.json"), JSON.stringify({ type: "commonjs" }, null, 2) + "\n");
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { index: "test/e2e/suite/index.ts" },
    outdir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["vscode"],
    sourcemap: "linked",
    logLevel: "warning",
    plugins: [withoutMochaParallelMode],
  });
  return path.join(outdir, "index.js");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`e2e suite bundled: ${path.relative(process.cwd(), await buildE2E())}`);
}
