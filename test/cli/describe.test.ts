import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { eqp, temporaryFolder, writeFileIn } from "../support/cli.js";
import { fixtureModelDir } from "../support/fixtureModel.js";

const work = temporaryFolder("describe");

describe("eqp describe", () => {
  let model = "";
  let explicit = "";

  before(async () => {
    model = await fixtureModelDir();
    // Each word's own EQ, written out as explicit bands by `eqp expand`: describe must find the word again.
    const morphs = writeFileIn(
      work,
      "words.eqp",
      'preset "Warm" {\n  morph warm 1\n}\npreset "Bright" {\n  morph bright 1\n}\npreset "Airy" {\n  morph airy 1\n}\n',
    );
    const expanded = eqp("expand", morphs, "--model", model);
    assert.equal(expanded.status, 0, expanded.stderr);
    assert.doesNotMatch(expanded.stdout, /^\s*morph/m);
    explicit = writeFileIn(work, "explicit.eqp", expanded.stdout);
  });

  it("names the word each preset's bands came from first", () => {
    const result = eqp("describe", explicit, "--model", model);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split("\n");
    assert.equal(lines.length, 3);
    const expected = ["warm", "bright", "airy"];
    lines.forEach((line, index) => {
      const match = /^"(\w+)": (\d+(?:\.\d)?) (\w+)(?:, \d+(?:\.\d)? \w+)*$/.exec(line);
      assert.ok(match, line);
      assert.equal(match[3], expected[index], line);
      assert.ok(Number(match[2]) >= 0.5, line);
    });
  });

  it("gives the same words as JSON, for one preset", () => {
    const result = eqp(
      "describe",
      explicit,
      "--model",
      model,
      "--preset",
      "Bright",
      "--format",
      "json",
      "--words",
      "2",
    );
    assert.equal(result.status, 0, result.stderr);
    const [entry] = JSON.parse(result.stdout) as {
      name: string;
      morph: boolean;
      words: { word: string; weight: number }[];
    }[];
    assert.equal(entry!.name, "Bright");
    assert.equal(entry!.morph, false);
    assert.equal(entry!.words[0]!.word, "bright");
    assert.ok(entry!.words.length <= 2);
  });

  it("describes a morph's bands too, and says so", () => {
    const file = writeFileIn(work, "morph.eqp", 'preset "M" {\n  morph warm 1\n}\n');
    const result = eqp("describe", file, "--model", model);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^"M" \(with its morph's bands\): \d+(\.\d)? warm/);
  });

  it("stops on a preset with errors and on an unknown preset", () => {
    const broken = writeFileIn(work, "broken.eqp", "bell 1kHz\n");
    const result = eqp("describe", broken, "--model", model);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /broken\.eqp:1:1 error missing-gain/);
    const unknown = eqp("describe", explicit, "--model", model, "--preset", "Nope");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no preset "Nope"; the presets are "Warm", "Bright", "Airy"/);
  });

  it("names a band-limited voice and a dark, muffled preset as a sound designer would (the shipped model)", () => {
    const file = writeFileIn(
      work,
      "designer.eqp",
      [
        'preset "Radio chatter" {\n  lowshelf 400Hz -12dB\n  bell 1.8kHz +6dB q 1.2\n  highshelf 3.5kHz -12dB\n  gain -3dB\n}',
        'preset "Telephone" {\n  lowshelf 500Hz -12dB\n  bell 1.2kHz +4dB q 1\n  highshelf 3kHz -12dB\n}',
        'preset "Dark muffled" {\n  lowshelf 150Hz +3dB\n  bell 3kHz -6dB q 0.7\n  highshelf 5kHz -10dB\n}',
        'preset "Warm" {\n  morph warm 0.8\n}',
      ].join("\n"),
    );
    const result = eqp("describe", file, "--format", "json");
    assert.equal(result.status, 0, result.stderr);
    const first = new Map(
      (JSON.parse(result.stdout) as { name: string; words: { word: string; weight: number }[] }[]).map((entry) => [
        entry.name,
        entry.words[0],
      ]),
    );
    const voice = ["radio", "telephone", "thin", "tinny", "nasal"];
    assert.ok(voice.includes(first.get("Radio chatter")?.word ?? ""), JSON.stringify(first.get("Radio chatter")));
    assert.ok(voice.includes(first.get("Telephone")?.word ?? ""), JSON.stringify(first.get("Telephone")));
    const dark = ["dark", "muffled", "warm", "deep"];
    assert.ok(dark.includes(first.get("Dark muffled")?.word ?? ""), JSON.stringify(first.get("Dark muffled")));
    // A word's own morph is that word, at about its weight (not shrunk toward 0).
    assert.equal(first.get("Warm")?.word, "warm");
    assert.ok(Math.abs(first.get("Warm")!.weight - 0.8) <= 0.2, JSON.stringify(first.get("Warm")));
  });
});
