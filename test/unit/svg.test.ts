import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyseCurve, type EqBand } from "../../server/src/core/index.js";
import { curveSvg, dbAxis, headroomPeakDb, renderCurve } from "../../server/src/core/eq/index.js";
import { displayGain } from "../../server/src/core/language/index.js";
import { voCleanBands } from "../support/presets.js";
import { descendants, expectedPoint, hasClass, parseCurveSvg, parseXml } from "../support/svgExpect.js";

const FULL = voCleanBands();

/** The curve path's points, in picture coordinates. */
function curvePoints(svg: string): { x: number; y: number }[] {
  const path = descendants(parseXml(svg)).find((element) => element.name === "path" && hasClass(element, "curve"));
  assert.ok(path, "no curve");
  return path.attributes
    .d!.replace(/^M/, "")
    .split(/[L ]/)
    .map((pair) => pair.split(",").map(Number))
    .map(([x, y]) => ({ x: x!, y: y! }));
}

describe("the response picture", () => {
  it("is well-formed SVG with a marker per band, on the log-frequency and dB axes", () => {
    const { svg } = renderCurve(FULL, 48000, -1);
    const picture = parseCurveSvg(svg);
    assert.deepEqual(
      picture.markers.map((marker) => [marker.slot, marker.label]),
      [
        ["lowShelf", "LS"],
        ["bell1", "B1"],
        ["bell2", "B2"],
        ["bell3", "B3"],
        ["highShelf", "HS"],
      ],
    );
    for (const band of FULL) {
      const marker = picture.markers.find((candidate) => candidate.slot === band.slot)!;
      const expected = expectedPoint(picture, band.frequencyHz, band.gainDb);
      assert.ok(Math.abs(marker.cx - expected.x) <= 0.05 + 1e-9, `${band.slot} x ${marker.cx} vs ${expected.x}`);
      assert.ok(Math.abs(marker.cy - expected.y) <= 0.05 + 1e-9, `${band.slot} y ${marker.cy} vs ${expected.y}`);
    }
    // A decade is the same width everywhere on a log axis.
    const at = (hz: number) => expectedPoint(picture, hz, 0).x;
    assert.ok(Math.abs(at(1000) - at(100) - (at(10000) - at(1000))) < 1e-9);
    assert.equal(picture.plot.dbRange, 12);
  });

  it("labels the frequency grid and a symmetric dB axis, and draws the 0 dB line", () => {
    const { svg } = renderCurve(FULL, 48000);
    const root = parseXml(svg);
    const texts = descendants(root);
    const frequencyLabels = texts
      .filter((element) => hasClass(element, "frequency-label"))
      .map((element) => element.text);
    for (const label of ["100", "1k", "10k"]) assert.ok(frequencyLabels.includes(label), frequencyLabels.join(" "));
    const picture = parseCurveSvg(svg);
    const thousand = texts.find((element) => hasClass(element, "frequency-label") && element.text === "1k")!;
    assert.ok(Math.abs(Number(thousand.attributes.x) - expectedPoint(picture, 1000, 0).x) <= 0.05 + 1e-9);
    const dbLabels = texts.filter((element) => hasClass(element, "db-label")).map((element) => element.text);
    assert.deepEqual(dbLabels, ["−12", "−6", "0", "+6", "+12"]);
    const zero = texts.find((element) => element.name === "path" && hasClass(element, "zero"))!;
    assert.match(zero.attributes.d!, new RegExp(`^M${picture.plot.x} ${expectedPoint(picture, 0, 0).y}h`));
  });

  it("widens the dB axis to hold the whole curve, symmetrically", () => {
    const loud: EqBand[] = [
      { slot: "bell1", frequencyHz: 1000, gainDb: 11, q: 0.5 },
      { slot: "bell2", frequencyHz: 1200, gainDb: 11, q: 0.5 },
    ];
    const rendered = renderCurve(loud, 48000);
    const picture = parseCurveSvg(rendered.svg);
    assert.ok(rendered.analysis.peakDb > 18, String(rendered.analysis.peakDb));
    assert.equal(picture.plot.dbRange, 24);
    const dbLabels = descendants(picture.root)
      .filter((element) => hasClass(element, "db-label"))
      .map((element) => element.text);
    assert.equal(dbLabels[0], "−24");
    assert.equal(dbLabels.at(-1), "+24");
    // Every point of the curve lies inside the plot.
    for (const point of curvePoints(rendered.svg))
      assert.ok(point.y >= picture.plot.y && point.y <= picture.plot.y + picture.plot.height, JSON.stringify(point));
    assert.deepEqual(dbAxis(0), { range: 12, step: 6 });
    assert.deepEqual(dbAxis(-13), { range: 18, step: 6 });
    assert.deepEqual(dbAxis(30), { range: 36, step: 12 });
  });

  it("keeps a narrow bell's peak when it draws fewer points than it analyses", () => {
    const rendered = renderCurve([{ slot: "bell2", frequencyHz: 1234, gainDb: 9, q: 10 }], 48000);
    const picture = parseCurveSvg(rendered.svg);
    const points = curvePoints(rendered.svg);
    assert.ok(points.length >= 120 && points.length <= 200, String(points.length));
    const top = Math.min(...points.map((point) => point.y));
    assert.ok(Math.abs(top - expectedPoint(picture, 1234, rendered.analysis.peakDb).y) <= 0.05 + 1e-9, `${top}`);
  });

  it("draws fewer markers for fewer bands, and only bands below Nyquist", () => {
    assert.equal(parseCurveSvg(renderCurve(FULL.slice(0, 2), 48000).svg).markers.length, 2);
    assert.equal(parseCurveSvg(renderCurve([], 48000).svg).markers.length, 0);
    const low = renderCurve(FULL, 16000);
    assert.deepEqual(
      parseCurveSvg(low.svg).markers.map((marker) => marker.slot),
      ["lowShelf", "bell1", "bell2", "bell3"],
    );
    // The curve stops below the Nyquist frequency of 8 kHz.
    const picture = parseCurveSvg(low.svg);
    const last = curvePoints(low.svg).at(-1)!;
    assert.ok(last.x < expectedPoint(picture, 8000, 0).x && last.x > expectedPoint(picture, 7900, 0).x, String(last.x));
  });

  it("highlights one band's marker", () => {
    const picture = parseCurveSvg(renderCurve(FULL, 48000, 0, { highlight: "bell3" }).svg);
    assert.deepEqual(
      picture.markers.filter((marker) => marker.highlighted).map((marker) => marker.slot),
      ["bell3"],
    );
  });

  it("escapes its title", () => {
    const title = `A <b> & "quoted" 'name'`;
    const root = parseXml(curveSvg(FULL, analyseCurve(FULL, 48000), { title }));
    assert.equal(root.children.find((element) => element.name === "title")!.text, title);
  });

  it("is small and self-contained", () => {
    const { svg } = renderCurve(FULL, 48000);
    assert.ok(svg.length < 6000, String(svg.length));
    assert.doesNotMatch(svg, /href|url\(|@import|<image|<script/i);
    assert.match(svg, /^<svg [^>]*width="360" height="160"/);
    const background = parseXml(svg).children.find((element) => element.name === "rect")!;
    assert.equal(background.attributes.width, "360");
    assert.ok(background.attributes.fill);
  });
});

describe("the peak beside the suggested pre-gain", () => {
  it("reads the same at the 0.1 dB both are shown at (a 3.64 dB peak is +3.7 beside −3.7)", () => {
    for (const gainDb of [3.64, 3.6, 3.61, 0.04, 7.25, 11.99]) {
      const analysis = analyseCurve([{ slot: "bell2", frequencyHz: 1000, gainDb, q: 1 }], 48000);
      const peak = displayGain(headroomPeakDb(analysis.peakDb));
      const preGain = displayGain(-analysis.suggestedPreGainDb);
      assert.equal(
        peak,
        preGain,
        `bell +${gainDb} dB: peak ${peak}, pre-gain ${displayGain(analysis.suggestedPreGainDb)}`,
      );
      assert.ok(
        headroomPeakDb(analysis.peakDb) >= analysis.peakDb,
        "rounded up: the pre-gain never leaves an overshoot",
      );
    }
    assert.equal(headroomPeakDb(3.6), 3.6, "a peak already at 0.1 dB is not pushed up by floating point");
  });
});
