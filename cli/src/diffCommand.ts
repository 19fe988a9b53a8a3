/**
 * `eqp diff`: what changed between two preset files, or between a git revision and the working
 * tree (`eqp diff HEAD~1 -- presets/`), preset by preset, as text, Markdown for a pull-request
 * comment, or JSON; `--out DIR` writes a before/after picture per changed preset next to the report.
 * The comparison is the core's (core/diff); this file only finds the two versions of each file.
 */
import type { Command } from "commander";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import * as path from "node:path";
import {
  diffJson,
  diffMarkdown,
  diffText,
  diffTexts,
  presetDiffSvg,
  changedPresets,
  type DiffReport,
  type PresetDiff,
} from "../../server/src/core/diff/index.js";
import { readDocument, type EqServices, mayNeedModel } from "../../server/src/core/index.js";
import { presetFileStem } from "../../server/src/core/export/index.js";
import { expandInputs, fileError, readTextFile, UsageError, writeOutputFile } from "./files.js";
import { revisionSide } from "./diffRevision.js";
import { cliServices, defaultWorkspace } from "./services.js";
import { printError, printOut } from "./terminal.js";

interface DiffOptions {
  format: "text" | "markdown" | "json";
  out?: string;
  model?: string;
}

/** One file in both versions; undefined text: the file does not exist in that version. */
interface FilePair {
  file: string;
  before?: string;
  after?: string;
  /** How messages name each version of the file ("HEAD~1:presets/a.eqp"). */
  beforeName: string;
  afterName: string;
}

/** Runs git in the working folder; its own message (first line) when it fails. */
function git(args: string[]): string {
  const result = spawnSync("git", args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.error)
    throw new UsageError(
      `eqp diff: git cannot be run (${(result.error as NodeJS.ErrnoException).code ?? result.error.message})`,
    );
  if (result.status !== 0) {
    const message = result.stderr.trim().split("\n")[0] || `git ${args[0]} failed`;
    throw new UsageError(`eqp diff: ${message}`);
  }
  return result.stdout;
}

function isEqp(file: string): boolean {
  return file.endsWith(".eqp");
}

/** Two files, or two folders whose .eqp files are paired by their path inside the folder. */
async function filePairs(before: string, after: string): Promise<FilePair[]> {
  const kind = (input: string) => {
    try {
      return statSync(input).isDirectory() ? "folder" : "file";
    } catch (error) {
      throw fileError(input, "read", error);
    }
  };
  if (kind(before) === "file" && kind(after) === "file")
    return [
      { file: after, before: readTextFile(before), after: readTextFile(after), beforeName: before, afterName: after },
    ];
  if (kind(before) !== kind(after))
    throw new UsageError(`eqp diff: compare two files or two folders, not ${before} with ${after}`);
  const inside = async (folder: string) =>
    new Map((await expandInputs([folder])).map((file) => [path.relative(folder, file), file]));
  const [old, now] = await Promise.all([inside(before), inside(after)]);
  const names = [...new Set([...old.keys(), ...now.keys()])].sort();
  return names.map((name) => ({
    file: now.get(name) ?? old.get(name)!,
    ...(old.has(name) ? { before: readTextFile(old.get(name)!) } : {}),
    ...(now.has(name) ? { after: readTextFile(now.get(name)!) } : {}),
    beforeName: old.get(name) ?? path.join(before, name),
    afterName: now.get(name) ?? path.join(after, name),
  }));
}

/** The .eqp files under `paths` at `revision` (read with `git show REV:path`) and in the working tree. */
async function revisionPairs(revision: string, paths: string[]): Promise<FilePair[]> {
  git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${revision}^{commit}`]);
  // ls-tree names files relative to the working folder, as the user typed the paths.
  const old = git(["ls-tree", "-r", "-z", "--name-only", revision, "--", ...paths])
    .split("\0")
    .filter((file) => file !== "" && isEqp(file))
    .map((file) => path.normalize(file));
  const existing = paths.filter((input) => existsSync(input));
  const now = existing.length > 0 ? (await expandInputs(existing)).map((file) => path.normalize(file)) : [];
  const names = [...new Set([...old, ...now])].sort();
  const oldSet = new Set(old);
  const nowSet = new Set(now);
  return names.map((file) => ({
    file,
    ...(oldSet.has(file) ? { before: git(["show", `${revision}:./${file.split(path.sep).join("/")}`]) } : {}),
    ...(nowSet.has(file) ? { after: readTextFile(file) } : {}),
    beforeName: `${revision}:${file}`,
    afterName: file,
  }));
}

/** Errors in either version do not stop a diff, but the reader learns where the diff read around them. */
function reportErrors(services: EqServices, name: string, text: string | undefined): void {
  if (text === undefined) return;
  for (const error of services.check(readDocument(text)).filter((diagnostic) => diagnostic.severity === "error")) {
    const { line, character } = error.range.start;
    printError(`${name}:${line + 1}:${character + 1} error ${error.code} ${error.message}\n`);
  }
}

/** Cut and hashed when long (core/export), so a long file or preset name never stops the writing. */
function slug(text: string): string {
  return presetFileStem(text.replace(/\.eqp$/i, ""), "preset");
}

/** Writes a picture per changed preset into `dir`; returns their names (unique, stable for a given diff). */
function writePictures(dir: string, report: DiffReport): Map<PresetDiff, string> {
  const pictures = new Map<PresetDiff, string>();
  const used = new Set<string>();
  for (const file of report.files)
    for (const diff of changedPresets(file)) {
      const base = `${slug(file.file)}--${slug(diff.name ?? "unnamed")}`;
      let name = `${base}.svg`;
      for (let n = 2; used.has(name); n++) name = `${base}-${n}.svg`;
      used.add(name);
      writeOutputFile(path.join(dir, name), presetDiffSvg(diff));
      pictures.set(diff, name);
    }
  return pictures;
}

/**
 * The operands with the options written after `--` parsed as if they came before it (`eqp diff
 * main -- presets --format markdown --out review/`, as in the README): commander takes everything
 * after `--` as an operand, so a review would print plain text and write nothing. An unknown
 * option there is an error; a path that starts with "-" is written "./-name".
 */
function optionsAfterDashDash(command: Command, operands: string[]): string[] {
  if (!operands.some((operand) => operand.length > 1 && operand.startsWith("-"))) return operands;
  const parsed = command.parseOptions(operands);
  if (parsed.unknown.length > 0)
    throw new UsageError(
      `eqp diff: unknown option ${parsed.unknown[0]} (a path that starts with "-" is written ./${parsed.unknown[0]})`,
    );
  return parsed.operands;
}

export function addDiffCommand(program: Command): void {
  program
    .command("diff")
    .description(
      "what changed, preset by preset: two files or folders (eqp diff old.eqp new.eqp), or a git revision against the working tree (eqp diff HEAD~1 -- presets/)",
    )
    .argument("<revision-or-files...>", "two files or folders, or a git revision followed by paths (default: .)")
    .option("--format <format>", "text, markdown (for a pull-request comment) or json", "text")
    .option(
      "--out <dir>",
      "write the report (diff.md / diff.json / diff.txt) and a before/after SVG per changed preset into this folder",
    )
    .option("--model <dir>", "model folder for morphs (default: the bundled model)")
    .action(async (given: string[], _options: DiffOptions, command: Command) => {
      const operands = optionsAfterDashDash(command, given);
      const options = command.opts<DiffOptions>();
      if (!["text", "markdown", "json"].includes(options.format))
        throw new UsageError(
          `eqp diff: --format must be text, markdown or json, not ${JSON.stringify(options.format)}`,
        );
      // `--` forces the revision form, as in git; without it, an existing path first means files.
      const revisionForm = process.argv.includes("--") || !existsSync(operands[0]!);
      let pairs: FilePair[];
      let before: string;
      let after: string;
      if (revisionForm) {
        const [revision, ...paths] = operands;
        pairs = await revisionPairs(revision!, paths.length > 0 ? paths : ["."]);
        before = revision!;
        after = "working tree";
      } else {
        if (operands.length !== 2)
          throw new UsageError(
            `eqp diff: give two files or folders, or a revision and paths (eqp diff HEAD -- presets/)`,
          );
        pairs = await filePairs(operands[0]!, operands[1]!);
        [before, after] = operands as [string, string];
      }
      const morphs = pairs.some((pair) =>
        [pair.before, pair.after].some((text) => text !== undefined && readDocument(text).presets.some(mayNeedModel)),
      );
      const services = await cliServices(options.model, { network: morphs });
      // The old side of a revision: its files' tags and its model, so that a preset moved by them is reported too.
      const old =
        revisionForm && morphs ? await revisionSide(before, defaultWorkspace(), services, options.model) : undefined;
      try {
        for (const pair of pairs) {
          reportErrors(old?.services ?? services, pair.beforeName, pair.before);
          reportErrors(services, pair.afterName, pair.after);
        }
        // The other files as they were too: a preset whose used preset changed elsewhere shows it.
        const beforeFiles = new Map(pairs.map((pair) => [path.resolve(pair.file), pair.before]));
        const context = {
          before: (old?.services ?? services).withFiles(beforeFiles),
          ...(old ? { why: old.why } : {}),
        };
        const report: DiffReport = {
          before,
          after,
          files: pairs.map((pair) => ({
            file: pair.file,
            presets: diffTexts(pair.before, pair.after, services, { ...context, file: path.resolve(pair.file) }),
          })),
        };
        let pictures = new Map<PresetDiff, string>();
        if (options.out !== undefined) {
          try {
            mkdirSync(options.out, { recursive: true });
          } catch (error) {
            throw fileError(options.out, "created", error);
          }
          pictures = writePictures(options.out, report);
        }
        const output =
          options.format === "markdown"
            ? diffMarkdown(report, pictures)
            : options.format === "json"
              ? `${JSON.stringify(diffJson(report, pictures), null, 2)}\n`
              : diffText(report, pictures);
        if (options.out === undefined) {
          printOut(output);
          return;
        }
        const reportFile = path.join(
          options.out,
          `diff.${{ markdown: "md", json: "json", text: "txt" }[options.format]}`,
        );
        writeOutputFile(reportFile, output);
        printOut(`wrote ${reportFile} and ${pictures.size} picture${pictures.size === 1 ? "" : "s"}\n`);
      } finally {
        old?.dispose();
        services.dispose();
      }
    });
}
