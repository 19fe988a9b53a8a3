import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { chromium } from "playwright-core";
import {
  effectiveBands,
  logFrequencies,
  parsePresetDocument,
  resolvePresets,
  responseDb,
} from "../../server/src/core/index.js";
import { eqp, literal, temporaryFolder, writeFileIn } from "../support/cli.js";
import { fixtureModelDir } from "../support/fixtureModel.js";

const FIXTURES = path.resolve("test", "fixtures", "export");
const PRESETS = path.join(FIXTURES, "presets.eqp");

const temporary = () => temporaryFolder("export");

const GOLDEN: Record<string, string> = {
  json: "vo-clean.eqp.json",
  apo: "vo-clean.txt",
  easyeffects: "vo-clean.json",
  webaudio: "vo-clean.js",
  fmod: "vo-clean.fmod.json",
  wwise: "vo-clean.wwise.json",
};

describe("eqp export", () => {
  for (const [format, golden] of Object.entries(GOLDEN)) {
    it(`--format ${format} --out writes ${golden}, the golden file`, () => {
      const out = temporary();
      const result = eqp("export", PRESETS, "--format", format, "--preset", "VO clean", "--out", out);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, `wrote ${path.join(out, golden)}\n`);
      assert.deepEqual(readdirSync(out), [golden]);
      assert.equal(readFileSync(path.join(out, golden), "utf8"), readFileSync(path.join(FIXTURES, golden), "utf8"));
    });
  }

  it("prints a single preset to stdout", () => {
    const result = eqp("export", PRESETS, "--format", "apo", "--preset", "VO clean");
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, readFileSync(path.join(FIXTURES, "vo-clean.txt"), "utf8"));
  });

  it("prints every preset as one JSON document, and writes one file each with --out", () => {
    const printed = eqp("export", PRESETS, "--format", "json");
    assert.equal(printed.status, 0, printed.stderr);
    const document = JSON.parse(printed.stdout) as { presets: { name: string; filters: unknown[] }[] };
    assert.deepEqual(
      document.presets.map((preset) => [preset.name, preset.filters.length]),
      [
        ["VO clean", 5],
        ["Wide warmth", 2],
      ],
    );
    const out = temporary();
    assert.equal(eqp("export", PRESETS, "--format", "wwise", "--out", out).status, 0);
    assert.deepEqual(readdirSync(out).sort(), ["vo-clean.wwise.json", "wide-warmth.wwise.json"]);
  });

  it("asks for a preset when a one-preset format would get several", () => {
    const result = eqp("export", PRESETS, "--format", "apo");
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /has 2 presets and the apo format holds one preset per file: choose one with --preset \("VO clean", "Wide warmth"\) or write one file each with --out <dir>/,
    );
  });

  it("prints each target's warnings with the file, the target, the preset and the error in dB", () => {
    const result = eqp("export", PRESETS, "--format", "wwise", "--preset", "VO clean");
    assert.equal(result.status, 0);
    assert.match(
      result.stderr,
      new RegExp(
        `^${literal(PRESETS)}: warning wwise "VO clean": Wwise's Parametric EQ has 3 bands and this preset sets 5: one instance leaves out .*, up to \\d+\\.\\d\\d dB off at`,
        "m",
      ),
    );
    const clean = eqp("export", PRESETS, "--format", "easyeffects", "--preset", "Wide warmth");
    assert.equal(clean.status, 0);
    assert.equal(clean.stderr, "");
  });

  it("exports at the sample rate asked for, and refuses bands it cannot realise there", () => {
    type Coefficients = { presets: { coefficients: Record<string, { b1: number }[]> }[] };
    const result = eqp(
      "export",
      PRESETS,
      "--format",
      "json",
      "--preset",
      "Wide warmth",
      "--coefficients",
      "--samplerate",
      "96kHz,44.1kHz",
    );
    assert.equal(result.status, 0, result.stderr);
    const [preset] = (JSON.parse(result.stdout) as Coefficients).presets;
    assert.deepEqual(Object.keys(preset!.coefficients), ["44100", "96000"]);
    const at48 = (
      JSON.parse(
        eqp("export", PRESETS, "--format", "json", "--preset", "Wide warmth", "--coefficients").stdout,
      ) as Coefficients
    ).presets[0]!;
    assert.deepEqual(Object.keys(at48.coefficients), ["48000"]);
    assert.notEqual(preset!.coefficients["96000"]![0]!.b1, at48.coefficients["48000"]![0]!.b1);
    assert.equal(
      eqp("export", PRESETS, "--format", "apo", "--samplerate", "44100,48000").status,
      2,
      "one rate for apo",
    );
    const low = eqp("export", PRESETS, "--format", "json", "--preset", "VO clean", "--samplerate", "22050");
    assert.equal(low.status, 2);
    assert.match(
      low.stderr,
      /"VO clean": High shelf at 12 kHz at or above the Nyquist frequency 11.03 kHz of 22.05 kHz/,
    );
  });

  it("exports nothing from a preset with errors, naming line and column", () => {
    const file = writeFileIn(
      temporary(),
      "broken.eqp",
      'preset "A" {\n  bell 1kHz +60dB\n}\npreset "B" {\n  bell 1kHz +3dB\n}\n',
    );
    const result = eqp("export", file, "--format", "apo", "--preset", "A");
    assert.equal(result.status, 1);
    assert.match(result.stderr, new RegExp(`${literal(file)}:2:13 error gain-absurd`));
    assert.match(result.stderr, /eqp export: .*"A" has errors; nothing exported/);
    assert.equal(result.stdout, "");
    assert.equal(eqp("export", file, "--format", "apo", "--preset", "B").status, 0);
  });

  it("exports the good presets of a file with a broken one, lists the broken, exits 1; --all-or-nothing exports none", () => {
    const folder = temporary();
    const file = writeFileIn(
      folder,
      "mixed.eqp",
      'preset "A" {\n  bell 1kHz +60dB\n}\npreset "B" {\n  bell 1kHz +3dB\n}\npreset "C" {\n  bell 2kHz -3dB\n}\n',
    );
    const out = path.join(folder, "out");
    const result = eqp("export", file, "--format", "apo", "--out", out);
    assert.equal(result.status, 1);
    assert.match(result.stderr, new RegExp(`${literal(file)}:2:13 error gain-absurd`));
    assert.match(
      result.stderr,
      new RegExp(`eqp export: 1 not exported, for the errors above:\n {2}${literal(file)}: "A" \\(1 error\\)\n`),
    );
    assert.deepEqual(readdirSync(out).sort(), ["b.txt", "c.txt"]);
    const strict = path.join(folder, "strict");
    const all = eqp("export", file, "--format", "apo", "--out", strict, "--all-or-nothing");
    assert.equal(all.status, 1);
    assert.match(all.stderr, /eqp export: .*the presets have errors; nothing exported/);
    assert.equal(existsSync(strict), false);
  });
});

const CHROMIUM = process.env["EQP_CHROMIUM"] || "/usr/bin/chromium";
const browserMissing = existsSync(CHROMIUM)
  ? undefined
  : `Chromium is not installed (expected ${CHROMIUM}; set EQP_CHROMIUM)`;
if (browserMissing && process.env["EQP_REQUIRE_E2E"] !== "1")
  console.warn(`\nSKIPPING the Web Audio export's browser test: ${browserMissing}\n`);

describe(
  "the Web Audio export in a browser",
  { skip: process.env["EQP_REQUIRE_E2E"] === "1" ? false : browserMissing },
  () => {
    it("builds nodes whose response is the preset's, within the error it warns about", async () => {
      const result = eqp("export", PRESETS, "--format", "webaudio", "--preset", "VO clean");
      assert.equal(result.status, 0, result.stderr);
      const warned = Math.max(
        ...[...result.stderr.matchAll(/up to (\d+\.\d+) dB off/g)].map((match) => Number(match[1])),
      );
      const frequencies = Array.from(logFrequencies(200, 20, 20000));
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu"],
      });
      try {
        const page = await browser.newPage();
        await page.setContent("<!doctype html><title>eqp webaudio</title>");
        const measured = await page.evaluate(
          ([code, grid]) => {
            const build = new Function(`${code.replace(/^export /m, "")}\nreturn createVOCleanEq;`)() as (
              context: BaseAudioContext,
            ) => { input: AudioNode; output: GainNode; filters: BiquadFilterNode[] };
            const context = new OfflineAudioContext(1, 128, 48000);
            const chain = build(context);
            const total = grid.map(() => 20 * Math.log10(chain.output.gain.value));
            for (const filter of chain.filters) {
              const magnitude = new Float32Array(grid.length);
              filter.getFrequencyResponse(Float32Array.from(grid), magnitude, new Float32Array(grid.length));
              magnitude.forEach((value, i) => (total[i]! += 20 * Math.log10(value)));
            }
            return {
              total,
              types: chain.filters.map((filter) => filter.type),
              connected: chain.input === chain.filters[0],
            };
          },
          [result.stdout, frequencies] as const,
        );
        assert.deepEqual(measured.types, ["lowshelf", "peaking", "peaking", "peaking", "highshelf"]);
        assert.ok(measured.connected);
        const preset = resolvePresets(parsePresetDocument(readFileSync(PRESETS, "utf8"))).find(
          (candidate) => candidate.name === "VO clean",
        )!;
        const expected = responseDb(
          effectiveBands(preset, undefined),
          Float64Array.from(frequencies),
          48000,
          preset.outputGainDb,
        );
        const worst = Math.max(...measured.total.map((value, i) => Math.abs(value - expected[i]!)));
        // Single-precision nodes and the shelves' fixed Q: the browser is off by what the warning says, and no more.
        assert.ok(worst <= warned + 0.005, `browser differs by ${worst} dB, the warning said ${warned} dB`);
        assert.ok(worst > 0.001, "the shelves' Q differs, so the browser cannot match exactly");
      } finally {
        await browser.close();
      }
    });
  },
);

describe("eqp export of morphs", () => {
  let model = "";
  before(async () => {
    model = await fixtureModelDir();
  });

  it("resolves a morph into the bands eqp expand gives", () => {
    const file = writeFileIn(temporary(), "morph.eqp", 'preset "Warm" {\n  morph warm 0.8\n  bell1 2kHz -1dB q 2\n}\n');
    const exported = eqp("export", file, "--format", "json", "--model", model);
    assert.equal(exported.status, 0, exported.stderr);
    const expanded = eqp("expand", file, "--format", "json", "--model", model);
    assert.equal(expanded.status, 0, expanded.stderr);
    const expected = (
      JSON.parse(expanded.stdout) as {
        presets: { bands: { slot: string; frequencyHz: number; gainDb: number; q: number }[] }[];
      }
    ).presets[0]!.bands;
    type Exported = {
      presets: {
        filters: { type: string; frequencyHz: number; gainDb: number; q: number }[];
        model?: { id: string; weightsHash?: string };
      }[];
    };
    const [preset] = (JSON.parse(exported.stdout) as Exported).presets;
    const actual = preset!.filters;
    const typeOf = (slot: string) =>
      slot === "lowShelf" ? "lowshelf" : slot === "highShelf" ? "highshelf" : "peaking";
    assert.deepEqual(
      actual.map(({ type, frequencyHz, gainDb, q }) => ({ type, frequencyHz, gainDb, q })),
      expected.map(({ slot, frequencyHz, gainDb, q }) => ({
        type: typeOf(slot),
        frequencyHz,
        gainDb,
        q: slot.startsWith("bell") ? q : 0.71,
      })),
    );
    assert.equal(actual.length, 5);
    // The explicit bell1 replaces the generated Bell 1 (a plain bell adds to the morph since the filters issue).
    assert.deepEqual(actual[1], { type: "peaking", frequencyHz: 2000, gainDb: -1, q: 2 });
    // The morph was resolved by the fixture model: the document names it.
    assert.equal(typeof preset!.model?.id, "string");
  });
});
