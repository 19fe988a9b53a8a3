/**
 * The layer table of ARCHITECTURE.md, enforced: every import in server/, cli/ and client/ (static
 * and dynamic, read by TypeScript's own pre-processor) is mapped to the folder it reaches; no two
 * folders may import each other (directly or round a longer cycle), and each folder imports only
 * the folders its row allows.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SOURCES = ["server/src", "cli/src", "client/src"];
/** The package imports of package.json: `#core/*` and `#protocol/*`. */
const ALIASES: Record<string, string> = { "#core/": "server/src/core/", "#protocol/": "server/src/protocol/" };

const CORE = "server/src/core";
/** Per folder, the folders it may import (its own subfolders are its own business). */
const ALLOWED: Record<string, readonly string[]> = {
  [`${CORE}/language`]: [],
  /** Node only: atomic writes and reads of regular files. */
  [`${CORE}/files`]: [],
  /** The runtime package's shapes and coefficient maths, which the exports and the curves share. */
  "runtime/src": [],
  [`${CORE}/eq`]: [`${CORE}/language`, "runtime/src"],
  [`${CORE}/presets`]: [`${CORE}/language`, `${CORE}/eq`],
  [`${CORE}/fit`]: [`${CORE}/eq`],
  [`${CORE}/audio`]: [`${CORE}/language`, `${CORE}/eq`, `${CORE}/fit`, `${CORE}/presets`],
  [`${CORE}/export`]: [`${CORE}/language`, `${CORE}/eq`, "runtime/src"],
  [`${CORE}/diff`]: [`${CORE}/language`, `${CORE}/eq`, `${CORE}/presets`],
  [`${CORE}/validation`]: [`${CORE}/language`, `${CORE}/eq`, `${CORE}/presets`, `${CORE}/model`],
  [`${CORE}/model`]: [`${CORE}/language`, `${CORE}/eq`, `${CORE}/fit`, `${CORE}/files`],
  [`${CORE}/network`]: [`${CORE}/model`, `${CORE}/files`],
  [`${CORE}/training`]: [`${CORE}/language`, `${CORE}/eq`, `${CORE}/fit`, `${CORE}/model`, `${CORE}/network`],
  [`${CORE}/import`]: [`${CORE}/language`, `${CORE}/eq`, `${CORE}/presets`, `${CORE}/fit`, `${CORE}/export`],
  [`${CORE}/lockfile`]: [`${CORE}/language`, `${CORE}/eq`, `${CORE}/presets`, `${CORE}/validation`, `${CORE}/diff`],
  [`${CORE}/services`]: [
    `${CORE}/language`,
    `${CORE}/eq`,
    `${CORE}/presets`,
    `${CORE}/model`,
    `${CORE}/network`,
    `${CORE}/validation`,
    `${CORE}/lockfile`,
    `${CORE}/files`,
  ],
  /** core/index.ts: the core less network and training, which are slow to import. */
  [CORE]: [
    `${CORE}/language`,
    `${CORE}/eq`,
    `${CORE}/presets`,
    `${CORE}/model`,
    `${CORE}/validation`,
    `${CORE}/lockfile`,
    `${CORE}/services`,
    `${CORE}/files`,
  ],
  "server/src/protocol": [`${CORE}/eq`],
  "server/src/boot": [],
  "server/src/lsp": ["server/src/lsp/features", "server/src/protocol", CORE, `${CORE}/*`],
  "server/src/lsp/features": ["server/src/protocol", CORE, `${CORE}/*`],
  "cli/src": [CORE, `${CORE}/*`],
  "client/src": ["client/src/preview", "server/src/protocol", `${CORE}/services`, `${CORE}/export`],
  "client/src/preview": ["server/src/protocol", `${CORE}/eq`],
  "client/src/preview/page": ["client/src/preview", `${CORE}/eq`, `${CORE}/language`],
};

/** The only files outside core/training that may load it: `eqp train`, `eqp eval` and fine-tuning. */
const TRAINING_LOADERS = new Set(["cli/src/trainingCommands.ts", "cli/src/fineTuneCommand.ts"]);

interface Import {
  file: string;
  from: string;
  to: string;
  target: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const relative = `${dir}/${name}`;
    if (statSync(path.join(ROOT, relative)).isDirectory()) return sourceFiles(relative);
    return name.endsWith(".ts") ? [relative] : [];
  });
}

/** Every import of ours in `files`, as the folder it leaves and the folder it reaches. */
function importsOf(
  files: readonly string[],
  read = (file: string) => readFileSync(path.join(ROOT, file), "utf8"),
): Import[] {
  return files.flatMap((file) =>
    ts.preProcessFile(read(file), true, true).importedFiles.flatMap(({ fileName }) => {
      const alias = Object.keys(ALIASES).find((prefix) => fileName.startsWith(prefix));
      let target: string;
      if (alias) target = ALIASES[alias]! + fileName.slice(alias.length);
      else if (fileName.startsWith("."))
        target = path.posix.normalize(path.posix.join(path.posix.dirname(file), fileName));
      else return [];
      return [{ file, from: path.posix.dirname(file), to: path.posix.dirname(target), target }];
    }),
  );
}

function allowed(from: string, to: string): boolean {
  if (to === from || to.startsWith(`${from}/`)) return true;
  const rule = ALLOWED[from];
  if (!rule) return false;
  return rule.some((entry) => (entry.endsWith("/*") ? to.startsWith(entry.slice(0, -1)) : to === entry));
}

/** The folder-level cycles: groups of folders that reach each other (Tarjan's strongly connected components). */
function folderCycles(imports: readonly Import[]): string[][] {
  const edges = new Map<string, Set<string>>();
  for (const { from, to } of imports) if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== node);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

const imports = importsOf(SOURCES.flatMap(sourceFiles));

describe("architecture", () => {
  it("reads the imports (a check that reads nothing proves nothing)", () => {
    assert.ok(imports.length > 300, `only ${imports.length} imports read`);
    assert.ok(imports.some((edge) => edge.to === `${CORE}/eq` && edge.from === "client/src/preview/page"));
  });

  it("has no import cycle between folders", () => {
    assert.deepEqual(folderCycles(imports), []);
  });

  it("finds a cycle and a broken layer when there is one", () => {
    const planted = importsOf(["server/src/core/eq/a.ts", "server/src/core/language/b.ts"], (file) =>
      file.includes("/eq/") ? 'import "../language/index.js";' : 'import "../eq/index.js";',
    );
    assert.deepEqual(folderCycles(planted), [[`${CORE}/eq`, `${CORE}/language`]]);
    assert.equal(allowed(`${CORE}/language`, `${CORE}/eq`), false);
  });

  it("keeps every folder to its row of the layer table", () => {
    const broken = imports
      .filter(({ from, to }) => !allowed(from, to))
      .map(({ file, target }) => `${file} imports ${target}`);
    assert.deepEqual(broken, []);
  });

  it("loads training code only from eqp train, eqp eval and fine-tuning", () => {
    const loaders = imports
      .filter(({ from, to }) => to === `${CORE}/training` && from !== to)
      .map(({ file }) => file)
      .filter((file) => !TRAINING_LOADERS.has(file));
    assert.deepEqual(loaders, []);
  });
});
