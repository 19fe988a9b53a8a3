/**
 * The workspace walk's `.gitignore` reading: git's usual rules, and the files that used to throw
 * (a line of 40,000 characters: "Regular expression too large") or hold the walk for seconds
 * (`**\/x/**\/x/…` over a deep folder, 100,000 lines). No timing asserted beyond "it ends".
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { presetFilesIn } from "../../server/src/core/index.js";
import { isIgnored, parseGitignore } from "../../server/src/core/services/gitignore.js";

const ignored = (text: string, file: string, isDirectory = false) =>
  isIgnored(parseGitignore(text), file.split("/"), isDirectory);

describe(".gitignore rules", () => {
  it("follows git's rules for anchors, folders, negation, ** and classes", () => {
    assert.ok(ignored("build/\n", "build", true));
    assert.ok(!ignored("build/\n", "build", false));
    assert.ok(ignored("*.tmp\n", "a/b/c.tmp"));
    assert.ok(ignored("/top.eqp\n", "top.eqp"));
    assert.ok(!ignored("/top.eqp\n", "sub/top.eqp"));
    assert.ok(!ignored("*.eqp\n!keep.eqp\n", "keep.eqp"));
    assert.ok(ignored("a/**/z.eqp\n", "a/b/c/z.eqp"));
    assert.ok(ignored("a/**/z.eqp\n", "a/z.eqp"));
    assert.ok(ignored("out/**\n", "out/x.eqp"));
    assert.ok(!ignored("out/**\n", "out", true));
    assert.ok(ignored("v[0-9].eqp\n", "v3.eqp"));
    assert.ok(!ignored("v[!0-9].eqp\n", "v3.eqp"));
    assert.ok(ignored("\\#hash\n", "#hash"));
    assert.ok(!ignored("# comment\n", "# comment"));
  });

  it("skips a line too long to be a pattern, with a warning, and keeps the others", () => {
    const warnings: string[] = [];
    const rules = parseGitignore(`${"a".repeat(40_000)}\n*.tmp\n`, (message) => warnings.push(message));
    assert.equal(rules.length, 1);
    assert.match(warnings[0]!, /line 1 is over/);
  });

  it("matches **/x/**/x/… over a deep path and *a*a*…b over a long name without backtracking", () => {
    const deep = Array.from({ length: 200 }, () => "x").join("/");
    assert.equal(ignored(`${"**/x/".repeat(30)}y\n`, deep), false);
    assert.equal(ignored(`${"*a".repeat(30)}b\n`, "a".repeat(250)), false);
  });

  it("walks a folder under a .gitignore of 100,000 lines and one with a 40,000-character line", () => {
    const root = mkdtempSync(path.join(tmpdir(), "eqp-gitignore-"));
    try {
      const lines = Array.from({ length: 100_000 }, (_, index) => `ignored-${index}.eqp`);
      writeFileSync(path.join(root, ".gitignore"), `${lines.join("\n")}\n${"b".repeat(40_000)}\n`);
      mkdirSync(path.join(root, "sub"));
      for (const name of ["ignored-5.eqp", "kept.eqp", "sub/ignored-99999.eqp", "sub/also.eqp"])
        writeFileSync(path.join(root, name), "");
      const found = [...presetFilesIn(root)].map((file) => path.relative(root, file));
      assert.deepEqual(found, ["kept.eqp", path.join("sub", "also.eqp")]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
