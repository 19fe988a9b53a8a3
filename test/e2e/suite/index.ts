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
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, "extension.e2e.ts", mocha);
  await import("./extension.e2e.js");
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, "training.e2e.ts", mocha);
  await import("./training.e2e.js");
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, "preview.e2e.ts", mocha);
  await import("./preview.e2e.js");
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, "editor.e2e.ts", mocha);
  await import("./editor.e2e.js");

  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, "team.e2e.ts", mocha);
  await import("./team.e2e.js");
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, "fineTune.e2e.ts", mocha);
  await import("./fineTune.e2e.js");
  // Last: it resets the model and training settings the suites above set.
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, "settings.e2e.ts", mocha);
  await import("./settings.e2e.js");

  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} end-to-end test${failures === 1 ? "" : "s"} failed`);
}
