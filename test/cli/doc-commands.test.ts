/**
 * Every `eqp …` command the README and the walkthrough show, run as written (through the `eqp`
 * shim the extension puts on VS Code's terminal PATH, in a shell) against a copy of samples/ in a
 * git repository with the inputs the commands name (WAV files, an APO file, two revisions). A
 * command fails the test by a non-zero exit or a stack trace, unless its comment says "(needs …)":
 * its inputs are not in the repository, and then it must fail, cleanly. Optional parts written
 * `[…]` are left out. The inlay hint the README and the walkthrough quote is the server's own.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { LspTestClient } from "../support/lspClient.js";
import { temporaryFolder } from "../support/cli.js";
import { pinkNoise, wavBytes } from "../support/signals.js";

const DOCS = ["README.md", ...readdirSync("media/walkthrough").map((name) => path.join("media/walkthrough", name))];
const SHIM_DIR = path.resolve("dist", "bin");
const STACK_TRACE = /^\s+at .+[.:]\d+:\d+\)?$/m;

interface DocCommand {
  doc: string;
  line: number;
  command: string;
  expectFailure: boolean;
}

/** The `eqp` lines of the sh code blocks: the comment and `[…]` options removed. */
function docCommands(): DocCommand[] {
  const commands: DocCommand[] = [];
  for (const doc of DOCS) {
    let inBlock = false;
    readFileSync(doc, "utf8")
      .split("\n")
      .forEach((text, index) => {
        if (text.startsWith("```")) inBlock = !inBlock;
        else if (inBlock && /^(npx )?eqp /.test(text)) {
          const comment = /\s#\s.*$/.exec(text)?.[0] ?? "";
          const command = text
            .slice(0, text.length - comment.length)
            .replace(/\s\[[^\]]*\]/g, "")
            .trim();
          commands.push({ doc, line: index + 1, command, expectFailure: /\(needs /.test(comment) });
        }
      });
  }
  return commands;
}

const work = temporaryFolder("doc-commands");

function git(...args: string[]): void {
  const result = spawnSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], {
    cwd: work,
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
}

/** The workspace the commands expect: samples/, presets/, sfx/, voice.eqp, WAVs, an APO file, two commits. */
function buildWorkspace(): void {
  for (const folder of ["samples", "presets", "sfx"]) cpSync("samples", path.join(work, folder), { recursive: true });
  cpSync("samples/dialogue.eqp", path.join(work, "voice.eqp"));
  cpSync("samples/dialogue.eqp", path.join(work, "old.eqp"));
  writeFileSync(
    path.join(work, "new.eqp"),
    readFileSync("samples/dialogue.eqp", "utf8").replace(/bell 3kHz \+2\.5dB/, "bell 3.2kHz +3dB"),
  );
  const wav = (seed: number) => wavBytes([pinkNoise(24000, seed)], 48000);
  for (const [name, seed] of [
    ["in.wav", 1],
    ["reference.wav", 2],
    ["current.wav", 3],
    ["take.wav", 4],
    ["other.wav", 5],
  ] as const)
    writeFileSync(path.join(work, name), wav(seed));
  mkdirSync(path.join(work, "in"));
  writeFileSync(path.join(work, "in", "a.wav"), wav(6));
  writeFileSync(path.join(work, "in", "b.wav"), wav(7));
  writeFileSync(
    path.join(work, "ParametricEQ.txt"),
    "Preamp: -4.5 dB\nFilter 1: ON LSC Fc 105 Hz Gain 4.5 dB Q 0.71\nFilter 2: ON PK Fc 3000 Hz Gain -2 dB Q 1.4\n",
  );
  spawnSync("git", ["init", "-q", "-b", "main"], { cwd: work });
  git("add", "-A");
  git("commit", "-qm", "first");
  const stems = path.join(work, "presets", "music-stems.eqp");
  writeFileSync(stems, readFileSync(stems, "utf8").replace(/\+2dB/, "+3dB"));
  git("commit", "-qam", "second");
}

function runInShell(command: string) {
  return spawnSync("sh", ["-c", command], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, PATH: `${SHIM_DIR}${path.delimiter}${process.env.PATH}`, EQP_NODE: process.execPath },
    timeout: 120_000,
  });
}

before(buildWorkspace);
after(() => rmSync(work, { recursive: true, force: true }));

describe("the commands of the README and the walkthrough", () => {
  const commands = docCommands();

  it("are found: the README's check, export, lock and diff commands among them", () => {
    assert.ok(commands.length >= 25, `only ${commands.length} commands found`);
    for (const needed of [
      /^eqp export /,
      /^eqp diff HEAD~1 -- /,
      /^eqp diff main -- presets --format markdown/,
      /^eqp lock/,
    ])
      assert.ok(
        commands.some((command) => needed.test(command.command)),
        `no command matching ${needed}`,
      );
    // The walkthrough is for a .vsix user, who has no npx eqp.
    assert.deepEqual(
      commands.filter((command) => command.command.startsWith("npx ")),
      [],
    );
  });

  for (const { doc, line, command, expectFailure } of commands) {
    it(`${doc}:${line} ${command}`, () => {
      const result = runInShell(command);
      const output = `${result.stdout}\n${result.stderr}`;
      assert.doesNotMatch(output, STACK_TRACE, `a stack trace:\n${output}`);
      if (expectFailure) assert.notEqual(result.status, 0, `marked "(needs …)" but it ran:\n${output}`);
      else assert.equal(result.status, 0, `exit ${result.status}:\n${output}`);
    });
  }

  it("wrote what the README says the review and export commands write", () => {
    assert.ok(existsSync(path.join(work, "review", "diff.md")));
    assert.match(readFileSync(path.join(work, "review", "diff.md"), "utf8"), /^## EQ presets: main → working tree/);
    assert.ok(readdirSync(path.join(work, "exports")).some((name) => name.endsWith(".wwise.json")));
    assert.ok(existsSync(path.join(work, "eqpreset.lock")));
  });
});

describe("the inlay hint the README and the walkthrough quote", () => {
  it("is what the server shows after morph warm 0.6 bright 0.4 with the bundled model", async () => {
    const quoted = ["README.md", "media/walkthrough/morph.md"].map(
      (doc) => /`(→ LS[^`]+ dB)`/.exec(readFileSync(doc, "utf8"))?.[1],
    );
    assert.ok(quoted[0] && quoted[1], "a quoted hint in each");
    const client = await LspTestClient.start({});
    try {
      const deadline = Date.now() + 30_000;
      while (
        !client.notifications.some(
          (n) => n.method === "eqpreset/modelStatus" && (n.params as { network: boolean }).network,
        )
      ) {
        assert.ok(Date.now() < deadline, "the network did not load");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const uri = client.uriFor("doc-hint.eqp");
      await client.open(uri, 'preset "Narrator" {\n  morph warm 0.6 bright 0.4\n  gain -1dB\n}\n');
      const hints = await client.request<{ label: string }[]>("textDocument/inlayHint", {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } },
      });
      const shown = hints.map((hint) => hint.label.trim());
      assert.deepEqual(shown, [quoted[0]]);
      assert.equal(quoted[1], quoted[0]);
    } finally {
      await client.stop();
    }
  });
});
