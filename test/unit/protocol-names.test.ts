/**
 * Each custom message and shared command is named once, in server/src/protocol: a method string
 * written anywhere else in the sources could drift from the binding that types its params and
 * result (ARCHITECTURE.md, "Architecture invariants").
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SOURCES = ["server/src", "cli/src", "client/src"];
const PROTOCOL = "server/src/protocol/";
/** A custom method (`"eqpreset/preview"`) or a command both sides name (`"eqpreset.openPreview"`). */
const NAME = /["'](eqpreset\/\w+|eqpreset\.(?:openPreview|expandPreset))["']/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const relative = `${dir}/${name}`;
    if (statSync(path.join(ROOT, relative)).isDirectory()) return sourceFiles(relative);
    return name.endsWith(".ts") ? [relative] : [];
  });
}

/** Every protocol name in a string literal of `text` (comments may mention them), as `file: name`. */
function namesIn(file: string, text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
  return [...code.matchAll(NAME)].map((match) => `${file}: ${match[1]}`);
}

describe("protocol names", () => {
  it("finds a method string written outside the protocol", () => {
    const text = `/** "eqpreset/editBand" */\nconnection.onRequest("eqpreset/preview", handler); // "eqpreset/previewText"`;
    assert.deepEqual(namesIn("x.ts", text), ["x.ts: eqpreset/preview"]);
  });

  it("names every custom method and shared command in server/src/protocol only", () => {
    const files = SOURCES.flatMap(sourceFiles).filter((file) => !file.startsWith(PROTOCOL));
    const stray = files.flatMap((file) => namesIn(file, readFileSync(path.join(ROOT, file), "utf8")));
    assert.deepEqual(stray, []);
  });

  it("declares each name in the protocol once", () => {
    const names = sourceFiles("server/src/protocol").flatMap((file) =>
      namesIn("", readFileSync(path.join(ROOT, file), "utf8")),
    );
    assert.ok(names.length >= 8, `expected the protocol's names, found ${names.length}`);
    assert.equal(new Set(names).size, names.length, `a name declared twice: ${names.join(", ")}`);
  });
});
