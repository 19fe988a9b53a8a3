/**
 * Preset files are data: whatever a document says (`include "/etc/passwd"`, `$(rm -rf /)`,
 * `${env:HOME}`, `require(`, URLs), reading it never touches the file system, starts a process,
 * opens a connection or evaluates code. Checked by running every feature of the language service
 * with those doors replaced by spies that record and refuse. Model paths from settings are
 * checked too: a missing folder, a file, a NUL or a folder whose metadata points out of it give
 * the bundled model and a message saying why.
 */
import assert from "node:assert/strict";
import childProcess from "node:child_process";
import dgram from "node:dgram";
import fs, { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import { bundledModelDir, resolvePresets, parsePresetDocument } from "../../server/src/core/index.js";
import { initBackend } from "../../server/src/core/network/backend.js";
import { ModelFolderError, readModelFolder } from "../../server/src/core/network/modelFolder.js";
import { EqLanguageService } from "../../server/src/lsp/features/languageService.js";
import { EqServices, ModelHost } from "../../server/src/core/index.js";
import { fixtureModelDir } from "../support/fixtureModel.js";

/** Documents that would do harm if any part of them were run, fetched, expanded or opened. */
const HOSTILE = [
  'include "/etc/passwd"\nimport "../../secrets.eqp"\n',
  'preset "$(rm -rf /)" {\n  morph warm `touch /tmp/eqp-pwned` 0.5\n  bell ${env:HOME} +1dB\n}\n',
  'require("child_process").exec("id")\neval("1+1")\nprocess.exit(1)\n',
  'samplerate 48kHz\npreset "https://example.invalid/x.eqp" {\n  lowshelf file:///etc/shadow -3dB\n  gain -1dB # see \\\\server\\share\\x and %APPDATA% and ~/.ssh/id_rsa\n}\n',
  'preset "<img src=x onerror=alert(1)>](command:workbench.action.terminal.new)" {\n  bell 1kHz +2dB q 1\n}\n',
  "bell 1kHz +2dB\n{{constructor.constructor('return process')()}}\n__proto__ 1 prototype 2\n",
  "morph __proto__ 1 constructor 0.5 toString hasOwnProperty\n",
];

interface Door {
  target: Record<string, unknown>;
  name: string;
}

/** Every function on these objects becomes a spy that records its name and throws. */
function doorsOf(label: string, target: object): (Door & { label: string })[] {
  return Object.keys(target)
    .filter((name) => typeof (target as Record<string, unknown>)[name] === "function")
    .map((name) => ({ label: `${label}.${name}`, target: target as Record<string, unknown>, name }));
}

function withSpies<T>(run: () => T): { result: T; calls: string[] } {
  const calls: string[] = [];
  const doors = [
    ...doorsOf("fs", fs),
    ...doorsOf("fs.promises", fs.promises),
    ...doorsOf("child_process", childProcess),
    ...doorsOf("http", http).filter((door) => ["request", "get", "createServer"].includes(door.name)),
    ...doorsOf("https", https).filter((door) => ["request", "get", "createServer"].includes(door.name)),
    ...doorsOf("net", net).filter((door) => ["connect", "createConnection", "createServer"].includes(door.name)),
    ...doorsOf("dgram", dgram),
    { label: "fetch", target: globalThis as unknown as Record<string, unknown>, name: "fetch" },
    { label: "eval", target: globalThis as unknown as Record<string, unknown>, name: "eval" },
    { label: "process.dlopen", target: process as unknown as Record<string, unknown>, name: "dlopen" },
  ];
  const originals = doors.map((door) => door.target[door.name]);
  const OriginalFunction = globalThis.Function;
  for (const door of doors) {
    door.target[door.name] = (..._args: unknown[]) => {
      calls.push(door.label);
      throw new Error(`${door.label} called while reading a preset`);
    };
  }
  // `new Function(text)` is eval by another name.
  globalThis.Function = new Proxy(OriginalFunction, {
    construct(target, args) {
      calls.push("new Function");
      return Reflect.construct(target, args);
    },
    apply(target, self, args) {
      calls.push("Function()");
      return Reflect.apply(target, self, args);
    },
  });
  // ES modules bound `import { readFileSync } from "node:fs"` at load time: update those bindings too.
  syncBuiltinESMExports();
  try {
    return { result: run(), calls };
  } finally {
    doors.forEach((door, index) => (door.target[door.name] = originals[index]));
    globalThis.Function = OriginalFunction;
    syncBuiltinESMExports();
  }
}

/** Every feature of the language service, at every position of the document. */
function exercise(service: EqLanguageService, text: string, version: number): string[] {
  const document = TextDocument.create("file:///hostile.eqp", "eqpreset", version, text);
  const out: string[] = [];
  const diagnostics = service.diagnostics(document);
  out.push(JSON.stringify(diagnostics));
  const lines = text.split("\n");
  for (let line = 0; line < lines.length; line++) {
    for (let character = 0; character <= lines[line]!.length; character++) {
      out.push(JSON.stringify(service.hover(document, { line, character })));
      out.push(JSON.stringify(service.completion(document, { line, character })));
    }
  }
  out.push(JSON.stringify(service.documentSymbols(document)));
  out.push(JSON.stringify(service.foldingRanges(document)));
  out.push(JSON.stringify(service.format(document)));
  const end = { line: lines.length - 1, character: lines[lines.length - 1]!.length };
  out.push(
    JSON.stringify(
      service.codeActions(document, {
        textDocument: { uri: document.uri },
        range: { start: { line: 0, character: 0 }, end },
        context: { diagnostics },
      }),
    ),
  );
  return out;
}

let host: ModelHost;
let service: EqLanguageService;
const scratch = mkdtempSync(path.join(tmpdir(), "eqp-security-"));

before(async () => {
  // The bundled model with its network, so hovers decode morphs as in the editor.
  host = new ModelHost();
  assert.ok(await host.loadNetwork());
  service = new EqLanguageService(new EqServices(host));
  // Once outside the spies: lazy imports and caches fill here, not during the check.
  HOSTILE.forEach((text, index) => exercise(service, text, index + 1));
});
after(() => {
  host.semantic?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe("preset files are data", () => {
  it("reading hostile documents opens no file, process, socket or evaluator", () => {
    let version = 100;
    for (const text of HOSTILE) {
      const { result, calls } = withSpies(() => exercise(service, text, version++));
      assert.deepEqual(calls, [], `while reading ${JSON.stringify(text)}`);
      const output = result.join("\n");
      assert.doesNotMatch(output, /root:x:0:0|eqp-pwned created/);
    }
  });

  it("the spies do catch a file access (the check can fail)", () => {
    const { calls } = withSpies(() => {
      try {
        readFileSync("/etc/hostname");
      } catch {
        // Refused by the spy.
      }
    });
    assert.deepEqual(calls, ["fs.readFileSync"]);
  });

  it("keeps what looks like code as plain text: unknown statements, names and errors", () => {
    const diagnostics = service.diagnostics(TextDocument.create("file:///hostile-0.eqp", "eqpreset", 1, HOSTILE[0]!));
    assert.deepEqual(
      diagnostics
        .filter((diagnostic) => diagnostic.code === "unknown-statement")
        .map((diagnostic) => diagnostic.message),
      [
        "Unknown statement 'include': expected preset, morph, lowshelf, bell1, bell2, bell3, bell, highshelf, highpass, lowpass, notch, samplerate, gain, tags, use",
        "Unknown statement 'import': expected preset, morph, lowshelf, bell1, bell2, bell3, bell, highshelf, highpass, lowpass, notch, samplerate, gain, tags, use",
      ],
    );
    const preset = resolvePresets(parsePresetDocument(HOSTILE[1]!))[0]!;
    assert.equal(preset.name, "$(rm -rf /)");
  });
});

describe("model paths from settings", () => {
  it("falls back to the bundled model, saying why, for paths that are not a model folder", async () => {
    const file = path.join(scratch, "a-file");
    writeFileSync(file, "not a folder");
    const cases: [string, RegExp][] = [
      [path.join(scratch, "does", "not", "exist"), /there is no folder .*does\/not\/exist/],
      [file, /a-file is a file, not a model folder/],
      [scratch, /is not a model folder \(no metadata\.json\)/],
      [`${scratch}/nul\u0000byte`, /nul\\u0000byte.*the path contains a NUL character/],
    ];
    for (const [dir, reason] of cases) {
      const candidate = new ModelHost();
      const state = candidate.load(dir);
      assert.equal(path.resolve(state.dir), path.resolve(bundledModelDir()), dir);
      assert.match(state.warning ?? "", reason);
      assert.match(state.warning ?? "", /Using the bundled model/);
      assert.ok(candidate.vocabulary.lookup("warm"));
    }
  });

  it("shows a NUL in a model path escaped, not raw, in its warning", () => {
    const state = new ModelHost().load(`${scratch}/nul\u0000byte`);
    assert.doesNotMatch(state.warning ?? "", /\u0000/);
  });

  it("refuses a model folder whose metadata points its network file out of the folder", async () => {
    await initBackend();
    const dir = path.join(scratch, "escaping-model");
    cpSync(await fixtureModelDir(), dir, { recursive: true });
    const file = path.join(dir, "metadata.json");
    const metadata = JSON.parse(readFileSync(file, "utf8")) as { model: { network: string } };
    for (const network of ["../../../../../../etc/passwd", "/etc/passwd", "sub/../../model.json"]) {
      metadata.model.network = network;
      writeFileSync(file, JSON.stringify(metadata));
      assert.throws(
        () => readModelFolder(dir),
        (error: Error) =>
          error instanceof ModelFolderError &&
          error.message.includes(
            `"model.network" must be a file name in the model folder, not ${JSON.stringify(network)}`,
          ),
      );
    }
  });
});

describe("workspace trust", () => {
  it("declares limited support for untrusted workspaces and restricts the path settings", () => {
    const manifest = JSON.parse(readFileSync("package.json", "utf8")) as {
      capabilities?: { untrustedWorkspaces?: { supported?: unknown; restrictedConfigurations?: string[] } };
    };
    const trust = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(trust?.supported, "limited");
    for (const setting of ["eqpreset.modelPath", "eqpreset.training.dataPath", "eqpreset.training.outputPath"])
      assert.ok(trust?.restrictedConfigurations?.includes(setting), setting);
  });
});
