/**
 * `use "VO clean" [from "file"]`: the parser and formatter, the resolver (same file, workspace,
 * library; ambiguity, `from`, missing presets, cycles), the flattened chain, and the diagnostics
 * of use lines through EqServices.check with real files on disk.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import {
  EqServices,
  formatDocument,
  parsePresetDocument,
  readDocument,
  resolvePresets,
  UseResolver,
  type EqDiagnostic,
  type UseStatement,
} from "../../server/src/core/index.js";

function usesOf(text: string): UseStatement[] {
  return resolvePresets(parsePresetDocument(text)).flatMap((preset) => preset.uses);
}

describe("use: parsing and formatting", () => {
  it("reads the name, `from` and the file, with their ranges", () => {
    const [use] = usesOf('preset "A" {\n  use "VO \\"clean\\"" from "dia logue.eqp"\n}\n');
    assert.equal(use!.name, 'VO "clean"');
    assert.equal(use!.file, "dia logue.eqp");
    assert.deepEqual(use!.nameRange!.start, { line: 1, character: 6 });
    assert.ok(use!.fromRange);
    assert.deepEqual(use!.range.end, { line: 1, character: 41 });
  });

  it("parses half-typed lines without throwing and keeps them to their line", () => {
    for (const text of [
      "use",
      'use "',
      "use from",
      'preset "A" {\n use "x" from\n bell 1kHz +1dB\n}',
      "from",
      'use "a" "b"',
    ]) {
      const document = parsePresetDocument(text);
      assert.ok(Array.isArray(document.items), text);
    }
    const [preset] = resolvePresets(parsePresetDocument('preset "A" {\n use "x" from\n bell 1kHz +1dB\n}'));
    assert.equal(preset!.uses.length, 1);
    assert.equal(preset!.uses[0]!.file, undefined);
    assert.equal(preset!.bands.length, 1);
    assert.match(parsePresetDocument("from").syntaxErrors[0]!.message, /belongs on a use line/);
  });

  it("formats use lines canonically and reads them back the same", () => {
    const text = 'preset "B" {\n    USE   "VO clean"   FROM "d.eqp"\n  use "telephone"\n}\n';
    const formatted = formatDocument(parsePresetDocument(text), text)!;
    assert.equal(formatted, 'preset "B" {\n  use "VO clean" from "d.eqp"\n  use "telephone"\n}\n');
    assert.equal(formatDocument(parsePresetDocument(formatted), formatted), formatted);
  });
});

/** A workspace of real files, indexed as the CLI and the server index them. */
function workspace(files: Record<string, string>): { dir: string; services: EqServices } {
  const dir = mkdtempSync(path.join(tmpdir(), "eqp-uses-"));
  const services = new EqServices();
  services.model.load(undefined);
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), text);
    services.workspace.readFile(path.join(dir, name));
  }
  return { dir, services };
}

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function check(
  files: Record<string, string>,
  file: string,
): { diagnostics: EqDiagnostic[]; services: EqServices; dir: string } {
  const { dir, services } = workspace(files);
  made.push(dir);
  const full = path.join(dir, file);
  return { diagnostics: services.check(services.workspace.meaningOf(full)!, full), services, dir };
}

const codesAt = (diagnostics: EqDiagnostic[]) =>
  diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`);

describe("use: resolution and diagnostics", () => {
  const clean = 'preset "VO clean" {\n  highpass 80Hz\n  bell 3kHz +2dB q 1\n  gain -1dB\n}\n';

  it("flattens a chain: the used presets' bands first, in order, then its own; gains add up", () => {
    const { services, dir } = check(
      {
        "dialogue.eqp": clean,
        "phone.eqp": 'preset "VO phone" {\n  use "VO clean"\n  use "telephone"\n  bell 1kHz -2dB\n  gain +4dB\n}\n',
      },
      "phone.eqp",
    );
    const preset = services.workspace.meaningOf(path.join(dir, "phone.eqp"))!.presets[0]!;
    const chain = services.chainOf(preset);
    assert.deepEqual(
      chain.bands.map((band) => `${band.slot} ${band.frequencyHz}`),
      ["bell1 3000", "highpass 80", "bell1 2000", "highpass 300", "lowpass 3400", "bell1 1000"],
    );
    assert.equal(chain.outputGainDb, 3);
    assert.deepEqual(services.bandsOf(preset), chain.bands);
  });

  it("looks in the same file first, then the workspace, then the library", () => {
    const { diagnostics, services, dir } = check(
      {
        "a.eqp": 'preset "telephone" {\n  lowpass 2kHz\n}\npreset "T" {\n  use "telephone"\n}\n',
        "b.eqp": 'preset "telephone" {\n  lowpass 5kHz\n}\n',
        "c.eqp": 'preset "U" {\n  use "Telephone"\n}\n',
      },
      "a.eqp",
    );
    assert.deepEqual(diagnostics, []);
    const t = services.workspace.meaningOf(path.join(dir, "a.eqp"))!.presets[1]!;
    assert.deepEqual(
      services.bandsOf(t).map((band) => band.frequencyHz),
      [2000],
    );
    // c.eqp has none: the workspace's (b.eqp; a.eqp's too, so it is ambiguous).
    const c = services.check(services.workspace.meaningOf(path.join(dir, "c.eqp"))!, path.join(dir, "c.eqp"));
    assert.deepEqual(codesAt(c), ["2:7 use-ambiguous"]);
    assert.match(c[0]!.message, /2 files \(a\.eqp, b\.eqp\).*use "Telephone" from "a\.eqp"/);
  });

  it('`from "file"` picks one of several, relative to the using file', () => {
    const { diagnostics, services, dir } = check(
      {
        "a.eqp": clean,
        "b.eqp": clean.replace("80Hz", "120Hz"),
        "use.eqp": 'preset "X" {\n  use "VO clean" from "b.eqp"\n}\npreset "Y" {\n  use "VO clean"\n}\n',
      },
      "use.eqp",
    );
    assert.deepEqual(codesAt(diagnostics), ["5:7 use-ambiguous"]);
    const x = services.workspace.meaningOf(path.join(dir, "use.eqp"))!.presets[0]!;
    assert.ok(services.bandsOf(x).some((band) => band.slot === "highpass" && band.frequencyHz === 120));
  });

  it("says when a preset or a file is missing, on the use line", () => {
    const { diagnostics } = check(
      {
        "m.eqp": 'preset "M" {\n  use "nowhere"\n  use "VO clean" from "gone.eqp"\n  use\n  use "x" from\n}\n',
      },
      "m.eqp",
    );
    assert.deepEqual(codesAt(diagnostics), [
      "2:7 use-missing",
      "3:7 use-missing",
      "4:3 use-missing",
      "5:7 use-missing",
    ]);
    assert.match(diagnostics[0]!.message, /No preset "nowhere" in m\.eqp, the workspace or the library/);
    assert.match(diagnostics[1]!.message, /No file gone\.eqp/);
  });

  it("suggests the nearest name of the file, the workspace or the library for a missing one, with a fix", () => {
    const { diagnostics } = check(
      {
        "t.eqp":
          'preset "T" {\n  use "telephon"\n  use "vo claen"\n  use "Talk"\n  use "zzzzzz"\n}\npreset "Talks" {\n  bell 1kHz +1dB\n}\n',
        "d.eqp": clean,
      },
      "t.eqp",
    );
    assert.deepEqual(codesAt(diagnostics), [
      "2:7 use-missing",
      "3:7 use-missing",
      "4:7 use-missing",
      "5:7 use-missing",
    ]);
    assert.equal(
      diagnostics[0]!.message,
      'No preset "telephon" in t.eqp, the workspace or the library; did you mean "telephone"?',
    );
    assert.deepEqual(diagnostics[0]!.data, {
      fix: "replace",
      replacements: ['"telephone"'],
      titles: ['Use "telephone"'],
    });
    assert.match(diagnostics[1]!.message, /did you mean "VO clean"\?$/);
    assert.match(diagnostics[2]!.message, /did you mean "Talks"\?$/);
    assert.doesNotMatch(diagnostics[3]!.message, /did you mean/);
    assert.equal(diagnostics[3]!.data, undefined);
  });

  it("reports every use line of a cycle, whichever preset is checked first, and stops the chain there", () => {
    const files = {
      "loop.eqp":
        'preset "A" {\n  use "B"\n  bell 1kHz +1dB\n}\npreset "B" {\n  use "C"\n}\npreset "C" {\n  use "A"\n}\n',
      "self.eqp": 'preset "S" {\n  use "S"\n}\n',
      "outside.eqp": 'preset "O" {\n  use "B"\n}\n',
    };
    const { diagnostics, services, dir } = check(files, "loop.eqp");
    assert.deepEqual(codesAt(diagnostics), ["2:7 use-cycle", "6:7 use-cycle", "9:7 use-cycle"]);
    assert.match(diagnostics[0]!.message, /"A" → "B" → "C" → "A"/);
    assert.match(diagnostics[1]!.message, /"B" → "C" → "A" → "B"/);
    // A use of its own name skips the preset itself; with no other "S" anywhere, it names nothing.
    const self = services.check(services.workspace.meaningOf(path.join(dir, "self.eqp"))!, path.join(dir, "self.eqp"));
    assert.deepEqual(codesAt(self), ["2:7 use-missing"]);
    assert.match(
      self[0]!.message,
      /No preset "S" other than this one in self\.eqp, the workspace or the library \(a preset cannot use itself\)/,
    );
    // A preset that uses a preset on a cycle: that preset has errors.
    const outside = path.join(dir, "outside.eqp");
    const o = services.check(services.workspace.meaningOf(outside)!, outside);
    assert.deepEqual(codesAt(o), ["2:7 used-preset-errors"]);
    assert.match(o[0]!.message, /"B" has an error; the first, at loop\.eqp:6:7: This use makes a cycle/);
    // The chain is finite.
    const a = services.workspace.meaningOf(path.join(dir, "loop.eqp"))!.presets[0]!;
    assert.deepEqual(
      services.bandsOf(a).map((band) => band.frequencyHz),
      [1000],
    );
  });

  it("a use of the preset's own name skips it: the same file's other one, then the workspace, then the library", () => {
    const { diagnostics, services, dir } = check(
      {
        "lib.eqp": 'preset "Underwater" {\n  use "underwater"\n  bell 2kHz -2dB\n}\n',
        "ws.eqp": 'preset "Muffled" {\n  lowpass 1kHz\n}\npreset "Room" {\n  use "muffled"\n  bell 500Hz +1dB\n}\n',
        "mine.eqp": 'preset "muffled" {\n  use "Muffled"\n  gain -1dB\n}\n',
        "twins.eqp": 'preset "Twin" {\n  bell 3kHz +1dB\n}\npreset "twin" {\n  use "Twin"\n}\n',
      },
      "lib.eqp",
    );
    assert.deepEqual(diagnostics, []);
    const bands = (file: string, index: number) =>
      services
        .bandsOf(services.workspace.meaningOf(path.join(dir, file))!.presets[index]!)
        .map((band) => `${band.slot} ${band.frequencyHz}`);
    // The library's "underwater" (lowpass 800 Hz, low shelf 200 Hz), then its own bell.
    const underwater = bands("lib.eqp", 0);
    assert.deepEqual(underwater.slice(0, 2).sort(), ["lowShelf 200", "lowpass 800"]);
    assert.deepEqual(underwater.slice(2), ["bell1 2000"]);
    // mine.eqp's "muffled" uses ws.eqp's "Muffled", not itself.
    const mine = path.join(dir, "mine.eqp");
    assert.deepEqual(services.check(services.workspace.meaningOf(mine)!, mine), []);
    assert.deepEqual(bands("mine.eqp", 0), ["lowpass 1000"]);
    // The same file's other preset of the name comes first.
    const twins = path.join(dir, "twins.eqp");
    assert.deepEqual(
      services
        .check(services.workspace.meaningOf(twins)!, twins)
        .map((d) => d.code)
        .filter((c) => c.startsWith("use")),
      [],
    );
    assert.deepEqual(bands("twins.eqp", 1), ["bell1 3000"]);
  });

  it("two presets of one name in two files that use each other are still a cycle", () => {
    const { diagnostics } = check(
      {
        "x.eqp": 'preset "Echo" {\n  use "echo" from "y.eqp"\n}\n',
        "y.eqp": 'preset "Echo" {\n  use "echo" from "x.eqp"\n}\n',
      },
      "x.eqp",
    );
    assert.deepEqual(codesAt(diagnostics), ["2:7 use-cycle"]);
    assert.match(diagnostics[0]!.message, /"Echo" → "Echo" → "Echo"/);
  });

  it("an error in the used preset is an error on the use line, with its place", () => {
    const { diagnostics } = check(
      {
        "base.eqp": 'preset "Base" {\n  bell 1kHz +2dB\n  bel 2kHz\n}\n',
        "top.eqp": 'preset "Top" {\n  use "Base"\n}\n',
      },
      "top.eqp",
    );
    assert.deepEqual(codesAt(diagnostics), ["2:7 used-preset-errors"]);
    assert.match(diagnostics[0]!.message, /at base\.eqp:3:3: Unknown statement 'bel'/);
  });

  it("a morph word that names a library preset hints at the use line", () => {
    const { diagnostics } = check({ "w.eqp": 'preset "W" {\n  morph behind_a_wall\n}\n' }, "w.eqp");
    const unknown = diagnostics.find((d) => d.code === "unknown-word")!;
    assert.match(unknown.message, /"behind a wall" is a preset of the library: use "behind a wall"/);
    assert.deepEqual((unknown.data as { use?: string }).use, "behind a wall");
  });

  it("resolves a chain of 2,000 presets in one pass (not quadratically)", () => {
    const lines = ['preset "P0" {\n  bell 1kHz +1dB\n}'];
    for (let index = 1; index < 2000; index++) lines.push(`preset "P${index}" {\n  use "P${index - 1}"\n}`);
    const meaning = readDocument(lines.join("\n"));
    const services = new EqServices();
    services.model.load(undefined);
    assert.deepEqual(services.check(meaning), []);
    assert.deepEqual(
      services.bandsOf(meaning.presets[900]!).map((band) => band.frequencyHz),
      [1000],
    );
    // Each preset is flattened once however many use it: its own bands are asked for once.
    let asked = 0;
    const resolver = new UseResolver(
      {
        workspace: () => [],
        library: () => undefined,
        names: () => ({ workspace: [], library: [] }),
        file: () => "no files here",
      },
      () => {
        asked++;
        return undefined;
      },
    );
    const withMorphs = readDocument(lines.map((preset) => preset.replace("{", "{\n  morph warm")).join("\n"));
    for (const preset of withMorphs.presets)
      for (const use of preset.uses)
        resolver.problemAt(use, { preset, meaning: withMorphs, file: undefined, library: false });
    assert.equal(asked, 2000);
  });
});

describe("use with tags", () => {
  it("a tagged preset that only uses another is no flat preset", () => {
    const { diagnostics } = check({ "t.eqp": 'preset "T" {\n  use "telephone"\n  tags phoney\n}\n' }, "t.eqp");
    assert.deepEqual(
      diagnostics.map((d) => d.code).filter((code) => code === "tag-on-flat-preset"),
      [],
    );
  });
});
