/**
 * `eqp diff REV` reports every preset whose sound changed, also those whose text did not: a morph
 * moved by a tag edited in another file, or by the project's model changing, each with the reason.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { bundledModelDir } from "../../server/src/core/index.js";
import { temporaryRepository } from "../support/cli.js";

const TEAM =
  'preset "Phone A" {\n  tags phonish\n  lowshelf 300Hz -12dB\n  bell 1800Hz +6dB q 2\n  highshelf 4kHz -10dB\n}\n' +
  'preset "Phone B" {\n  tags phonish\n  lowshelf 350Hz -10dB\n  bell 1700Hz +5dB q 2\n  highshelf 3.5kHz -12dB\n}\n';
const GAME =
  'preset "telephone" {\n  morph phonish\n}\npreset "Warm" {\n  morph warm 0.5\n}\npreset "Flat" {\n  bell 1kHz +2dB q 1\n}\n';

const { repo, write, eqpIn } = temporaryRepository("diff-causes");
const git = (...args: string[]) => {
  const result = spawnSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], {
    cwd: repo,
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
};

/** The bundled model with every weight scaled by 0.97: another model whose morphs sound different. */
function otherModel(dir: string, id: string): void {
  cpSync(bundledModelDir(), dir, { recursive: true });
  const weights = readFileSync(path.join(dir, "weights.bin"));
  const floats = new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength));
  for (let i = 0; i < floats.length; i++) floats[i]! *= 0.97;
  const bytes = Buffer.from(floats.buffer);
  writeFileSync(path.join(dir, "weights.bin"), bytes);
  const metadataFile = path.join(dir, "metadata.json");
  const metadata = JSON.parse(readFileSync(metadataFile, "utf8")) as { model: Record<string, unknown> };
  metadata.model.createdAt = id;
  metadata.model.weightsSha256 = createHash("sha256").update(bytes).digest("hex");
  writeFileSync(metadataFile, JSON.stringify(metadata));
}

after(() => rmSync(repo, { recursive: true, force: true }));

describe("eqp diff REV: presets moved by what they depend on", () => {
  it("reports a morph moved by a tag edited in another file, saying which word and file", () => {
    write("presets/team-refs.eqp", TEAM);
    write("presets/game.eqp", GAME);
    git("add", "-A");
    git("commit", "-qm", "presets");
    write("presets/team-refs.eqp", TEAM.replace("bell 1700Hz +5dB q 2", "bell 2500Hz +9dB q 2"));
    const text = eqpIn("diff", "HEAD", "--", "presets/");
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /presets\/game\.eqp\n {2}"telephone" changed \(line 1\)\n/);
    assert.match(text.stdout, /why: the tags of word 'phonish' changed in presets\/team-refs\.eqp\n/);
    assert.match(text.stdout, /"Phone B" changed/);
    // Presets that did not move are not listed.
    assert.doesNotMatch(text.stdout, /"Warm"|"Flat"|"Phone A"/);
    const json = JSON.parse(eqpIn("diff", "HEAD", "--", "presets/", "--format", "json").stdout) as {
      files: { file: string; presets: { name: string; kind: string; cause: string | null }[] }[];
    };
    const telephone = json.files.flatMap((file) => file.presets).find((preset) => preset.name === "telephone")!;
    assert.equal(telephone.kind, "changed");
    assert.match(telephone.cause!, /tags of word 'phonish'/);
    const review = eqpIn("diff", "HEAD", "--", "presets/", "--format", "markdown", "--out", "review");
    assert.equal(review.status, 0, review.stderr);
    const markdown = readFileSync(path.join(repo, "review", "diff.md"), "utf8");
    assert.match(
      markdown,
      /\| "telephone" \| 5 bands, because the tags of word 'phonish' changed in presets\/team-refs\.eqp \|/,
    );
    rmSync(path.join(repo, "review"), { recursive: true });
    git("checkout", "--", ".");
  });

  it("reports every morph moved by a change of the project's model, naming both models", () => {
    otherModel(path.join(repo, "models", "a"), "model-A");
    otherModel(path.join(repo, "models", "b"), "model-B");
    // model-B: weights scaled once more, so that the two models differ.
    write("eqpreset.json", JSON.stringify({ model: "models/a" }));
    git("add", "-A");
    git("commit", "-qm", "project model A");
    const weights = readFileSync(path.join(repo, "models", "b", "weights.bin"));
    const floats = new Float32Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength));
    for (let i = 0; i < floats.length; i++) floats[i]! *= 0.97;
    const bytes = Buffer.from(floats.buffer);
    writeFileSync(path.join(repo, "models", "b", "weights.bin"), bytes);
    const metadataFile = path.join(repo, "models", "b", "metadata.json");
    const metadata = JSON.parse(readFileSync(metadataFile, "utf8")) as { model: Record<string, unknown> };
    metadata.model.weightsSha256 = createHash("sha256").update(bytes).digest("hex");
    writeFileSync(metadataFile, JSON.stringify(metadata));
    write("eqpreset.json", JSON.stringify({ model: "models/b" }));
    const diff = eqpIn("diff", "HEAD", "--", "presets/");
    assert.equal(diff.status, 0, diff.stderr);
    assert.match(
      diff.stdout,
      /"Warm" changed \(line 4\)\n(.*\n)*? {4}why: the model changed from model-A to model-B\n/,
    );
    assert.match(diff.stdout, /"telephone" changed/);
    // Explicit bands do not depend on the model.
    assert.doesNotMatch(diff.stdout, /"Flat"/);
  });
});
