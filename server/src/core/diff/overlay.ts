/**
 * The before/after picture of a changed preset: both curves on one axis, the old one dashed, the
 * new one solid, with the new version's band markers. It is the hover's picture (`curveSvg`: same
 * grid, labels, colours and size), drawn with an axis that fits both curves and the two curves put
 * where the hover has its one, so that a pull request shows the same picture people know.
 */
import {
  curveSvg,
  escapeXml,
  extremeIndices,
  SVG_FREQUENCY_RANGE,
  type CurveSvgOptions,
  type EqBand,
} from "../eq/index.js";
import { curves, presetName, type PresetDiff, type PresetState } from "./compare.js";

const BEFORE_COLOUR = "#c792ea";
const AFTER_COLOUR = "#4fc3f7";

export interface OverlayOptions extends Pick<CurveSvgOptions, "width" | "height" | "points"> {
  title?: string;
}

function extreme(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) max = Math.max(max, Math.abs(values[i]!));
  return max;
}

/** One curve of a picture with several: its values on the shared grid, and how it is drawn and named. */
export interface DrawnCurve {
  values: Float64Array;
  className: string;
  colour: string;
  dashed: boolean;
  label: string;
}

/**
 * Several curves on one grid in the hover's picture (`curveSvg`), its axis fitted to all of them,
 * with a legend and the given band markers. Throws nothing; values beyond ±96 dB sit at the edge.
 */
export function curvesSvg(
  frequencies: Float64Array,
  drawn: readonly DrawnCurve[],
  bands: readonly EqBand[],
  options: OverlayOptions = {},
): string {
  const span = Math.max(0, ...drawn.map((curve) => extreme(curve.values)));
  // The hover's picture of the bands, its axis fitted to ±span by a two-point stand-in curve, which is then replaced.
  const frame = curveSvg(
    bands,
    {
      frequencies: Float64Array.of(SVG_FREQUENCY_RANGE.min, SVG_FREQUENCY_RANGE.max),
      responseDb: Float64Array.of(span, -span),
    },
    {
      width: options.width ?? 480,
      height: options.height ?? 200,
      title: options.title ?? drawn.map((curve) => curve.label).join(", "),
    },
  );
  const plot =
    /<rect class="plot" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"[^>]*data-db-range="([\d.]+)"/.exec(
      frame,
    );
  if (!plot) throw new Error("curveSvg no longer draws a plot rectangle with data-db-range");
  const [x0, y0, width, height, range] = plot.slice(1).map(Number) as [number, number, number, number, number];
  const logSpan = Math.log(SVG_FREQUENCY_RANGE.max / SVG_FREQUENCY_RANGE.min);
  const x = (hz: number) =>
    x0 +
    (width *
      Math.log(Math.min(SVG_FREQUENCY_RANGE.max, Math.max(SVG_FREQUENCY_RANGE.min, hz)) / SVG_FREQUENCY_RANGE.min)) /
      logSpan;
  const y = (db: number) => y0 + (height * (range - Math.min(range, Math.max(-range, db)))) / (2 * range);
  const round = (value: number) => String(Math.round(value * 10) / 10);
  const path = ({ values, className, colour, dashed }: DrawnCurve) => {
    const points = extremeIndices(values, options.points ?? 180)
      .filter((i) => Number.isFinite(values[i]!))
      .map((i) => `${round(x(frequencies[i]!))},${round(y(values[i]!))}`);
    return points.length > 1
      ? `<path class="${className}" d="M${points[0]}L${points.slice(1).join(" ")}" fill="none" stroke="${colour}" stroke-width="1.6" stroke-linejoin="round"${dashed ? ' stroke-dasharray="5 3"' : ""}/>`
      : "";
  };
  const legendY = round(y0 + 10);
  // Right-aligned entries, the last curve rightmost; 58 px each fits a word of about ten letters.
  const legend =
    `<g class="legend" font-size="9">` +
    drawn
      .map((curve, index) => {
        const left = x0 + width - 58 * (drawn.length - index) - 2;
        return (
          `<path d="M${round(left)} ${round(y0 + 7)}h16" stroke="${curve.colour}" stroke-width="1.6"${curve.dashed ? ' stroke-dasharray="5 3"' : ""}/>` +
          `<text x="${round(left + 19)}" y="${legendY}" fill="${curve.colour}">${escapeXml(curve.label)}</text>`
        );
      })
      .join("") +
    `</g>`;
  const replaced = frame.replace(/<path class="curve" [^>]*\/>/, drawn.map(path).join("") + legend);
  if (replaced === frame) throw new Error("curveSvg no longer draws a path of class curve");
  return replaced;
}

/**
 * Draws the before and after states of a preset (either may be missing: an added or removed one).
 * Throws nothing; bands the picture cannot draw are left out as in the hover.
 */
export function overlaySvg(
  before: PresetState | undefined,
  after: PresetState | undefined,
  options: OverlayOptions = {},
): string {
  const one = (before ?? after)!;
  const { frequencies, before: old, after: now } = curves(before ?? one, after ?? one);
  const drawn: DrawnCurve[] = [];
  if (before)
    drawn.push({ values: old, className: "curve-before", colour: BEFORE_COLOUR, dashed: true, label: "before" });
  if (after) drawn.push({ values: now, className: "curve-after", colour: AFTER_COLOUR, dashed: false, label: "after" });
  return curvesSvg(frequencies, drawn, after?.bands ?? [], {
    ...options,
    title: options.title ?? "Before (dashed) and after (solid)",
  });
}

/** The overlay of one preset's diff, titled with its name and what happened to it. */
export function presetDiffSvg(diff: PresetDiff, options: OverlayOptions = {}): string {
  const title =
    diff.kind === "renamed"
      ? `${presetName(diff.previousName)} → ${presetName(diff.name)}`
      : `${presetName(diff.name)} ${diff.kind}`;
  // curveSvg escapes the title itself.
  return overlaySvg(diff.before, diff.after, { ...options, title: options.title ?? title });
}
