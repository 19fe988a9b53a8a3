/**
 * What the engine exports hand to other programs, run as far as this machine can: the FMOD Studio
 * script in Node against a stand-in of Studio's scripting objects, the WAAPI and Unreal scripts in
 * Python against stand-ins of the `waapi` and `unreal` modules (recording every call), the Unity
 * C# compiled with Mono's mcs and its coefficients compared with the runtime's, and a folder with
 * duplicate preset names exported as one document that the runtime loads. The stand-ins check that
 * the scripts make the calls, with the values, the export promises; not that FMOD Studio, Wwise or
 * Unreal accept them (none runs here).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as vm from "node:vm";
import { coefficients, loadPresets, magnitudeDb } from "../../runtime/src/index.js";
import type { Preset } from "../../runtime/src/types.js";
import { eqp, temporaryFolder, writeFileIn } from "../support/cli.js";

const DIALOGUE = path.resolve("samples", "dialogue.eqp");
const has = (command: string) => spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
const requireTools = process.env["EQP_REQUIRE_E2E"] === "1";
const pythonMissing = !has("python3") && (requireTools ? false : "python3 is not installed");
const monoMissing =
  !(has("mcs") && has("mono")) && (requireTools ? false : "mcs/mono are not installed (apt-get install mono-mcs)");

function exported(format: string, ...files: string[]): string {
  const result = eqp("export", ...files, "--format", format);
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

interface FmodParameter {
  name: string;
  value: number;
}

describe("FMOD Studio script", () => {
  it("creates an Effect Preset per preset with the multiband EQ's values, and updates it on a second run", () => {
    const script = exported("fmod-studio", DIALOGUE);
    const created: { entity: string; [key: string]: unknown }[] = [];
    let saved = 0;
    let menu: { name: string; execute: () => string[] } | undefined;
    const studio = {
      menu: { addMenuItem: (item: typeof menu) => (menu = item) },
      project: {
        create: (entity: string) => {
          const object = { entity };
          created.push(object);
          return object;
        },
        model: { EffectPreset: { findInstances: () => created.filter((object) => object.entity === "EffectPreset") } },
        workspace: { masterEffectPresetFolder: { entity: "EffectPresetFolder" } },
        save: () => saved++,
      },
    };
    vm.runInNewContext(script, { studio, console: { log: () => {} } });
    assert.equal(menu!.name, "eqp\\Create or update EQ presets");
    // Arrays from the script's context belong to another realm: copied for deepEqual.
    const names = [...menu!.execute()];
    const presets = created.filter((object) => object.entity === "EffectPreset");
    assert.deepEqual(
      presets.map((preset) => preset["name"]),
      names,
    );
    // The values are the --format fmod parameters of the same preset.
    const fmod = JSON.parse(eqp("export", DIALOGUE, "--format", "fmod", "--preset", "VO clean").stdout) as {
      parameters: FmodParameter[];
    };
    const effect = presets.find((preset) => preset["name"] === "EQ VO clean")!["effect"] as Record<string, unknown>;
    assert.equal(effect["entity"], "MultibandEqEffect");
    for (const parameter of fmod.parameters) {
      const [, band, what] = /_([A-E])_(FILTER|FREQUENCY|Q|GAIN)$/.exec(parameter.name)!;
      const property = { FILTER: "filterType", FREQUENCY: "frequency", Q: "quality", GAIN: "gain" }[what!]!;
      assert.equal(effect[`${property}${band}`], parameter.value, parameter.name);
    }
    const before = created.length;
    menu!.execute();
    assert.equal(created.length, before, "a second run updates the presets it made");
    assert.equal(saved, 2);
  });
});

/** Runs `script` with python3, a stand-in module `name` (its source) importable first. */
function runPython(moduleName: string, moduleSource: string, program: string): string {
  const folder = temporaryFolder("engine-scripts");
  writeFileIn(folder, `${moduleName}.py`, moduleSource);
  const result = spawnSync("python3", ["-c", program], {
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: `${folder}${path.delimiter}${path.resolve("runtime", "unreal")}` },
    cwd: folder,
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

describe("Wwise WAAPI script", { skip: pythonMissing }, () => {
  it("creates (or merges) a Parametric EQ ShareSet per instance and sets every property --format wwise writes", () => {
    const folder = temporaryFolder("engine-scripts");
    const script = writeFileIn(folder, "presets.waapi.py", exported("wwise-waapi", DIALOGUE));
    const fakeWaapi = `
import json
CALLS = []
class WaapiClient:
    def __enter__(self): return self
    def __exit__(self, *args): pass
    def call(self, uri, args):
        CALLS.append([uri, args])
        return {"id": "{%d}" % len(CALLS)} if uri.endswith(".create") else {}
`;
    const output = runPython(
      "waapi",
      fakeWaapi,
      `import json, runpy, waapi\nrunpy.run_path(${JSON.stringify(script)}, run_name="__main__")\nprint("CALLS" + json.dumps(waapi.CALLS))`,
    );
    const calls = JSON.parse(output.slice(output.indexOf("CALLS") + 5)) as [string, Record<string, unknown>][];
    const creates = calls.filter(([uri]) => uri === "ak.wwise.core.object.create");
    const wwise = JSON.parse(eqp("export", DIALOGUE, "--format", "wwise", "--preset", "VO clean").stdout) as {
      effects: { properties: Record<string, unknown> }[];
    };
    const first = creates.findIndex(([, args]) => args["name"] === "EQ VO clean 1" || args["name"] === "EQ VO clean");
    assert.ok(first >= 0);
    const [, createArgs] = creates[first]!;
    assert.equal(createArgs["type"], "Effect");
    assert.equal(createArgs["classId"], (105 << 16) | 3);
    assert.equal(createArgs["onNameConflict"], "merge");
    assert.equal(createArgs["parent"], "\\Effects\\Default Work Unit");
    const id = `{${calls.indexOf(creates[first]!) + 1}}`;
    const set = Object.fromEntries(
      calls
        .filter(([uri, args]) => uri === "ak.wwise.core.object.setProperty" && args["object"] === id)
        .map(([, args]) => [args["property"], args["value"]]),
    );
    assert.deepEqual(set, wwise.effects[0]!.properties);
  });
});

describe("Unreal editor script", { skip: pythonMissing }, () => {
  it("creates a Source and a Submix EQ preset asset per preset with the document's bands, and updates existing ones", () => {
    const folder = temporaryFolder("engine-scripts");
    const documentPath = writeFileIn(folder, "presets.unreal.json", exported("unreal", DIALOGUE));
    const fakeUnreal = `
EXISTING = {"/Game/EQ/EQ_VO_clean"}
CREATED = []
LOADED = []
SAVED = []
class _Struct:
    def __init__(self, **kwargs): self.__dict__.update(kwargs)
class SourceEffectEQBand(_Struct): pass
class SubmixEffectEQBand(_Struct): pass
class SourceEffectEQSettings(_Struct): pass
class SubmixEffectSubmixEQSettings(_Struct): pass
class _Asset:
    def __init__(self, path, cls): self.path, self.cls, self.props = path, cls, {}
    def set_editor_property(self, name, value): self.props[name] = value
    def get_path_name(self): return self.path
class SourceEffectEQPreset: pass
class SubmixEffectSubmixEQPreset: pass
class EditorAssetLibrary:
    @staticmethod
    def does_asset_exist(path): return path in EXISTING
    @staticmethod
    def load_asset(path):
        asset = _Asset(path, SourceEffectEQPreset); LOADED.append(asset); return asset
    @staticmethod
    def save_loaded_asset(asset): SAVED.append(asset); return True
class _Tools:
    def create_asset(self, name, folder, cls, factory):
        asset = _Asset(folder + "/" + name, cls); CREATED.append(asset); return asset
class AssetToolsHelpers:
    @staticmethod
    def get_asset_tools(): return _Tools()
def log(message): pass
def log_warning(message): pass
`;
    const output = runPython(
      "unreal",
      fakeUnreal,
      `import json, unreal, eqp_unreal_presets
paths = eqp_unreal_presets.import_presets(${JSON.stringify(documentPath)}, "/Game/EQ")
out = {"paths": paths, "created": [a.path for a in unreal.CREATED], "loaded": [a.path for a in unreal.LOADED],
  "bands": {a.path: [[b.frequency, b.bandwidth, b.gain_db, b.enabled, type(b).__name__] for b in a.props["settings"].eq_bands] for a in unreal.SAVED}}
print("OUT" + json.dumps(out))`,
    );
    const result = JSON.parse(output.slice(output.indexOf("OUT") + 3)) as {
      paths: string[];
      created: string[];
      loaded: string[];
      bands: Record<string, [number, number, number, boolean, string][]>;
    };
    const document = JSON.parse(readFileSync(documentPath, "utf8")) as {
      presets: {
        assetName: string;
        EQBands: { Frequency: number; Bandwidth: number; GainDb: number; bEnabled: boolean }[];
      }[];
    };
    assert.equal(result.paths.length, document.presets.length * 2);
    assert.deepEqual(result.loaded, ["/Game/EQ/EQ_VO_clean"], "the existing asset is updated, not created again");
    for (const preset of document.presets) {
      const expected = preset.EQBands.map((band) => [band.Frequency, band.Bandwidth, band.GainDb, band.bEnabled]);
      const source = result.bands[`/Game/EQ/${preset.assetName}`]!;
      const submix = result.bands[`/Game/EQ/${preset.assetName}_Submix`]!;
      assert.deepEqual(
        source.map((band) => band.slice(0, 4)),
        expected,
      );
      assert.deepEqual(
        submix.map((band) => band.slice(0, 4)),
        expected,
      );
      assert.ok(source.every((band) => band[4] === "SourceEffectEQBand"));
      assert.ok(submix.every((band) => band[4] === "SubmixEffectEQBand"));
    }
  });
});

const UNITY = path.resolve("runtime", "unity");
/** Where the C# chain's impulse response is compared with the runtime's: 40 log-spaced points, 30 Hz to 20 kHz. */
const PROBE_FREQUENCIES = Array.from({ length: 40 }, (_, i) => 30 * (20000 / 30) ** (i / 39));

/** A stand-in of the few UnityEngine types EqpPresetFilter.cs uses, to compile it without Unity. */
const UNITY_STUB = `
namespace UnityEngine {
  public class Object {}
  public class Component : Object {}
  public class Behaviour : Component {}
  public class MonoBehaviour : Behaviour {}
  public class TextAsset : Object { public string text; }
  public static class AudioSettings { public static int outputSampleRate = 48000; }
  public static class JsonUtility { public static T FromJson<T>(string json) { return default(T); } }
  [System.AttributeUsage(System.AttributeTargets.Field)]
  public class TooltipAttribute : System.Attribute { public TooltipAttribute(string tooltip) {} }
}
`;

/** Prints each preset's coefficients at the rates, one line per section. */
const HARNESS = `
using System;
using System.Globalization;
using SemanticEq;
public static class Harness {
  public static void Main(string[] args) {
    var lines = System.IO.File.ReadAllLines(args[0]);
    // name|outputGainDb|type,frequencyHz,gainDb,q,slope;...
    foreach (var line in lines) {
      var parts = line.Split('|');
      var preset = new EqpPreset { name = parts[0], outputGainDb = double.Parse(parts[1], CultureInfo.InvariantCulture) };
      var specs = parts[2].Split(';');
      preset.filters = new EqpFilter[specs.Length];
      for (int i = 0; i < specs.Length; i++) {
        var f = specs[i].Split(',');
        preset.filters[i] = new EqpFilter { type = f[0], frequencyHz = double.Parse(f[1], CultureInfo.InvariantCulture),
          gainDb = double.Parse(f[2], CultureInfo.InvariantCulture), q = double.Parse(f[3], CultureInfo.InvariantCulture), slopeDbPerOct = int.Parse(f[4]) };
      }
      foreach (var rate in new[] { 22050.0, 44100.0, 48000.0, 96000.0 })
        foreach (var c in EqpCoefficients.Coefficients(preset, rate))
          Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}|{1}|{2:R}|{3:R}|{4:R}|{5:R}|{6:R}", preset.name, rate, c.b0, c.b1, c.b2, c.a1, c.a2));
      var chain = new EqpChain(preset, 48000, 2);
      // A stereo impulse through the chain, in blocks as an audio callback gets them: the left channel's response.
      var impulse = new float[2 * 65536];
      impulse[0] = 1; impulse[1] = 1;
      var block = new float[2 * 256];
      for (int start = 0; start < impulse.Length; start += block.Length) {
        Array.Copy(impulse, start, block, 0, block.Length);
        chain.Process(block, 2);
        Array.Copy(block, 0, impulse, start, block.Length);
      }
      var left = new string[impulse.Length / 2];
      for (int i = 0; i < left.Length; i++) left[i] = impulse[2 * i].ToString("R", CultureInfo.InvariantCulture);
      Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}|impulse|{1:R}|{2:R}|{3}", preset.name, impulse[0], impulse[1], string.Join(",", left)));
    }
  }
}
`;

describe("Unity C# runtime", { skip: monoMissing }, () => {
  it("compiles with EqpPresetFilter against Unity's API shape, and computes the runtime's coefficients at any rate", () => {
    const folder = temporaryFolder("engine-scripts");
    const stub = writeFileIn(folder, "UnityStub.cs", UNITY_STUB);
    const component = spawnSync(
      "mcs",
      [
        "-target:library",
        "-warnaserror",
        `-out:${path.join(folder, "component.dll")}`,
        stub,
        path.join(UNITY, "EqpRuntime.cs"),
        path.join(UNITY, "EqpPresetFilter.cs"),
      ],
      { encoding: "utf8" },
    );
    assert.equal(component.status, 0, component.stdout + component.stderr);
    const harness = writeFileIn(folder, "Harness.cs", HARNESS);
    const exe = path.join(folder, "harness.exe");
    const build = spawnSync("mcs", ["-warnaserror", `-out:${exe}`, path.join(UNITY, "EqpRuntime.cs"), harness], {
      encoding: "utf8",
    });
    assert.equal(build.status, 0, build.stdout + build.stderr);
    const presets = Object.values(loadPresets(exported("json", path.resolve("samples"))));
    const withPasses = loadPresets(exported("json", writeFileIn(mkdirFor(folder), "passes.eqp", PASSES)));
    const all: Preset[] = [...presets, ...Object.values(withPasses)];
    const spec = all
      .map((preset, index) =>
        [
          `p${index}`,
          preset.outputGainDb,
          preset.filters
            .map((filter) =>
              [
                filter.type,
                filter.frequencyHz,
                "gainDb" in filter ? filter.gainDb : 0,
                "q" in filter && filter.q !== undefined ? filter.q : 0,
                "slopeDbPerOct" in filter ? filter.slopeDbPerOct : 0,
              ].join(","),
            )
            .join(";"),
        ].join("|"),
      )
      .join("\n");
    const run = spawnSync("mono", [exe, writeFileIn(folder, "presets.txt", spec)], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((line) => line.split("|"));
    let compared = 0;
    all.forEach((preset, index) => {
      for (const rate of [22050, 44100, 48000, 96000]) {
        const expected = coefficients(preset, rate);
        const got = lines.filter((line) => line[0] === `p${index}` && line[1] === String(rate));
        assert.equal(got.length, expected.length);
        expected.forEach((section, k) => {
          const values = got[k]!.slice(2).map(Number);
          [section.b0, section.b1, section.b2, section.a1, section.a2].forEach((value, j) => {
            assert.ok(Math.abs(values[j]! - value) <= 1e-12 * Math.max(1, Math.abs(value)), `p${index} ${rate} ${k}`);
            compared++;
          });
        });
      }
      const impulse = lines.find((line) => line[0] === `p${index}` && line[1] === "impulse")!;
      const sections = coefficients(preset, 48000);
      const first = sections.reduce((y, section) => y * section.b0, 10 ** (preset.outputGainDb / 20));
      assert.ok(Math.abs(Number(impulse[2]) - first) < 1e-5, "the chain's first output sample");
      assert.equal(impulse[2], impulse[3], "both channels alike");
      // The impulse response's spectrum is the preset's response (float samples: within 0.01 dB).
      const response = impulse[4]!.split(",").map(Number);
      const expectedDb = magnitudeDb(preset, PROBE_FREQUENCIES, 48000);
      PROBE_FREQUENCIES.forEach((frequency, k) => {
        let re = 0;
        let im = 0;
        const w = (2 * Math.PI * frequency) / 48000;
        response.forEach((sample, n) => {
          re += sample * Math.cos(w * n);
          im -= sample * Math.sin(w * n);
        });
        const db = 10 * Math.log10(re * re + im * im);
        if (expectedDb[k]! > -40)
          assert.ok(Math.abs(db - expectedDb[k]!) < 0.01, `p${index} at ${frequency} Hz: ${db} vs ${expectedDb[k]}`);
      });
    });
    assert.ok(compared > 500);
  });
});

function mkdirFor(folder: string): string {
  const sub = path.join(folder, "eqp");
  mkdirSync(sub, { recursive: true });
  return sub;
}

const PASSES = `samplerate 48kHz

preset "Passes" {
  highpass 40Hz 18dB/oct
  notch 50Hz q 10
  bell 1kHz +3dB q 2
  lowpass 12kHz 48dB/oct
  gain -2dB
}

preset "Steep" {
  highpass 100Hz 6dB/oct
  lowpass 8kHz 24dB/oct
}
`;

describe("a folder with duplicate preset names", () => {
  it("exports one JSON document the runtime loads, the duplicates qualified by file, and a C header with the same names", () => {
    const folder = temporaryFolder("engine-scripts");
    const menus = path.join(folder, "menus");
    mkdirSync(menus);
    writeFileIn(
      folder,
      "game.eqp",
      'preset "Dialogue" {\n  bell 1kHz +2dB\n}\n\npreset "Music" {\n  bell 2kHz -1dB\n}\n',
    );
    writeFileIn(menus, "ui.eqp", 'preset "Dialogue" {\n  bell 3kHz +1dB\n}\n');
    const result = spawnSync(process.execPath, [path.resolve("bin", "eqp.js"), "export", ".", "--format", "json"], {
      cwd: folder,
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    const document = JSON.parse(result.stdout) as { generator: string };
    assert.match(document.generator, /^eqp \d+\.\d+\.\d+/);
    const presets = loadPresets(result.stdout);
    assert.deepEqual(Object.keys(presets).sort(), ["Music", "game.eqp#Dialogue", "menus/ui.eqp#Dialogue"]);
    assert.equal((presets["menus/ui.eqp#Dialogue"]!.filters[0] as { frequencyHz: number }).frequencyHz, 3000);
    const header = spawnSync(process.execPath, [path.resolve("bin", "eqp.js"), "export", ".", "--format", "c"], {
      cwd: folder,
      encoding: "utf8",
    });
    assert.equal(header.status, 0, header.stderr);
    assert.match(header.stdout, /"menus\/ui\.eqp#Dialogue"/);
    assert.match(header.stdout, /Generated by eqp \d+\.\d+\.\d+/);
  });
});
