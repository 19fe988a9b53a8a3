/**
 * The engine and player exports, each read back by a parser of its own format (YAML, PipeWire's
 * SPA JSON, Godot's resource syntax, JSON) and checked field by field against the preset; where a
 * target runs other filters than the preset's, the error it reports is checked against the
 * response of what the file actually says.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import {
  comparisonGrid,
  EQP_VERSION,
  exportCamillaDsp,
  exportGodot,
  exportPipeWire,
  exportUnreal,
  exportUnity,
  filtersResponseDb,
  godotEqResponseDb,
  maxDeviation,
  qFromOctaves,
  uniquePresetNames,
  type ConcretePreset,
  type DocumentPreset,
  type TargetFilter,
} from "../../server/src/core/export/index.js";
import { responseDb, SHELF_Q } from "../../server/src/core/eq/index.js";
import { magnitudeDb } from "../../runtime/src/index.js";
import type { Filter } from "../../runtime/src/types.js";
import { voCleanBands } from "../support/presets.js";

const voClean: ConcretePreset = { name: "VO clean", sampleRate: 48000, outputGainDb: -1, bands: voCleanBands() };
/** Every filter a SAFE preset lacks: Butterworth passes of even and odd order, a notch, a bell beyond the five. */
const chain: ConcretePreset = {
  name: 'Radio "chain" Émile',
  sampleRate: 48000,
  outputGainDb: -2,
  bands: [
    { slot: "highpass", frequencyHz: 300, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave: 24 },
    { slot: "notch", frequencyHz: 1000, gainDb: 0, q: 8 },
    { slot: "bell1", frequencyHz: 2000, gainDb: 4, q: 1.2 },
    { slot: "lowpass", frequencyHz: 4000, gainDb: 0, q: Math.SQRT1_2, slopeDbPerOctave: 18 },
  ],
};
const frequencies = Array.from(comparisonGrid(48000));
const exactDb = (preset: ConcretePreset) =>
  responseDb(preset.bands, Float64Array.from(frequencies), preset.sampleRate, preset.outputGainDb);

function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]! - b[i]!));
  return largest;
}

describe("generator version", () => {
  it("is package.json's", () => {
    const pkg = JSON.parse(readFileSync(path.resolve("package.json"), "utf8")) as { version: string };
    assert.equal(EQP_VERSION, pkg.version);
  });
});

describe("unique preset names in one document", () => {
  const at = (name: string | undefined, file: string, fallbackName?: string): DocumentPreset => ({
    ...voClean,
    name,
    fallbackName,
    source: { file, line: 1 },
  });
  it("keeps a name used once, qualifies each use of a repeated one by its file, numbers what is left", () => {
    const names = uniquePresetNames([
      at("Dialogue", "menus/a.eqp"),
      at("Music", "menus/a.eqp"),
      at("Dialogue", "game/b.eqp"),
      at(undefined, "x/ui.eqp", "ui"),
      at(undefined, "y/ui.eqp", "ui"),
      at("Twice", "c.eqp"),
      at("Twice", "c.eqp"),
    ]);
    assert.deepEqual(names, [
      "menus/a.eqp#Dialogue",
      "Music",
      "game/b.eqp#Dialogue",
      "x/ui.eqp#ui",
      "y/ui.eqp#ui",
      "c.eqp#Twice",
      "c.eqp#Twice (2)",
    ]);
  });
  it("does not depend on the order the files were read in", () => {
    const one = uniquePresetNames([at("Dialogue", "a.eqp"), at("Dialogue", "b.eqp")]);
    const other = uniquePresetNames([at("Dialogue", "b.eqp"), at("Dialogue", "a.eqp")]);
    assert.deepEqual([...one].sort(), [...other].sort());
  });
});

/** A CamillaDSP Biquad / BiquadCombo as the runtime's filter, from its YAML fields. */
function camillaFilter(parameters: Record<string, number | string>): Filter {
  const freq = parameters["freq"] as number;
  switch (parameters["type"]) {
    case "Lowshelf":
    case "Highshelf":
    case "Peaking":
      return {
        type: ({ Lowshelf: "lowshelf", Highshelf: "highshelf", Peaking: "peaking" } as const)[parameters["type"]],
        frequencyHz: freq,
        gainDb: parameters["gain"] as number,
        q: parameters["q"] as number,
      };
    case "Notch":
      return { type: "notch", frequencyHz: freq, q: parameters["q"] as number };
    case "HighpassFO":
    case "LowpassFO":
      return {
        type: parameters["type"] === "HighpassFO" ? "highpass" : "lowpass",
        frequencyHz: freq,
        slopeDbPerOct: 6,
      };
    case "Highpass":
    case "Lowpass":
      return {
        type: parameters["type"] === "Highpass" ? "highpass" : "lowpass",
        frequencyHz: freq,
        slopeDbPerOct: 12,
        q: parameters["q"] as number,
      };
    case "ButterworthHighpass":
    case "ButterworthLowpass":
      return {
        type: parameters["type"] === "ButterworthHighpass" ? "highpass" : "lowpass",
        frequencyHz: freq,
        slopeDbPerOct: ((parameters["order"] as number) * 6) as 18,
      };
    default:
      throw new Error(`unexpected CamillaDSP type ${String(parameters["type"])}`);
  }
}

interface CamillaConfig {
  filters: Record<string, { type: string; parameters: Record<string, number | string> }>;
  pipeline: { type: string; channels: number[]; names: string[] }[];
}

describe("CamillaDSP export", () => {
  it("writes SAFE's five bands as one FivePointPeq, field by field, and the trim as a Gain filter", () => {
    const config = parseYaml(exportCamillaDsp(voClean).text) as CamillaConfig;
    const names = config.pipeline[0]!.names;
    assert.deepEqual(config.pipeline[0]!.channels, [0, 1]);
    const peq = config.filters[names[0]!]!;
    assert.equal(peq.type, "BiquadCombo");
    assert.equal(peq.parameters["type"], "FivePointPeq");
    ["ls", "p1", "p2", "p3", "hs"].forEach((suffix, index) => {
      const band = voClean.bands[index]!;
      assert.equal(peq.parameters[`f${suffix}`], band.frequencyHz);
      assert.equal(peq.parameters[`g${suffix}`], band.gainDb);
      assert.equal(peq.parameters[`q${suffix}`], band.q);
    });
    assert.deepEqual(config.filters[names[1]!], { type: "Gain", parameters: { gain: -1, scale: "dB" } });
  });

  it("writes other presets as Biquads and Butterworth combos whose response is the preset's", () => {
    const config = parseYaml(exportCamillaDsp(chain).text) as CamillaConfig;
    const steps = config.pipeline[0]!.names.map((name) => config.filters[name]!);
    assert.deepEqual(
      steps.map((step) => [step.type, step.parameters["type"] ?? "Gain"]),
      [
        ["BiquadCombo", "ButterworthHighpass"],
        ["Biquad", "Notch"],
        ["Biquad", "Peaking"],
        ["BiquadCombo", "ButterworthLowpass"],
        ["Gain", "Gain"],
      ],
    );
    assert.equal(steps[0]!.parameters["order"], 4);
    assert.equal(steps[3]!.parameters["order"], 3);
    const filters = steps.filter((step) => step.type !== "Gain").map((step) => camillaFilter(step.parameters));
    const gain = steps.find((step) => step.type === "Gain")!.parameters["gain"] as number;
    const read = magnitudeDb({ filters, outputGainDb: gain }, frequencies, 48000);
    assert.ok(largestDifference(read, exactDb(chain)) < 1e-6);
  });
});

/**
 * PipeWire's config syntax (SPA JSON): JSON with optional quotes, `=` or `:` after keys, optional
 * commas and `#` comments. Enough of it for the files the export writes and any hand edit of them.
 */
function parseSpaJson(config: string): unknown {
  // A config file is an object without its outer braces.
  const text = `{${config}}`;
  let at = 0;
  const skip = () => {
    for (;;) {
      while (at < text.length && /[\s,]/.test(text[at]!)) at++;
      if (text[at] !== "#") return;
      while (at < text.length && text[at] !== "\n") at++;
    }
  };
  const bare = () => {
    if (text[at] === '"') {
      let end = at + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const value = JSON.parse(text.slice(at, end + 1)) as string;
      at = end + 1;
      return value;
    }
    const start = at;
    while (at < text.length && !/[\s,=:{}[\]"#]/.test(text[at]!)) at++;
    const word = text.slice(start, at);
    return /^-?\d/.test(word) ? Number(word) : word === "true" ? true : word === "false" ? false : word;
  };
  const value = (): unknown => {
    skip();
    if (text[at] === "{") {
      at++;
      const object: Record<string, unknown> = {};
      for (skip(); text[at] !== "}"; skip()) {
        const key = String(bare());
        skip();
        if (text[at] === "=" || text[at] === ":") at++;
        object[key] = value();
      }
      at++;
      return object;
    }
    if (text[at] === "[") {
      at++;
      const list: unknown[] = [];
      for (skip(); text[at] !== "]"; skip()) list.push(value());
      at++;
      return list;
    }
    return bare();
  };
  return value();
}

interface PipeWireNode {
  type: string;
  name: string;
  label: string;
  control: Record<string, number>;
}

function pipeWireGraph(text: string) {
  const config = parseSpaJson(text) as {
    "context.modules": { name: string; args: Record<string, unknown> }[];
  };
  const module = config["context.modules"][0]!;
  assert.equal(module.name, "libpipewire-module-filter-chain");
  return module.args as { "filter.graph": { nodes: PipeWireNode[]; links: { output: string; input: string }[] } };
}

describe("PipeWire export", () => {
  it("writes a builtin biquad node per band, controls field by field, chained in order, the trim as linear Mult", () => {
    const args = pipeWireGraph(exportPipeWire(voClean).text);
    const { nodes, links } = args["filter.graph"];
    assert.deepEqual(
      nodes.map((node) => node.label),
      ["bq_lowshelf", "bq_peaking", "bq_peaking", "bq_peaking", "bq_highshelf", "linear"],
    );
    voClean.bands.forEach((band, index) => {
      assert.deepEqual(nodes[index]!.control, { Freq: band.frequencyHz, Q: band.q, Gain: band.gainDb });
      assert.equal(nodes[index]!.type, "builtin");
    });
    assert.ok(Math.abs(20 * Math.log10(nodes[5]!.control["Mult"]!) - -1) < 1e-8);
    assert.deepEqual(
      links.map((link) => [link.output, link.input]),
      nodes.slice(1).map((node, index) => [`${nodes[index]!.name}:Out`, `${node.name}:In`]),
    );
  });

  it("runs Butterworth sections exactly and fits the first-order part, its error reported and true", () => {
    const exported = exportPipeWire(chain);
    const nodes = pipeWireGraph(exported.text)["filter.graph"].nodes;
    assert.deepEqual(
      nodes.map((node) => node.label),
      ["bq_highpass", "bq_highpass", "bq_notch", "bq_peaking", "bq_lowpass", "bq_lowpass", "linear"],
    );
    const kinds: Record<string, TargetFilter["kind"]> = {
      bq_highpass: "highpass",
      bq_lowpass: "lowpass",
      bq_notch: "notch",
      bq_peaking: "peaking",
    };
    const filters: TargetFilter[] = nodes
      .filter((node) => node.label !== "linear")
      .map((node) => ({
        kind: kinds[node.label]!,
        frequencyHz: node.control["Freq"]!,
        q: node.control["Q"]!,
        gainDb: node.control["Gain"] ?? 0,
      }));
    const grid = comparisonGrid(48000);
    const read = filtersResponseDb(filters, grid, 48000, 20 * Math.log10(nodes.at(-1)!.control["Mult"]!));
    const whole = exported.warnings.find((warning) => /first-order/.test(warning.message))!;
    assert.ok(whole, "the 6 dB/oct part is reported");
    const actual = maxDeviation(exactDb(chain), read, grid).errorDb;
    assert.ok(Math.abs(actual - whole.errorDb) < 0.05, `reported ${whole.errorDb} dB, file ${actual} dB`);
  });
});

/** Godot's text resource syntax: [tags] with key=value attributes, then key = value lines. */
function parseGodotResource(text: string) {
  const value = (raw: string): unknown => {
    raw = raw.trim();
    if (raw.startsWith('&"') || raw.startsWith('"')) return JSON.parse(raw.replace(/^&/, "")) as string;
    const sub = /^SubResource\("([^"]+)"\)$/.exec(raw);
    if (sub) return { subResource: sub[1] };
    if (raw === "true" || raw === "false") return raw === "true";
    assert.match(raw, /^-?\d+(\.\d+)?(e-?\d+)?$/, `a number: ${raw}`);
    return Number(raw);
  };
  const sections: { tag: string; attributes: Record<string, unknown>; properties: Record<string, unknown> }[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith(";") || line.trim() === "") continue;
    const tag = /^\[(\w+)((?: \w+=(?:"[^"]*"|\d+))*)\]$/.exec(line);
    if (tag) {
      const attributes = Object.fromEntries(
        [...tag[2]!.matchAll(/(\w+)=("[^"]*"|\d+)/g)].map((match) => [match[1]!, value(match[2]!)]),
      );
      sections.push({ tag: tag[1]!, attributes, properties: {} });
      continue;
    }
    const property = /^([\w/]+) = (.+)$/.exec(line);
    assert.ok(property, `a property line: ${line}`);
    sections.at(-1)!.properties[property[1]!] = value(property[2]!);
  }
  return sections;
}

describe("Godot export", () => {
  const sections = parseGodotResource(exportGodot([voClean, chain]));
  const [header, ...rest] = sections;
  const resource = rest.find((section) => section.tag === "resource")!.properties;
  const subResources = Object.fromEntries(
    rest.filter((section) => section.tag === "sub_resource").map((section) => [section.attributes["id"], section]),
  );
  const busEffects = (bus: number) =>
    Object.keys(resource)
      .filter((key) => new RegExp(`^bus/${bus}/effect/\\d+/effect$`).test(key))
      .map((key) => subResources[(resource[key] as { subResource: string }).subResource]!);

  it("is an AudioBusLayout of format 3 with one bus per preset, its volume the trim", () => {
    assert.equal(header!.tag, "gd_resource");
    assert.equal(header!.attributes["type"], "AudioBusLayout");
    assert.equal(header!.attributes["format"], 3);
    assert.equal(header!.attributes["load_steps"], Object.keys(subResources).length + 1);
    assert.equal(resource["bus/1/name"], "VO clean");
    assert.equal(resource["bus/1/volume_db"], -1);
    assert.equal(resource["bus/2/name"], chain.name);
    assert.equal(resource["bus/2/volume_db"], -2);
    assert.equal(resource["bus/1/send"], "Master");
  });

  it("writes the shelves exactly: gain 10^(dB/40), resonance Q², db 0", () => {
    const effects = busEffects(1);
    const low = effects.find((effect) => effect.attributes["type"] === "AudioEffectLowShelfFilter")!.properties;
    assert.equal(low["cutoff_hz"], 120);
    assert.ok(Math.abs((low["gain"] as number) - 10 ** (-4 / 40)) < 1e-5);
    assert.ok(Math.abs((low["resonance"] as number) - SHELF_Q * SHELF_Q) < 1e-4);
    assert.equal(low["db"], 0);
  });

  it("puts the bells into one graphic EQ whose fitted gains give the error the warning reports", () => {
    const eq = busEffects(1).find((effect) => /^AudioEffectEQ\d+$/.test(effect.attributes["type"] as string))!;
    const gains = Object.entries(eq.properties)
      .filter(([key]) => key.startsWith("band_db/"))
      .map(([key, gain]) => [Number(/band_db\/(\d+)_hz/.exec(key)![1]), gain as number]);
    assert.ok(gains.length >= 6);
    for (const [, gain] of gains) assert.ok(gain! >= -60 && gain! <= 24);
    const exported = exportGodot([voClean]);
    const reported = Number(/run as AudioEffectEQ\d+ band gains fitted to them \(([\d.]+) dB\)/.exec(exported)![1]);
    const grid = comparisonGrid(48000).filter((_, index) => index % 8 === 0);
    const bells = voClean.bands
      .filter((band) => band.slot.startsWith("bell"))
      .map((band): TargetFilter => ({
        kind: "peaking",
        frequencyHz: band.frequencyHz,
        gainDb: band.gainDb,
        q: band.q,
      }));
    const centres = { AudioEffectEQ6: [32, 100, 320, 1000, 3200, 10000] }[eq.attributes["type"] as "AudioEffectEQ6"];
    const read = godotEqResponseDb(
      gains.map(([, gain]) => gain!),
      grid,
      48000,
      centres ?? gains.map(([hz]) => hz!).map((hz) => (hz === 31 ? 31.25 : hz === 62 ? 62.5 : hz)),
    );
    const actual = maxDeviation(filtersResponseDb(bells, grid, 48000), read, grid).errorDb;
    assert.ok(Math.abs(actual - reported) < 0.01, `reported ${reported}, file ${actual}`);
  });

  it("writes each Butterworth section as its own pass filter with the section's Q, clamped to 1 and reported", () => {
    const effects = busEffects(2).map((effect) => effect.attributes["type"]);
    assert.deepEqual(effects.slice(0, 3), [
      "AudioEffectHighPassFilter",
      "AudioEffectHighPassFilter",
      "AudioEffectNotchFilter",
    ]);
    const highPasses = busEffects(2).slice(0, 2);
    assert.deepEqual(
      highPasses.map((effect) => effect.properties["resonance"]),
      [1, 0.5412],
    );
    assert.match(exportGodot([chain]), /Q 1\.307 lowered to Godot's maximum 1/);
  });
});

describe("Unreal and Unity exports (bells only)", () => {
  interface UnrealDocument {
    generator: string;
    presets: {
      name: string;
      assetName: string;
      EQBands: { Frequency: number; Bandwidth: number; GainDb: number; bEnabled: boolean }[];
      outputGainDb: number;
      warnings: string[];
    }[];
  }
  const unreal = JSON.parse(exportUnreal([voClean, chain])) as UnrealDocument;

  it("Unreal: the bells as they are, Bandwidth the octaves of their Q", () => {
    assert.equal(unreal.generator, `eqp ${EQP_VERSION}`);
    const bands = unreal.presets[0]!.EQBands;
    assert.equal(bands.length, 5);
    voClean.bands.slice(1, 4).forEach((band, index) => {
      const written = bands[index + 1]!;
      assert.equal(written.Frequency, band.frequencyHz);
      assert.equal(written.GainDb, band.gainDb);
      assert.equal(written.bEnabled, true);
      assert.ok(Math.abs(qFromOctaves(written.Bandwidth) - band.q) < 1e-3);
    });
    assert.equal(unreal.presets[0]!.assetName, "EQ_VO_clean");
    assert.equal(unreal.presets[0]!.outputGainDb, -1);
  });

  it("Unreal: shelves, passes and notches fitted as bells within Unreal's ranges, the reported error the file's", () => {
    for (const [index, preset] of [voClean, chain].entries()) {
      const written = unreal.presets[index]!;
      for (const band of written.EQBands) {
        assert.ok(band.Frequency >= 20 && band.Frequency <= 20000);
        assert.ok(band.Bandwidth > 0 && band.Bandwidth <= 10);
        assert.ok(band.GainDb >= -90 && band.GainDb <= 20);
      }
      const grid = comparisonGrid(48000);
      const bells = written.EQBands.map((band): TargetFilter => ({
        kind: "peaking",
        frequencyHz: band.Frequency,
        gainDb: band.GainDb,
        q: qFromOctaves(band.Bandwidth),
      }));
      const actual = maxDeviation(
        exactDb(preset),
        filtersResponseDb(bells, grid, 48000, preset.outputGainDb),
        grid,
      ).errorDb;
      const last = written.warnings.at(-1)!;
      const reported = Number(/up to ([\d.]+) dB off/.exec(last)![1]);
      assert.ok(Math.abs(actual - reported) < 0.02, `${preset.name}: reported ${reported}, file ${actual}`);
    }
    assert.ok(
      Number(/up to ([\d.]+) dB/.exec(unreal.presets[0]!.warnings.at(-1)!)![1]) < 1,
      "SAFE shelves within 1 dB",
    );
  });

  it("Unity: ParamEQ fields within Unity's ranges, gains as factors, the trim on the group", () => {
    const unity = JSON.parse(exportUnity([voClean])) as {
      presets: { paramEqs: Record<string, number>[]; groupVolumeDb: number; warnings: string[] }[];
    };
    const preset = unity.presets[0]!;
    assert.equal(preset.paramEqs.length, 5);
    for (const eq of preset.paramEqs) {
      assert.ok(eq["Center freq"]! >= 20 && eq["Center freq"]! <= 22000);
      assert.ok(eq["Octave range"]! >= 0.2 && eq["Octave range"]! <= 5);
      assert.ok(eq["Frequency gain"]! >= 0.05 && eq["Frequency gain"]! <= 3);
    }
    assert.ok(Math.abs(preset.paramEqs[1]!["Frequency gain"]! - 10 ** (-2 / 20)) < 1e-4);
    assert.equal(preset.groupVolumeDb, -1);
    const grid = comparisonGrid(48000);
    const bells = preset.paramEqs.map((eq): TargetFilter => ({
      kind: "peaking",
      frequencyHz: eq["Center freq"]!,
      gainDb: 20 * Math.log10(eq["Frequency gain"]!),
      q: qFromOctaves(eq["Octave range"]!),
    }));
    const actual = maxDeviation(exactDb(voClean), filtersResponseDb(bells, grid, 48000, -1), grid).errorDb;
    const reported = Number(/up to ([\d.]+) dB off/.exec(preset.warnings.at(-1)!)![1]);
    assert.ok(Math.abs(actual - reported) < 0.02, `reported ${reported}, file ${actual}`);
  });
});
