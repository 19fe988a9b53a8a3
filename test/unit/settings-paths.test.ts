/**
 * The paths the extension writes into workspace settings (client/src/settingsPaths.ts) and the
 * names the status bar gives models (client/src/modelLabel.ts): inside the workspace a path is
 * saved relative with "/", so a committed .vscode/settings.json works on every clone.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { isInside, resolveSetting, samePath, toWorkspaceSetting } from "../../client/src/settingsPaths.js";
import { modelName, modelStatusText } from "../../client/src/modelLabel.js";

const ws = path.resolve("/home/ana/game");

describe("workspace setting paths", () => {
  it("saves a file inside the workspace relative to it, with forward slashes", () => {
    assert.equal(
      toWorkspaceSetting(path.join(ws, "data", "SAFEEqualiserUserData.csv"), ws),
      "data/SAFEEqualiserUserData.csv",
    );
    assert.equal(toWorkspaceSetting(path.join(ws, ".eqpreset", "model"), ws), ".eqpreset/model");
    assert.equal(toWorkspaceSetting(path.join(ws, "a", "..", "b.csv"), ws), "b.csv");
    assert.equal(toWorkspaceSetting(ws, ws), ".");
  });

  it("keeps a file outside the workspace absolute, never as ../ climbing", () => {
    assert.equal(toWorkspaceSetting("/home/ana/Downloads/safe.csv", ws), path.resolve("/home/ana/Downloads/safe.csv"));
    // A sibling whose name starts with the workspace's is not inside it.
    assert.equal(toWorkspaceSetting("/home/ana/game-assets/x.csv", ws), path.resolve("/home/ana/game-assets/x.csv"));
    // A name that merely starts with two dots is inside.
    assert.equal(toWorkspaceSetting(path.join(ws, "..data.csv"), ws), "..data.csv");
    assert.equal(toWorkspaceSetting("/tmp/x.csv", undefined), path.resolve("/tmp/x.csv"));
  });

  it("reads a saved setting back to the same file", () => {
    for (const file of [path.join(ws, "data", "s.csv"), path.join(ws, ".eqpreset", "model"), "/opt/models/m"]) {
      const saved = toWorkspaceSetting(file, ws);
      assert.equal(path.resolve(resolveSetting(saved, ws)), path.resolve(file), saved);
    }
    assert.equal(resolveSetting("${workspaceFolder}/data/s.csv", ws), path.join(ws, "data", "s.csv"));
    assert.equal(resolveSetting("  ", ws), "", "an empty setting stays empty (the bundled model)");
    assert.equal(resolveSetting("data/s.csv", undefined), "data/s.csv");
  });

  it("compares places, not spellings", () => {
    assert.ok(isInside(path.join(ws, "x"), ws));
    assert.ok(!isInside(path.dirname(ws), ws));
    assert.ok(samePath(`${ws}/model/`, path.join(ws, "model")));
    assert.ok(!samePath("", ws), "an unset path is no place");
  });
});

describe("model names on the status bar", () => {
  const places = { bundledDir: "/ext/model", workspaceFolder: ws };

  it("names the bundled model, a workspace model by its relative path, others by their folder", () => {
    assert.equal(modelName("/ext/model/", places), "bundled");
    assert.equal(modelName(path.join(ws, ".eqpreset", "model"), places), ".eqpreset/model");
    assert.equal(modelName("/opt/eq/model", places), "eq/model");
    assert.equal(modelName("/opt/eq/radio-v2", places), "radio-v2");
  });

  it("shows loading, words-only and warnings, and says it can be clicked", () => {
    const base = { dir: path.join(ws, ".eqpreset", "model"), words: 4, network: true, loading: false };
    assert.equal(modelStatusText(base, places).text, "$(pulse) EQ model: .eqpreset/model");
    assert.equal(
      modelStatusText({ ...base, loading: true }, places).text,
      "$(pulse) EQ model: .eqpreset/model (loading)",
    );
    assert.equal(
      modelStatusText({ ...base, network: false }, places).text,
      "$(pulse) EQ model: .eqpreset/model (words only)",
    );
    const broken = modelStatusText({ ...base, dir: "/ext/model", warning: "metadata.json is corrupt" }, places);
    assert.equal(broken.text, "$(warning) EQ model: bundled");
    assert.match(broken.tooltip, /metadata\.json is corrupt/);
    assert.match(broken.tooltip, /Click to choose/);
    assert.equal(modelStatusText(undefined, places).text, "$(pulse) EQ model: starting");
  });

  it("says when the personal setting overrides the project file's model", () => {
    const base = { dir: "/opt/eq/radio-v2", words: 4, network: true, loading: false };
    const projectFile = path.join(ws, "eqpreset.json");
    const personal = modelStatusText({ ...base, personalOverride: true, projectFile }, places);
    assert.equal(personal.text, "$(pulse) EQ model: radio-v2 (personal setting)");
    assert.match(personal.tooltip, /overrides the model of .*eqpreset\.json/);
    const fromProject = modelStatusText({ ...base, personalOverride: false, projectFile }, places);
    assert.equal(fromProject.text, "$(pulse) EQ model: radio-v2");
    assert.match(fromProject.tooltip, /From .*eqpreset\.json/);
  });
});
