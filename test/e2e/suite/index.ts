/**
 * The Mocha runner VS Code's extension host loads as `extensionTestsPath`: it calls `run()` and
 * exits with 0 when the promise resolves, 1 when it rejects. Bundled, with Mocha and the tests,
 * into dist/e2e/index.js by test/e2e/build.mjs (the extension host needs CommonJS).
 */
import Mocha from "mocha";

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: "bdd", reporter: "spec", color: false, timeout: 30_000 });
  // The tests are bundled in, not files Mocha could require: announce a "file" so Mocha's BDD
  // interface defines describe/it on the context, then evaluate the test modules. They import
  // describe/it from "mocha", which forward to that context.
  // Static imports, in this order (esbuild bundles them); settings last: it resets the model and
  // training settings the suites before it set.
  const suites: [string, () => Promise<unknown>][] = [
    ["extension.e2e.ts", () => import("./extension.e2e.js")],
    ["training.e2e.ts", () => import("./training.e2e.js")],
    ["preview.e2e.ts", () => import("./preview.e2e.js")],
    ["editor.e2e.ts", () => import("./editor.e2e.js")],
    ["team.e2e.ts", () => import("./team.e2e.js")],
    ["fineTune.e2e.ts", () => import("./fineTune.e2e.js")],
    ["cli.e2e.ts", () => import("./cli.e2e.js")],
    ["settings.e2e.ts", () => import("./settings.e2e.js")],
  ];
  for (const [file, load] of suites) {
    mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, file, mocha);
    await load();
  }

  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} end-to-end test${failures === 1 ? "" : "s"} failed`);
}
