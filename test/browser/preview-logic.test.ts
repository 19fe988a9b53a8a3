/**
 * The preview panel's pure parts, in Node (no browser needed): the page's HTML and policy, the
 * checks on everything that crosses into the extension or the page, the curve's geometry and the
 * A/B loudness match.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contentSecurityPolicy, previewHtml, type PreviewPageResources } from "../../client/src/preview/html.js";
import { curveGeometry, curveScale, levelAt, xOf, yOf } from "../../client/src/preview/page/curve.js";
import { kWeightingPower, loudnessMatchDb } from "../../client/src/preview/page/loudness.js";
import {
  checkPreviewData,
  checkToPageMessage,
  parseFromPageMessage,
  parsePosition,
  type PreviewData,
} from "../../client/src/preview/protocol.js";
import { SHELF_Q } from "../../server/src/core/eq/index.js";
import { logFrequencies, responseDb } from "../../server/src/core/eq/index.js";

const RESOURCES: PreviewPageResources = {
  cspSource: "https://file+.vscode-resource.vscode-cdn.net",
  nonce: "c2VjcmV0LW5vbmNlLXZhbHVl",
  scriptUri: "https://file+.vscode-resource.vscode-cdn.net/ext/dist/preview.js",
  styleUri: "https://file+.vscode-resource.vscode-cdn.net/ext/media/preview/preview.css",
  loopUri: "https://file+.vscode-resource.vscode-cdn.net/ext/media/loop.wav",
};

/** A log grid from 20 Hz to 20 kHz and a response on it. */
function grid(points = 400): number[] {
  return Array.from(logFrequencies(points));
}

function validData(): PreviewData {
  const frequencies = grid(50);
  const bands = [
    { slot: "lowShelf" as const, frequencyHz: 100, gainDb: 3, q: SHELF_Q },
    { slot: "bell2" as const, frequencyHz: 2000, gainDb: -4, q: 2 },
  ];
  return {
    uri: "file:///presets/voice.eqp",
    presetName: "Voice",
    range: { start: { line: 2, character: 0 }, end: { line: 6, character: 1 } },
    sampleRate: 48_000,
    outputGainDb: -1,
    bands: [
      { ...bands[0]!, key: "lowShelf", type: "lowshelf" },
      { ...bands[1]!, key: "bell2", type: "peaking" },
    ],
    frequencies,
    responseDb: Array.from(responseDb(bands, Float64Array.from(frequencies), 48_000, -1)),
    peakDb: 2,
    troughDb: -3,
    suggestedPreGainDb: -2,
    svg: "<svg/>",
    pending: false,
  };
}

describe("the preview page's HTML", () => {
  it("carries the strict policy, the nonce on its one script, and nothing inline", () => {
    const html = previewHtml(RESOURCES);
    const policy = contentSecurityPolicy(RESOURCES.cspSource, RESOURCES.nonce);
    assert.equal(
      policy,
      "default-src 'none'; img-src https://file+.vscode-resource.vscode-cdn.net data:; media-src https://file+.vscode-resource.vscode-cdn.net blob:; " +
        "connect-src https://file+.vscode-resource.vscode-cdn.net; script-src 'nonce-c2VjcmV0LW5vbmNlLXZhbHVl'; " +
        "style-src https://file+.vscode-resource.vscode-cdn.net 'nonce-c2VjcmV0LW5vbmNlLXZhbHVl'; base-uri 'none'; form-action 'none'",
    );
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${policy}">`));
    assert.equal([...html.matchAll(/<script\b/g)].length, 1);
    assert.ok(html.includes(`<script nonce="${RESOURCES.nonce}" src="${RESOURCES.scriptUri}"></script>`));
    assert.doesNotMatch(html, /\son\w+=|style=|javascript:|https?:\/\/(?!file\+\.vscode-resource)/);
  });

  it("refuses a nonce or a CSP source that could break out of the policy, and escapes addresses", () => {
    assert.throws(() => previewHtml({ ...RESOURCES, nonce: "short" }), /nonce/);
    assert.throws(() => previewHtml({ ...RESOURCES, nonce: "abcdefghijklmnop'; script-src *" }), /nonce/);
    assert.throws(() => previewHtml({ ...RESOURCES, cspSource: "https://a.example; script-src *" }), /CSP source/);
    assert.throws(() => previewHtml({ ...RESOURCES, cspSource: "'unsafe-inline'" }), /CSP source/);
    assert.throws(() => previewHtml({ ...RESOURCES, cspSource: " " }), /CSP source/);
    // VS Code 1.100's webview.cspSource is a list with a keyword.
    assert.match(
      previewHtml({ ...RESOURCES, cspSource: "'self' https://*.vscode-cdn.net" }),
      /script-src 'nonce-[^']+'; style-src 'self' https:\/\/\*\.vscode-cdn\.net 'nonce-/,
    );
    const html = previewHtml({ ...RESOURCES, loopUri: 'https://file+.vscode-resource.vscode-cdn.net/a"b<c>.wav' });
    assert.ok(html.includes('data-loop-uri="https://file+.vscode-resource.vscode-cdn.net/a&quot;b&lt;c&gt;.wav"'));
  });
});

describe("the preview protocol's checks", () => {
  it("accepts the server's answer as the contract has it", () => {
    const data = validData();
    const checked = checkPreviewData(data);
    assert.ok(checked.ok, checked.ok ? "" : checked.error);
    assert.deepEqual(checked.value, data);
    assert.deepEqual(checkPreviewData({ ...data, presetName: null, message: "The model is loading." }), {
      ok: true,
      value: { ...data, presetName: null, message: "The model is loading." },
    });
    // A used preset's band: keyed used-N, with the use line it came through.
    const used = { ...data.bands[0]!, key: "used-0", from: 'use "underwater"' };
    assert.deepEqual(checkPreviewData({ ...data, bands: [used, ...data.bands] }), {
      ok: true,
      value: { ...data, bands: [used, ...data.bands] },
    });
  });

  it("rejects an answer that does not fit, saying which field", () => {
    const data = validData();
    const cases: [unknown, RegExp][] = [
      [null, /not an object/],
      [{ ...data, uri: 3 }, /uri/],
      [{ ...data, range: { start: { line: -1, character: 0 }, end: data.range.end } }, /range/],
      [{ ...data, sampleRate: 0 }, /sampleRate/],
      [{ ...data, bands: [{ ...data.bands[0], slot: "bell4" }] }, /bands\[0\]\.slot/],
      [{ ...data, bands: [{ ...data.bands[0], type: "bandpass" }] }, /bands\[0\]\.type/],
      [{ ...data, bands: [{ ...data.bands[0], key: "chain-x" }] }, /bands\[0\]\.key/],
      [{ ...data, bands: [{ ...data.bands[0], slopeDbPerOctave: -6 }] }, /bands\[0\]\.slopeDbPerOctave/],
      [{ ...data, bands: [{ ...data.bands[0], key: "used-0", from: 3 }] }, /bands\[0\]\.from/],
      [{ ...data, bands: [data.bands[0], data.bands[0]] }, /key lowShelf twice/],
      [{ ...data, bands: [{ ...data.bands[1], q: 0 }] }, /bands\[0\]\.q/],
      [{ ...data, bands: [{ ...data.bands[1], gainDb: Number.NaN }] }, /bands\[0\]\.gainDb/],
      [{ ...data, frequencies: [...data.frequencies].reverse() }, /do not increase/],
      [{ ...data, responseDb: data.responseDb.slice(1) }, /responseDb/],
      [{ ...data, responseDb: data.responseDb.map(() => Number.POSITIVE_INFINITY) }, /responseDb/],
      [{ ...data, pending: "no" }, /pending/],
      [{ ...data, message: "x".repeat(5000) }, /message/],
    ];
    for (const [value, error] of cases) {
      const checked = checkPreviewData(value);
      assert.equal(checked.ok, false, `accepted ${JSON.stringify(value).slice(0, 120)}`);
      if (!checked.ok) assert.match(checked.error, error);
    }
  });

  it("takes from the page only the two messages it sends", () => {
    assert.deepEqual(parseFromPageMessage({ type: "ready" }), { type: "ready" });
    assert.deepEqual(parseFromPageMessage({ type: "problem", message: "could not decode" }), {
      type: "problem",
      message: "could not decode",
    });
    for (const bad of [
      null,
      "ready",
      [],
      { type: "ready", extra: 1 },
      { type: "problem" },
      { type: "problem", message: 42 },
      { type: "problem", message: "x".repeat(5000) },
      { type: "openFile", path: "/etc/passwd" },
    ]) {
      assert.equal(parseFromPageMessage(bad), undefined, `accepted ${JSON.stringify(bad)}`);
    }
  });

  it("checks the extension's messages to the page the same way", () => {
    assert.ok(checkToPageMessage({ type: "preview", data: validData() }).ok);
    assert.deepEqual(checkToPageMessage({ type: "status", kind: "empty", message: "No preset here." }), {
      ok: true,
      value: { type: "status", kind: "empty", message: "No preset here." },
    });
    assert.deepEqual(checkToPageMessage({ type: "status", kind: "shout", message: "" }).ok, false);
    assert.deepEqual(checkToPageMessage({ type: "eval" }), { ok: false, error: 'unknown message type "eval"' });
  });

  it("reads a code lens's position argument", () => {
    assert.deepEqual(parsePosition({ line: 3, character: 4 }), { line: 3, character: 4 });
    for (const bad of [undefined, { line: 1 }, { line: 1.5, character: 0 }, { line: -1, character: 0 }, [1, 2]])
      assert.equal(parsePosition(bad), undefined);
  });
});

describe("the curve's geometry", () => {
  it("maps 20 Hz–20 kHz across the plot on a log scale, and the dB range to its height", () => {
    const scale = curveScale([[0, 1, -2]]);
    assert.equal(xOf(scale, 20), scale.left);
    assert.ok(Math.abs(xOf(scale, 20_000) - (scale.left + scale.width)) < 1e-9);
    assert.ok(
      Math.abs(xOf(scale, 632.455532) - (scale.left + scale.width / 2)) < 1e-6,
      "the geometric middle of the axis is √(20·20000) Hz",
    );
    assert.equal(yOf(scale, scale.dbTop), scale.top);
    assert.equal(yOf(scale, scale.dbBottom), scale.top + scale.height);
  });

  it("takes the hover's dB axis (core/eq/axis.ts): never below ±12 dB, wide enough for curves and gains", () => {
    assert.deepEqual([curveScale([[0.5]]).dbTop, curveScale([[0.5]]).dbBottom], [12, -12]);
    assert.equal(curveScale([[6]]).dbTop, 12);
    assert.equal(curveScale([[-12.1]]).dbTop, 18);
    assert.equal(curveScale([[1, 13.2, -2]]).dbBottom, -18);
    assert.equal(curveScale([[1]], [-19]).dbTop, 24, "a band's gain counts, as in the hover");
    assert.equal(curveScale([[1], [30]]).dbStep, 12, "two curves: the axis holds both, in the hover's steps");
  });

  it("draws one path point per response point and marks each band on the curve", () => {
    const data = validData();
    const geometry = curveGeometry(data);
    const points = geometry.path.split(/ (?=[ML])/);
    assert.equal(points.length, data.frequencies.length);
    assert.match(points[0]!, /^M/);
    assert.ok(points.slice(1).every((point) => point.startsWith("L")));
    assert.deepEqual(
      geometry.markers.map((marker) => [marker.slot, marker.label]),
      [
        ["lowShelf", "LS"],
        ["bell2", "B2"],
      ],
    );
    const bell = geometry.markers[1]!;
    assert.equal(bell.x, xOf(geometry.scale, 2000));
    assert.equal(bell.levelDb, levelAt(data.frequencies, data.responseDb, 2000));
    assert.ok(bell.levelDb < -4.5, `the bell's marker sits in its dip (${bell.levelDb} dB, with -1 dB output gain)`);
  });

  it("interpolates the response between grid points in log frequency", () => {
    const frequencies = [100, 1000];
    const response = [0, 10];
    assert.equal(levelAt(frequencies, response, 100), 0);
    assert.ok(Math.abs(levelAt(frequencies, response, Math.sqrt(100 * 1000)) - 5) < 1e-12);
    assert.equal(levelAt(frequencies, response, 50), 0, "below the grid: the first point");
    assert.equal(levelAt(frequencies, response, 5000), 10, "above the grid: the last point");
  });
});

describe("the A/B loudness match", () => {
  it("uses BS.1770's K-weighting: about +0.7 dB at 1 kHz, +4 dB in the treble, steeply down in the deep bass", () => {
    const db = (frequency: number) => 10 * Math.log10(kWeightingPower(frequency));
    assert.ok(Math.abs(db(1000) - 0.69) < 0.05, `1 kHz: ${db(1000)} dB`);
    assert.ok(Math.abs(db(10_000) - 4) < 0.1, `10 kHz: ${db(10_000)} dB`);
    assert.ok(db(20) < -10, `20 Hz: ${db(20)} dB`);
  });

  it("is 0 dB for a flat EQ and exactly the output gain for a gain alone", () => {
    const frequencies = grid();
    assert.ok(
      Math.abs(
        loudnessMatchDb(
          frequencies,
          frequencies.map(() => 0),
        ),
      ) < 1e-12,
    );
    assert.ok(
      Math.abs(
        loudnessMatchDb(
          frequencies,
          frequencies.map(() => -3.5),
        ) + 3.5,
      ) < 1e-12,
    );
  });

  it("counts a treble boost for more than the same boost in the deep bass, as the ear does", () => {
    const frequencies = grid();
    const deepBass = loudnessMatchDb(
      frequencies,
      frequencies.map((f) => (f < 40 ? 6 : 0)),
    );
    const treble = loudnessMatchDb(
      frequencies,
      frequencies.map((f) => (f > 10_000 ? 6 : 0)),
    );
    // Both cover one octave of the ten: pink noise puts the same power in each.
    assert.ok(deepBass > 0 && deepBass < 0.2, `+6 dB below 40 Hz: ${deepBass} dB`);
    assert.ok(treble > 0.8, `+6 dB above 10 kHz: ${treble} dB`);
  });

  it("weights every octave alike (pink noise), then K-weights: a boost over the upper half of the octaves lands between the plain mean and the boost", () => {
    const frequencies = grid(2000);
    const upperHalf = frequencies.map((f) => (f > Math.sqrt(20 * 20_000) ? 6 : 0));
    const pinkOnly = 10 * Math.log10((1 + Math.pow(10, 6 / 10)) / 2);
    const match = loudnessMatchDb(frequencies, upperHalf);
    // K-weighting favours the upper half, so the match is above the unweighted pink figure but below +6 dB.
    assert.ok(match > pinkOnly && match < 6, `match ${match} dB, unweighted pink ${pinkOnly} dB`);
  });

  it("refuses a response that does not fit its grid", () => {
    assert.throws(() => loudnessMatchDb([100, 200], [0]), /one per frequency/);
  });
});
