import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  diffJson,
  diffMarkdown,
  diffText,
  diffTexts,
  overlaySvg,
  presetDiffSvg,
  type DiffReport,
} from "../../server/src/core/diff/index.js";
import { EqServices, logFrequencies, responseDb } from "../../server/src/core/index.js";
import { descendants, parseXml } from "../support/svgExpect.js";

// Explicit presets only: no network needed, and the services are the ones every command uses.
const services = new EqServices();

const BEFORE = `preset "VO clean" {
  lowshelf 120Hz -4dB
  bell 3kHz +2.5dB q 1
  gain -1dB
}

preset "Radio chatter" {
  bell 1.8kHz +6dB q 1.2
}

preset "Old" {
  highshelf 8kHz +2dB
}
`;

const AFTER = `preset "VO clean" {
  lowshelf 120Hz -4dB
  bell 3kHz +4dB q 1
  bell 6kHz -2dB q 3
  gain -1dB
}

preset "Radio" {
  bell 1.8kHz +6dB q 1.2
}

preset "New | one" {
  bell 1kHz +3dB
}
`;

function report(): DiffReport {
  return {
    before: "HEAD~1",
    after: "working tree",
    files: [{ file: "presets/vo.eqp", presets: diffTexts(BEFORE, AFTER, services) }],
  };
}

describe("diff of preset files (core)", () => {
  it("finds changed, renamed, added and removed presets and the bands that changed", () => {
    const diffs = diffTexts(BEFORE, AFTER, services);
    assert.deepEqual(
      diffs.map((diff) => [diff.kind, diff.name, diff.previousName]),
      [
        ["changed", "VO clean", undefined],
        ["renamed", "Radio", "Radio chatter"],
        ["added", "New | one", undefined],
        ["removed", "Old", undefined],
      ],
    );
    const vo = diffs[0]!;
    assert.deepEqual(
      vo.bands.map((band) => [band.slot, band.kind]),
      [
        ["bell1", "changed"],
        ["bell2", "added"],
      ],
    );
    assert.deepEqual(vo.settings, []);
  });

  it("measures the largest change of the curve in dB and where, against the responses themselves", () => {
    const vo = diffTexts(BEFORE, AFTER, services)[0]!;
    const grid = logFrequencies(4096, 20, 20000);
    const old = responseDb(vo.before!.bands, grid, 48000, -1);
    const now = responseDb(vo.after!.bands, grid, 48000, -1);
    let best = 0;
    for (let i = 0; i < grid.length; i++) if (Math.abs(now[i]! - old[i]!) > Math.abs(now[best]! - old[best]!)) best = i;
    // The -2 dB bell at 6 kHz Q 3 (with the wider +1.5 dB at 3 kHz nearly gone there) is the largest change.
    assert.ok(vo.curve!.signedDb < -1.5 && vo.curve!.signedDb > -2.1, String(vo.curve!.signedDb));
    assert.ok(Math.abs(vo.curve!.maxDb - Math.abs(now[best]! - old[best]!)) < 0.02, "on a finer grid: the same size");
    assert.ok(Math.abs(Math.log2(vo.curve!.atFrequencyHz / grid[best]!)) < 0.02, "and the same place");
    const renamed = diffTexts(BEFORE, AFTER, services)[1]!;
    assert.equal(renamed.curve!.maxDb, 0, "a rename keeps the sound");
  });

  it("reports settings that changed, and files that appear or go away", () => {
    const diffs = diffTexts(
      'preset "A" {\n  bell 1kHz +1dB\n  gain -1dB\n}\n',
      'samplerate 44.1kHz\npreset "A" {\n  bell 1kHz +1dB\n  gain -3dB\n}\n',
      services,
    );
    assert.deepEqual(diffs[0]!.settings, ["gain -1 dB → -3 dB", "samplerate 48 kHz → 44.1 kHz"]);
    // The trim moves the whole curve by 2 dB; the new sample rate moves the bell by a hair.
    assert.ok(Math.abs(diffs[0]!.curve!.maxDb - 2) < 0.01, String(diffs[0]!.curve!.maxDb));
    assert.deepEqual(
      diffTexts(undefined, BEFORE, services).map((diff) => diff.kind),
      ["added", "added", "added"],
    );
    assert.deepEqual(
      diffTexts(BEFORE, undefined, services).map((diff) => diff.kind),
      ["removed", "removed", "removed"],
    );
    assert.deepEqual(
      diffTexts(BEFORE, BEFORE, services).map((diff) => diff.kind),
      ["unchanged", "unchanged", "unchanged"],
    );
  });

  it("writes text (golden)", () => {
    assert.equal(
      diffText(report()),
      `presets/vo.eqp
  "VO clean" changed (line 1)
    Bell 1: 3 kHz +2.5 dB Q 1 → 3 kHz +4 dB Q 1
    Bell 2 added: 6 kHz -2 dB Q 3
    largest change −1.57 dB at 6.05 kHz
  "Radio" renamed from "Radio chatter" (line 8)
    the curve is the same
  "New | one" added (line 12)
    Bell 1: 1 kHz +3 dB Q 0.71
  "Old" removed (line 11)
    High shelf: 8 kHz +2 dB
`,
    );
  });

  it("writes Markdown for a pull-request comment, pictures by file name (golden)", () => {
    const r = report();
    const pictures = new Map(r.files[0]!.presets.map((diff, i) => [diff, `p ${i}.svg`]));
    assert.equal(
      diffMarkdown(r, pictures),
      `## EQ presets: HEAD\\~1 → working tree

4 presets changed in 1 file.

### presets/vo.eqp

| preset | change | largest curve change |
|---|---|---|
| "VO clean" | 2 bands | −1.57 dB at 6.05 kHz |
| "Radio" | renamed from "Radio chatter" | the curve is the same |
| "New \\| one" | added | — |
| "Old" | removed | — |

#### "VO clean" changed

- Bell 1: 3 kHz +2.5 dB Q 1 → 3 kHz +4 dB Q 1
- Bell 2 added: 6 kHz -2 dB Q 3
- largest change −1.57 dB at 6.05 kHz

!["VO clean" changed: before dashed, after solid](<p 0.svg>)

#### "Radio" renamed from "Radio chatter"

- the curve is the same

!["Radio" renamed from "Radio chatter": before dashed, after solid](<p 1.svg>)

#### "New \\| one" added

- Bell 1: 1 kHz +3 dB Q 0.71

!["New \\| one" added: the new curve](<p 2.svg>)

#### "Old" removed

- High shelf: 8 kHz +2 dB

!["Old" removed: the old curve](<p 3.svg>)
`,
    );
  });

  it("writes JSON with every number a program needs", () => {
    const json = JSON.parse(JSON.stringify(diffJson(report()))) as {
      files: {
        presets: {
          kind: string;
          bands: { slot: string; before: unknown; after: { gainDb: number } | null }[];
          curve: { maxDb: number } | null;
          before: { line: number } | null;
        }[];
      }[];
    };
    const [vo, radio, added, removed] = json.files[0]!.presets;
    assert.equal(vo!.kind, "changed");
    assert.deepEqual(vo!.bands[1], {
      slot: "bell2",
      kind: "added",
      before: null,
      after: { frequencyHz: 6000, gainDb: -2, q: 3 },
    });
    assert.equal(radio!.curve!.maxDb, 0);
    assert.equal(added!.before, null);
    assert.equal(removed!.curve, null);
  });

  it("draws the overlay: well-formed SVG, the old curve dashed, the new one solid, on one axis", () => {
    const [vo, , added] = diffTexts(BEFORE, AFTER, services);
    const svg = parseXml(presetDiffSvg(vo!));
    assert.equal(svg.name, "svg");
    const paths = descendants(svg).filter((element) => element.name === "path");
    const before = paths.find((element) => element.attributes["class"] === "curve-before");
    const after = paths.find((element) => element.attributes["class"] === "curve-after");
    assert.ok(before && after, "both curves");
    assert.ok(before.attributes["stroke-dasharray"], "before is dashed");
    assert.equal(after.attributes["stroke-dasharray"], undefined, "after is solid");
    assert.equal(
      paths.filter((element) => element.attributes["class"] === "curve").length,
      0,
      "no stand-in curve left",
    );
    assert.equal(descendants(svg).find((element) => element.name === "title")!.text, '"VO clean" changed');
    assert.equal(
      descendants(svg).filter((element) => element.attributes["class"]?.startsWith("band-marker")).length,
      3,
      "the new version's bands",
    );
    // An added preset: only the new curve, and the axis fits a big boost.
    const big = parseXml(
      overlaySvg(undefined, { ...added!.after!, bands: [{ slot: "bell1", frequencyHz: 1000, gainDb: 30, q: 1 }] }),
    );
    const kinds = descendants(big)
      .filter((element) => element.name === "path")
      .map((element) => element.attributes["class"]);
    assert.ok(kinds.includes("curve-after") && !kinds.includes("curve-before"));
    assert.equal(
      descendants(big).find((element) => element.attributes["class"] === "plot")!.attributes["data-db-range"],
      "36",
    );
  });
});
