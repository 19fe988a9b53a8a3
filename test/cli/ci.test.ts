/**
 * docs/ci.md is run, not just read: its pre-commit hook in a temporary git repository (a bad staged
 * preset is refused, a good one committed), and the run steps of its GitHub Actions workflow, in
 * order, in a clone of a presets repository that depends on the packed CLI, as a pull request.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { CLI, temporaryFolder } from "../support/cli.js";

const doc = readFileSync("docs/ci.md", "utf8");
/** The first fenced block of `language` after `marker`. */
function block(marker: string, language: string): string {
  const from = doc.indexOf(marker);
  assert.ok(from >= 0, `docs/ci.md has no ${marker}`);
  const match = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(doc.slice(from));
  assert.ok(match, `no ${language} block after ${marker}`);
  return match[1]!;
}

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.invalid",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.invalid",
  npm_config_update_notifier: "false",
  npm_config_offline: "true",
};
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = ENV) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
function ok(command: string, args: string[], cwd: string) {
  const result = run(command, args, cwd);
  assert.equal(result.status, 0, `${command} ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

const GOOD = 'preset "VO" {\n  bell 3kHz +2dB q 1\n}\n';
const BAD = 'preset "VO" {\n  bell 3kHz q 1\n}\n';

describe("docs/ci.md", () => {
  it("the pre-commit hook refuses staged presets with errors and lets good ones through", () => {
    const repo = temporaryFolder("hook");
    ok("git", ["init", "-q"], repo);
    // The hook's default eqp: the repository's node_modules/.bin/eqp.
    mkdirSync(path.join(repo, "node_modules", ".bin"), { recursive: true });
    symlinkSync(CLI, path.join(repo, "node_modules", ".bin", "eqp"));
    writeFileSync(path.join(repo, ".gitignore"), "node_modules/\n");
    const hook = path.join(repo, ".git", "hooks", "pre-commit");
    writeFileSync(hook, block("<!-- pre-commit hook", "sh"));
    chmodSync(hook, 0o755);
    mkdirSync(path.join(repo, "presets"));
    const preset = path.join(repo, "presets", "vo.eqp");

    writeFileSync(preset, GOOD);
    ok("git", ["add", "."], repo);
    ok("git", ["commit", "-q", "-m", "good"], repo);

    writeFileSync(preset, BAD);
    ok("git", ["add", "presets/vo.eqp"], repo);
    const refused = run("git", ["commit", "-q", "-m", "bad"], repo);
    assert.equal(refused.status, 1);
    // git passes a hook's output on to stderr.
    assert.match(refused.stderr, /^presets\/vo\.eqp:2:3 error missing-gain /m);
    assert.match(refused.stderr, /pre-commit: the staged presets have errors/);
    // Fixed in the working copy but not staged: the staged text is what would be committed.
    writeFileSync(preset, GOOD.replace("+2dB", "+3dB"));
    assert.equal(run("git", ["commit", "-q", "-m", "bad"], repo).status, 1);
    ok("git", ["add", "presets/vo.eqp"], repo);
    ok("git", ["commit", "-q", "-m", "fixed"], repo);
    assert.match(ok("git", ["log", "--format=%s"], repo), /^fixed\ngood\n$/);
    // A commit without presets does not run eqp at all.
    writeFileSync(path.join(repo, "README"), "presets\n");
    ok("git", ["add", "README"], repo);
    ok("git", ["commit", "-q", "-m", "readme"], repo);
  });

  it("the workflow's steps check, report SARIF and diff a pull request in a presets repository", () => {
    const workflow = parse(block("<!-- workflow", "yaml")) as {
      on: Record<string, unknown>;
      jobs: {
        presets: {
          permissions: Record<string, string>;
          steps: { name?: string; uses?: string; run?: string; if?: string; "continue-on-error"?: boolean }[];
        };
      };
    };
    assert.ok("push" in workflow.on && "pull_request" in workflow.on);
    const job = workflow.jobs.presets;
    assert.equal(job.permissions["security-events"], "write", "upload-sarif needs it");
    assert.ok(job.steps.some((step) => step.uses?.startsWith("github/codeql-action/upload-sarif@")));

    // A presets repository on GitHub (a bare origin), depending on the packed CLI.
    const work = temporaryFolder("workflow");
    const packed = JSON.parse(ok("npm", ["pack", "--json", "--pack-destination", work], process.cwd())) as {
      filename: string;
    }[];
    const origin = path.join(work, "origin.git");
    ok("git", ["init", "-q", "--bare", "-b", "main", origin], work);
    const author = path.join(work, "author");
    ok("git", ["clone", "-q", origin, author], work);
    ok("git", ["checkout", "-q", "-b", "main"], author);
    mkdirSync(path.join(author, "tools"));
    writeFileSync(path.join(author, "tools", packed[0]!.filename), readFileSync(path.join(work, packed[0]!.filename)));
    writeFileSync(path.join(author, "package.json"), '{ "name": "presets", "private": true }\n');
    ok("npm", ["install", "--save-dev", "--no-audit", "--no-fund", `./tools/${packed[0]!.filename}`], author);
    writeFileSync(path.join(author, ".gitignore"), "node_modules/\n");
    mkdirSync(path.join(author, "presets"));
    writeFileSync(path.join(author, "presets", "vo.eqp"), GOOD);
    ok("git", ["add", "."], author);
    ok("git", ["commit", "-q", "-m", "presets"], author);
    ok("git", ["push", "-q", "origin", "main"], author);
    ok("git", ["checkout", "-q", "-b", "louder"], author);
    writeFileSync(path.join(author, "presets", "vo.eqp"), GOOD.replace("+2dB", "+5dB"));
    ok("git", ["commit", "-q", "-am", "louder"], author);
    ok("git", ["push", "-q", "origin", "louder"], author);

    /** The job as Actions runs it on a pull request: a fresh checkout, each run step in `bash -e`. */
    const runJob = (branch: string) => {
      const checkout = path.join(work, `checkout-${branch}`);
      ok("git", ["clone", "-q", "--branch", branch, origin, checkout], work);
      const summary = path.join(checkout, "..", `summary-${branch}.md`);
      const env = { ...ENV, GITHUB_EVENT_NAME: "pull_request", GITHUB_BASE_REF: "main", GITHUB_STEP_SUMMARY: summary };
      const results = new Map<string, number | null>();
      for (const step of job.steps) {
        if (step.run === undefined) continue;
        const condition = step.if ?? "success()";
        const wanted =
          condition === "always()" ||
          (condition === "github.event_name == 'pull_request'" &&
            [...results.values()].every((status) => status === 0)) ||
          (condition === "success()" && [...results.values()].every((status) => status === 0));
        if (!wanted) continue;
        const result = run("bash", ["-e", "-c", step.run], checkout, env);
        results.set(step.name ?? step.run, step["continue-on-error"] ? 0 : result.status);
        if (!step["continue-on-error"]) assert.notEqual(result.status, null, result.stderr);
      }
      return { checkout, summary, results };
    };

    const good = runJob("louder");
    assert.deepEqual([...good.results.values()], [0, 0, 0, 0], JSON.stringify([...good.results]));
    const sarif = JSON.parse(readFileSync(path.join(good.checkout, "eqp.sarif"), "utf8")) as {
      version: string;
      runs: { results: unknown[] }[];
    };
    assert.equal(sarif.version, "2.1.0");
    assert.deepEqual(sarif.runs[0]!.results, []);
    const summary = readFileSync(good.summary, "utf8");
    assert.match(summary, /^## EQ presets: origin\/main → working tree\n/);
    assert.match(summary, /Bell 1: 3 kHz \+2 dB Q 1 → 3 kHz \+5 dB Q 1/);
    assert.ok(readdirSync(path.join(good.checkout, "eqp-diff")).includes("presets-vo--vo.svg"));

    // A pull request with a broken preset: SARIF still written (the step may fail), the check fails the job.
    ok("git", ["checkout", "-q", "-b", "broken"], author);
    writeFileSync(path.join(author, "presets", "vo.eqp"), BAD);
    ok("git", ["commit", "-q", "-am", "broken"], author);
    ok("git", ["push", "-q", "origin", "broken"], author);
    const bad = runJob("broken");
    assert.equal(bad.results.get("Check presets"), 1);
    assert.equal(bad.results.has("Diff against the base branch"), false, "a failed job stops there");
    const findings = JSON.parse(readFileSync(path.join(bad.checkout, "eqp.sarif"), "utf8")) as {
      runs: {
        results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      }[];
    };
    assert.deepEqual(
      findings.runs[0]!.results.map((result) => [
        result.ruleId,
        result.locations[0]!.physicalLocation.artifactLocation.uri,
      ]),
      [["missing-gain", "presets/vo.eqp"]],
    );
    assert.equal(existsSync(bad.summary), false);
  });
});
