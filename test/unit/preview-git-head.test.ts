/**
 * "Compare with git HEAD" in the preview (client/src/preview/gitHead.ts), on real repositories: the
 * committed text, and for a file or repository git has nothing for, a sentence instead of git's stderr.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { gitHeadText } from "../../client/src/preview/gitHead.js";

const root = mkdtempSync(path.join(tmpdir(), "eqp-git-head-"));
after(() => rmSync(root, { recursive: true, force: true }));

function git(dir: string, ...args: string[]): void {
  execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { stdio: "ignore" });
}

describe("the preview's git HEAD text", () => {
  const repo = path.join(root, "repo");
  execFileSync("mkdir", ["-p", path.join(repo, "presets")]);
  git(repo, "init", "-q");
  const committed = path.join(repo, "presets", "game.eqp");
  writeFileSync(committed, 'preset "A" {\n  bell 1kHz +2dB\n}\n');

  it("says the repository has no commit yet", async () => {
    assert.deepEqual(await gitHeadText(committed), { error: "the repository has no commit yet" });
  });

  it("gives the committed text, and a new file is 'not in the last commit', not git's stderr", async () => {
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "presets");
    writeFileSync(committed, 'preset "A" {\n  bell 1kHz +3dB\n}\n');
    assert.deepEqual(await gitHeadText(committed), { text: 'preset "A" {\n  bell 1kHz +2dB\n}\n' });
    const fresh = path.join(repo, "presets", "new.eqp");
    writeFileSync(fresh, "bell 1kHz +1dB\n");
    const answer = await gitHeadText(fresh);
    assert.deepEqual(answer, { error: "new.eqp is not in the last commit (it is new)" });
    git(repo, "add", fresh);
    assert.deepEqual(await gitHeadText(fresh), answer, "staged but not committed: still new");
  });

  it("says a file outside any repository is not in one", async () => {
    const outside = mkdtempSync(path.join(tmpdir(), "eqp-no-git-"));
    try {
      writeFileSync(path.join(outside, "loose.eqp"), "bell 1kHz +1dB\n");
      const answer = await gitHeadText(path.join(outside, "loose.eqp"));
      assert.deepEqual(answer, { error: "loose.eqp is not in a git repository" });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
