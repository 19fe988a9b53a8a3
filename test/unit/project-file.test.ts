/**
 * `eqpreset.json` is found as `.prettierrc` is (the nearest one at or above a folder), names its
 * model relative to itself, and a broken one is an error with its file, line and column.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import {
  DEFAULT_LOCK_TOLERANCE_DB,
  findProject,
  ProjectFileError,
  useModelInProject,
} from "../../server/src/core/index.js";
import { temporaryFolder } from "../support/cli.js";

const root = temporaryFolder("project-file");
after(() => rmSync(root, { recursive: true, force: true }));

function write(file: string, text: string): string {
  const full = path.join(root, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

describe("the project file", () => {
  it("is the nearest one above the folder, with its model relative to it", () => {
    write("game/.git/HEAD", "ref: refs/heads/main\n");
    write("game/eqpreset.json", '{ "model": "models/m", "lock": { "toleranceDb": 0.25 } }');
    mkdirSync(path.join(root, "game/Audio/Presets"), { recursive: true });
    const project = findProject(path.join(root, "game/Audio/Presets"));
    assert.equal(project.file, path.join(root, "game/eqpreset.json"));
    assert.equal(project.root, path.join(root, "game"));
    assert.equal(project.modelDir, path.join(root, "game/models/m"));
    assert.equal(project.lockToleranceDb, 0.25);
    write("game/Audio/eqpreset.json", "{}");
    const nearer = findProject(path.join(root, "game/Audio/Presets"));
    assert.equal(nearer.root, path.join(root, "game/Audio"));
    assert.equal(nearer.modelDir, undefined);
    assert.equal(nearer.lockToleranceDb, DEFAULT_LOCK_TOLERANCE_DB);
    rmSync(path.join(root, "game/Audio/eqpreset.json"));
  });

  it("without one, the lock's root is the git repository", () => {
    write("plain/.git/HEAD", "ref: refs/heads/main\n");
    mkdirSync(path.join(root, "plain/a/b"), { recursive: true });
    const project = findProject(path.join(root, "plain/a/b"));
    assert.equal(project.file, undefined);
    assert.equal(project.root, path.join(root, "plain"));
  });

  it("reports a broken file with its file, line and column, and a wrong field by name", () => {
    const file = write("broken/eqpreset.json", '{\n  "model": "m",\n  "lock": { "toleranceDb": }\n}\n');
    assert.throws(
      () => findProject(path.join(root, "broken")),
      (error: unknown) => error instanceof ProjectFileError && error.message.startsWith(`${file}:3:28: not valid JSON`),
    );
    write("broken/eqpreset.json", '{\n  "lock": { "toleranceDb": "half" }\n}\n');
    assert.throws(
      () => findProject(path.join(root, "broken")),
      /eqpreset\.json:2:13: "lock\.toleranceDb" must be a number/,
    );
  });

  it("'Use in this workspace' writes the model into the project file, keeping its other fields", () => {
    write("use/.git/HEAD", "ref: refs/heads/main\n");
    mkdirSync(path.join(root, "use/Audio/Presets"), { recursive: true });
    const created = useModelInProject(path.join(root, "use/Audio/Presets"), path.join(root, "use/.eqpreset/model"));
    assert.equal(created, path.join(root, "use/eqpreset.json"));
    assert.deepEqual(JSON.parse(readFileSync(created, "utf8")), { model: ".eqpreset/model" });
    write("use/eqpreset.json", '{ "lock": { "toleranceDb": 1 }, "model": "old" }');
    useModelInProject(path.join(root, "use/Audio"), path.join(root, "use/new-model"));
    assert.deepEqual(JSON.parse(readFileSync(created, "utf8")), { lock: { toleranceDb: 1 }, model: "new-model" });
  });
});
