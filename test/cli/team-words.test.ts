/**
 * Team words and the lockfile from the command line, in a temporary git repository: the same
 * words the editor resolves, from the same files; a lock that turns any change of a morph's bands
 * into an error with its size in dB until `eqp lock` accepts it.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { temporaryRepository } from "../support/cli.js";

const { repo, write, eqpIn } = temporaryRepository("team");
const KICKS =
  'preset "Kick A" {\n  tags thwacky\n  lowshelf 90Hz +4dB\n  bell 3kHz +3dB q 1.5\n}\n' +
  'preset "Kick B" {\n  tags Thwacky\n  lowshelf 110Hz +3dB\n  bell 2.5kHz +4dB q 1.2\n}\n';

after(() => rmSync(repo, { recursive: true, force: true }));

describe("team words in eqp", () => {
  it("resolves a word tagged in another file of the repository", () => {
    write("presets/kicks.eqp", KICKS);
    write("sfx/snare.eqp", 'preset "Snare" {\n  morph thwacky\n}\n');
    const check = eqpIn("check", "sfx/snare.eqp");
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.doesNotMatch(check.stdout, /unknown-word/);
    const json = eqpIn("expand", "--format", "json", "sfx/snare.eqp");
    assert.equal(json.status, 0, json.stderr);
    const bands = (
      JSON.parse(json.stdout) as { presets: { bands: { slot: string; frequencyHz: number; gainDb: number }[] }[] }
    ).presets[0]!.bands;
    const low = bands.find((band) => band.slot === "lowShelf")!;
    // Near the tagged presets: a low shelf boost around 90–110 Hz.
    assert.ok(low.gainDb > 1.5 && low.frequencyHz > 60 && low.frequencyHz < 200, JSON.stringify(low));
  });

  it("does not take words from node_modules or git-ignored folders, and --workspace chooses the folder", () => {
    write(".gitignore", "build/\n");
    write("build/x.eqp", 'preset "X" {\n  tags zzhidden\n  bell 1kHz +3dB\n}\n');
    write("node_modules/pkg/y.eqp", 'preset "Y" {\n  tags zzhidden\n  bell 1kHz +3dB\n}\n');
    write("sfx/zzhidden.eqp", 'preset "H" {\n  morph zzhidden\n}\n');
    assert.match(eqpIn("check", "sfx/zzhidden.eqp").stdout, /unknown-word Unknown word 'zzhidden'/);
    const elsewhere = eqpIn("--workspace", path.join(repo, "sfx"), "check", "sfx/snare.eqp");
    assert.match(elsewhere.stdout, /unknown-word Unknown word 'thwacky'/);
    rmSync(path.join(repo, "sfx/zzhidden.eqp"));
  });

  it("warns when a tag has a bundled word's name, and when examples disagree wildly", () => {
    write("presets/warm.eqp", 'preset "W" {\n  tags warm\n  bell 3kHz +6dB\n}\n');
    write(
      "presets/odd.eqp",
      'preset "O1" {\n  tags oddball\n  lowshelf 100Hz +10dB\n}\npreset "O2" {\n  tags oddball\n  highshelf 8kHz +10dB\n  lowshelf 100Hz -8dB\n}\n',
    );
    const check = eqpIn("check", "presets");
    assert.match(check.stdout, /warm\.eqp:2:8 warning team-word-shadows-bundled 'warm' is a word of the bundled model/);
    assert.match(check.stdout, /odd\.eqp:2:8 warning team-word-disagrees The 2 presets tagged 'oddball' disagree/);
    rmSync(path.join(repo, "presets/warm.eqp"));
    rmSync(path.join(repo, "presets/odd.eqp"));
  });

  it("takes a tagged preset that uses another as the chain it sounds as", () => {
    // "Boom" has no line of its own: its sound is the used preset's low-shelf boost.
    write("presets/base.eqp", 'preset "Boom base" {\n  lowshelf 100Hz +6dB\n  bell 2kHz -2dB q 1\n}\n');
    write("presets/boom.eqp", 'preset "Boom" {\n  tags zzboomy\n  use "Boom base"\n}\n');
    write("sfx/boom.eqp", 'preset "B" {\n  morph zzboomy\n}\n');
    const check = eqpIn("check", "sfx/boom.eqp", "presets/boom.eqp");
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.doesNotMatch(check.stdout, /unknown-word|tag-on-flat-preset/);
    const json = eqpIn("expand", "--format", "json", "sfx/boom.eqp");
    assert.equal(json.status, 0, json.stderr);
    const bands = (
      JSON.parse(json.stdout) as { presets: { bands: { slot: string; frequencyHz: number; gainDb: number }[] }[] }
    ).presets[0]!.bands;
    const low = bands.find((band) => band.slot === "lowShelf")!;
    assert.ok(low.gainDb > 1.5 && low.frequencyHz < 250, JSON.stringify(low));
    // Without the used preset the tag has no sound to give: the word is gone.
    rmSync(path.join(repo, "presets/base.eqp"));
    assert.match(eqpIn("check", "sfx/boom.eqp").stdout, /unknown-word Unknown word 'zzboomy'/);
    rmSync(path.join(repo, "presets/boom.eqp"));
    rmSync(path.join(repo, "sfx/boom.eqp"));
  });

  it("loses the word when the tags go", () => {
    write("presets/kicks.eqp", KICKS.replaceAll(/ {2}tags \w+\n/g, ""));
    const check = eqpIn("check", "sfx/snare.eqp");
    assert.equal(check.status, 1);
    assert.match(check.stdout, /unknown-word Unknown word 'thwacky'/);
    write("presets/kicks.eqp", KICKS);
  });
});

describe("eqpreset.lock", () => {
  it("reports a morph whose bands moved, with the change in dB, until eqp lock accepts it", () => {
    const locked = eqpIn("lock");
    assert.equal(locked.status, 0, locked.stderr);
    assert.match(locked.stdout, /wrote eqpreset\.lock: 1 morph in 1 file/);
    const clean = eqpIn("check", "sfx", "presets");
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.doesNotMatch(clean.stdout, /lock-/);
    // A new team example moves thwacky, and with it the snare.
    write("presets/more.eqp", 'preset "Kick C" {\n  tags thwacky\n  lowshelf 250Hz +8dB\n  bell 1kHz +6dB q 1\n}\n');
    const moved = eqpIn("check", "sfx");
    assert.equal(moved.status, 1);
    assert.match(
      moved.stdout,
      /snare\.eqp:2:3 error lock-changed The bands of 'morph thwacky' moved since eqpreset\.lock .*up to [+−]\d+(\.\d)? dB at /,
    );
    assert.match(eqpIn("lock").stdout, /1 with new bands accepted/);
    assert.equal(eqpIn("check", "sfx").status, 0);
  });

  it("notes a morph the lock does not record, and rejects a broken lockfile clearly", () => {
    write("sfx/new.eqp", 'preset "New" {\n  morph bright 0.5\n}\n');
    assert.match(
      eqpIn("check", "sfx/new.eqp").stdout,
      /new\.eqp:2:3 information lock-missing This morph is not in eqpreset\.lock/,
    );
    // A morph with an unknown word has that error; "not in the lock" would only repeat it.
    write("sfx/typo.eqp", 'preset "Typo" {\n  morph brigth 0.5\n}\n');
    const typo = eqpIn("check", "sfx/typo.eqp");
    assert.match(typo.stdout, /typo\.eqp:2:\d+ error unknown-word/);
    assert.doesNotMatch(typo.stdout, /lock-missing/);
    rmSync(path.join(repo, "sfx/typo.eqp"));
    write("eqpreset.lock", "{ not json");
    const broken = eqpIn("check", "sfx/new.eqp");
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /^eqp: .*eqpreset\.lock: not valid JSON/);
    assert.doesNotMatch(broken.stderr, /at .*\.js:\d+/);
    assert.equal(eqpIn("lock").status, 0);
  });

  it("notes a change under the project's tolerance, and eqp lock --accept lists what moved", () => {
    write("presets/more.eqp", 'preset "Kick C" {\n  tags thwacky\n  lowshelf 90Hz +4dB\n  bell 3kHz +3dB q 1.5\n}\n');
    assert.equal(eqpIn("lock").status, 0);
    write("presets/more.eqp", 'preset "Kick C" {\n  tags thwacky\n  lowshelf 250Hz +8dB\n  bell 1kHz +6dB q 1\n}\n');
    write("eqpreset.json", '{ "lock": { "toleranceDb": 40 } }');
    const noted = eqpIn("check", "sfx/snare.eqp");
    assert.equal(noted.status, 0, noted.stdout + noted.stderr);
    assert.match(
      noted.stdout,
      /snare\.eqp:2:3 information lock-changed .*by up to [+−][\d.]+ dB at .*: the tags of word 'thwacky' changed in presets\/kicks\.eqp, presets\/more\.eqp \(under the lock tolerance of 40 dB/,
    );
    rmSync(path.join(repo, "eqpreset.json"));
    assert.equal(eqpIn("check", "sfx/snare.eqp").status, 1);
    const accepted = eqpIn("lock", "--accept");
    assert.equal(accepted.status, 0, accepted.stderr);
    assert.match(accepted.stdout, /^1 morph moved:\n {2}sfx\/snare\.eqp "Snare": [+−][\d.]+ dB\nwrote eqpreset\.lock/);
    assert.equal(eqpIn("check", "sfx/snare.eqp").status, 0);
  });
});
