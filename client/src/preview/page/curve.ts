/**
 * The response curve as an SVG: a log-frequency axis from 20 Hz to 20 kHz, the dB axis of the core's
 * one rule (core/eq/axis.ts, the hover's too: the same preset looks the same in both), one point of the path per point of the server's
 * response, and a marker per band where the curve passes the band's frequency.
 *
 * The geometry (scales, path, markers) is pure and separate from the DOM, so it can be checked on
 * its own. The SVG carries its scales as data-* attributes, so a test can read any point back to
 * a frequency and a level.
 */
import { curveDbAxis, hasGain, slotFacts } from "#core/eq/index.js";
import { displayFrequency, displayGain } from "#core/language/index.js";
import type { PreviewBand } from "../protocol.js";

export const CURVE_WIDTH = 640;
export const CURVE_HEIGHT = 260;
const MARGIN = { left: 44, right: 12, top: 12, bottom: 26 };
export const LOW_HZ = 20;
export const HIGH_HZ = 20_000;
const GRID_FREQUENCIES = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000];

export interface CurveScale {
  /** The plot area inside the SVG's viewBox. */
  left: number;
  top: number;
  width: number;
  height: number;
  dbTop: number;
  dbBottom: number;
  /** Between the dB axis's labels. */
  dbStep: number;
}

export interface CurveInput {
  frequencies: readonly number[];
  responseDb: readonly number[];
  bands: readonly PreviewBand[];
  /**
   * Levels the axis must hold besides the points: the peak and trough the server found on its finer
   * grid (the hover's picture is drawn from that grid), so both pick the same axis.
   */
  extremesDb?: readonly number[];
}

export interface BandMarker {
  key: string;
  slot: PreviewBand["slot"];
  label: string;
  x: number;
  y: number;
  frequencyHz: number;
  /** The curve's level at the band's frequency. */
  levelDb: number;
  /** A used preset's band: the use line it came through (drawn as a mark, not a handle). */
  from?: string;
}

export interface CurveGeometry {
  scale: CurveScale;
  /** `M x y L x y …`, one point per response point. */
  path: string;
  markers: BandMarker[];
  dbTicks: number[];
}

/** The plot and its dB axis for `curves` and bands of `gains`: the hover's axis rule (core/eq/axis.ts). */
export function curveScale(curves: readonly (readonly number[])[], gains: readonly number[] = []): CurveScale {
  const axis = curveDbAxis(curves, gains);
  return {
    left: MARGIN.left,
    top: MARGIN.top,
    width: CURVE_WIDTH - MARGIN.left - MARGIN.right,
    height: CURVE_HEIGHT - MARGIN.top - MARGIN.bottom,
    dbTop: axis.range,
    dbBottom: -axis.range,
    dbStep: axis.step,
  };
}

export function xOf(scale: CurveScale, frequencyHz: number): number {
  return scale.left + (scale.width * Math.log(frequencyHz / LOW_HZ)) / Math.log(HIGH_HZ / LOW_HZ);
}

export function yOf(scale: CurveScale, db: number): number {
  return scale.top + (scale.height * (scale.dbTop - db)) / (scale.dbTop - scale.dbBottom);
}

/** The response at `frequencyHz`, interpolated linearly in log frequency between grid points. */
export function levelAt(frequencies: readonly number[], responseDb: readonly number[], frequencyHz: number): number {
  if (frequencyHz <= frequencies[0]!) return responseDb[0]!;
  for (let i = 1; i < frequencies.length; i++) {
    const high = frequencies[i]!;
    if (frequencyHz <= high) {
      const low = frequencies[i - 1]!;
      const t = Math.log(frequencyHz / low) / Math.log(high / low);
      return responseDb[i - 1]! + t * (responseDb[i]! - responseDb[i - 1]!);
    }
  }
  return responseDb[responseDb.length - 1]!;
}

/** Two decimals: well under a pixel, and a path a tenth of the size of full precision. */
function coordinate(value: number): string {
  return value.toFixed(2);
}

/** The path of a response on a scale. */
export function responsePath(scale: CurveScale, frequencies: readonly number[], responseDb: readonly number[]): string {
  return frequencies
    .map(
      (frequency, i) =>
        `${i === 0 ? "M" : "L"}${coordinate(xOf(scale, frequency))} ${coordinate(yOf(scale, responseDb[i]!))}`,
    )
    .join(" ");
}

/** The frequency at x on the scale: the inverse of xOf. */
export function frequencyAt(scale: CurveScale, x: number): number {
  return LOW_HZ * Math.pow(HIGH_HZ / LOW_HZ, (x - scale.left) / scale.width);
}

/** The level at y on the scale: the inverse of yOf. */
export function dbAt(scale: CurveScale, y: number): number {
  return scale.dbTop - ((y - scale.top) * (scale.dbTop - scale.dbBottom)) / scale.height;
}

/** `compare` and `whole`, when given, are drawn too, so the dB axis holds every curve. */
export function curveGeometry(input: CurveInput, compare?: CurveInput, whole?: CurveInput): CurveGeometry {
  const curves = [input, ...(compare ? [compare] : []), ...(whole ? [whole] : [])];
  const gains = curves.flatMap((curve) => [...curve.bands.map((band) => band.gainDb), ...(curve.extremesDb ?? [])]);
  const scale = curveScale(
    curves.map((curve) => curve.responseDb),
    gains,
  );
  const path = responsePath(scale, input.frequencies, input.responseDb);
  const markers = input.bands.map((band) => {
    const levelDb = levelAt(input.frequencies, input.responseDb, band.frequencyHz);
    const label = slotFacts(band.slot).short;
    return {
      key: band.key,
      slot: band.slot,
      label,
      x: xOf(scale, band.frequencyHz),
      // A notch's curve plunges at its frequency: its handle sits on the 0 dB line, as in the hover.
      y: yOf(scale, band.slot === "notch" ? 0 : levelDb),
      frequencyHz: band.frequencyHz,
      levelDb,
      ...(band.from !== undefined ? { from: band.from } : {}),
    };
  });
  const dbTicks: number[] = [];
  for (let db = scale.dbBottom; db <= scale.dbTop; db += scale.dbStep) dbTicks.push(db);
  return { scale, path, markers, dbTicks };
}

const SVG_NS = "http://www.w3.org/2000/svg";

function svgElement<K extends keyof SVGElementTagNameMap>(
  document: Document,
  name: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

function frequencyLabel(hz: number): string {
  return hz >= 1000 ? `${hz / 1000}k` : String(hz);
}

export interface CurveOptions {
  /** A second curve, dashed, to compare with. */
  compare?: CurveInput;
  /** Keys of the bands not heard (bypassed, or not the soloed one): their handles are drawn hollow. */
  silent?: ReadonlySet<string>;
  /**
   * The whole preset's curve, drawn faint, when the main curve is only what is heard: part of the
   * preset (bands bypassed or one soloed) or none of it (the EQ bypassed).
   */
  whole?: CurveInput;
  heard?: "part" | "bypassed";
}

/**
 * Builds the curve's SVG (DOM calls only, no markup strings: nothing from the preset is parsed as
 * HTML). Each band's marker is a handle (class "handle", focusable) that drag.ts moves.
 */
export function renderCurve(
  document: Document,
  input: CurveInput,
  title: string,
  options: CurveOptions = {},
): SVGSVGElement {
  const { scale, path, markers, dbTicks } = curveGeometry(input, options.compare, options.whole);
  const svg = svgElement(document, "svg", {
    viewBox: `0 0 ${CURVE_WIDTH} ${CURVE_HEIGHT}`,
    role: "img",
    class: "curve",
    "data-db-top": scale.dbTop,
    "data-db-bottom": scale.dbBottom,
    "data-low-hz": LOW_HZ,
    "data-high-hz": HIGH_HZ,
    "data-plot": `${scale.left} ${scale.top} ${scale.width} ${scale.height}`,
    "data-heard": options.heard ?? "all",
  });
  const titleElement = svgElement(document, "title", {});
  titleElement.textContent = title;
  svg.append(titleElement);

  const grid = svgElement(document, "g", { class: "grid" });
  for (const frequency of GRID_FREQUENCIES) {
    const x = xOf(scale, frequency);
    grid.append(svgElement(document, "line", { x1: x, x2: x, y1: scale.top, y2: scale.top + scale.height }));
    const label = svgElement(document, "text", { x, y: CURVE_HEIGHT - 8, "text-anchor": "middle" });
    label.textContent = frequencyLabel(frequency);
    grid.append(label);
  }
  for (const db of dbTicks) {
    const y = yOf(scale, db);
    grid.append(
      svgElement(document, "line", {
        x1: scale.left,
        x2: scale.left + scale.width,
        y1: y,
        y2: y,
        ...(db === 0 ? { class: "zero" } : {}),
      }),
    );
    const label = svgElement(document, "text", { x: scale.left - 6, y: y + 4, "text-anchor": "end" });
    label.textContent = db > 0 ? `+${db}` : String(db);
    grid.append(label);
  }
  svg.append(grid);

  if (options.compare) {
    const comparePath = responsePath(scale, options.compare.frequencies, options.compare.responseDb);
    svg.append(svgElement(document, "path", { class: "compare", d: comparePath, fill: "none" }));
  }
  if (options.whole) {
    const wholePath = responsePath(scale, options.whole.frequencies, options.whole.responseDb);
    svg.append(svgElement(document, "path", { class: "whole", d: wholePath, fill: "none" }));
  }
  svg.append(svgElement(document, "path", { class: "response", d: path, fill: "none" }));

  const markerGroup = svgElement(document, "g", { class: "markers" });
  for (const marker of markers) markerGroup.append(markerElement(document, marker, options.silent?.has(marker.key)));
  svg.append(markerGroup);
  return svg;
}

/**
 * A band's marker: a handle (class "handle", focusable, a slider) for the preset's own bands; a
 * plain mark for a used preset's band, whose line is in that preset, so nothing here moves it.
 */
function markerElement(document: Document, marker: BandMarker, silent = false): SVGGElement {
  const used = marker.from !== undefined;
  const group = svgElement(document, "g", {
    class: `band-marker ${used ? "used" : "handle"}${silent ? " silent" : ""}`,
    "data-slot": marker.slot,
    "data-key": marker.key,
    "data-frequency": marker.frequencyHz,
    ...(used
      ? { "data-from": marker.from! }
      : {
          tabindex: 0,
          role: "slider",
          "aria-label": `${marker.label}: drag to change ${hasGain(marker.slot) ? "frequency and gain" : "frequency"}; arrow keys too`,
          "aria-valuetext": `${displayFrequency(marker.frequencyHz)}, curve at ${displayGain(marker.levelDb)}`,
        }),
  });
  // A larger transparent circle: an easier target than the dot itself.
  if (!used) group.append(svgElement(document, "circle", { class: "grip", cx: marker.x, cy: marker.y, r: 11 }));
  group.append(svgElement(document, "circle", { cx: marker.x, cy: marker.y, r: used ? 3.5 : 5 }));
  const label = svgElement(document, "text", { x: marker.x, y: marker.y - 8, "text-anchor": "middle" });
  label.textContent = marker.label;
  const tooltip = svgElement(document, "title", {});
  const origin = used ? ` (from ${marker.from}: edit it in that preset)` : "";
  tooltip.textContent = `${marker.label} ${displayFrequency(marker.frequencyHz)}: curve at ${displayGain(marker.levelDb)}${origin}`;
  group.append(tooltip, label);
  return group;
}
