/**
 * The before/after picture of a changed preset: both curves on one axis, the old one dashed, the
 * new one solid, with the new version's band markers. It is the hover's picture (`curveSvg`: same
 * grid, labels, colours and size), drawn with an axis that fits both curves and the two curves put
 * where the hover has its one, so that a pull request shows the same picture people know.
 */
import { curveSvg, extremeIndices, SVG_FREQUENCY_RANGE, type CurveSvgOptions } from "../eq/index.js";
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
  const span = Math.max(extreme(before ? old : []), extreme(after ? now : []));
  // The hover's picture of the new bands, its axis fitted to ±span by a two-point stand-in curve, which is then replaced.
  const frame = curveSvg(
    after?.bands ?? [],
    {
      frequencies: Float64Array.of(SVG_FREQUENCY_RANGE.min, SVG_FREQUENCY_RANGE.max),
      responseDb: Float64Array.of(span, -span),
    },
    {
      width: options.width ?? 480,
      height: options.height ?? 200,
      title: options.title ?? "Before (dashed) and after (solid)",
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
  const path = (values: Float64Array, className: string, colour: string, dashed: boolean) => {
    const points = extremeIndices(values, options.points ?? 180)
      .filter((i) => Number.isFinite(values[i]!))
      .map((i) => `${round(x(frequencies[i]!))},${round(y(values[i]!))}`);
    return points.length > 1
      ? `<path class="${className}" d="M${points[0]}L${points.slice(1).join(" ")}" fill="none" stroke="${colour}" stroke-width="1.6" stroke-linejoin="round"${dashed ? ' stroke-dasharray="5 3"' : ""}/>`
      : "";
  };
  const legendY = round(y0 + 10);
  const legend =
    `<g class="legend" font-size="9">` +
    (before
      ? `<path d="M${round(x0 + width - 118)} ${round(y0 + 7)}h16" stroke="${BEFORE_COLOUR}" stroke-width="1.6" stroke-dasharray="5 3"/><text x="${round(x0 + width - 99)}" y="${legendY}" fill="${BEFORE_COLOUR}">before</text>`
      : "") +
    (after
      ? `<path d="M${round(x0 + width - 60)} ${round(y0 + 7)}h16" stroke="${AFTER_COLOUR}" stroke-width="1.6"/><text x="${round(x0 + width - 41)}" y="${legendY}" fill="${AFTER_COLOUR}">after</text>`
      : "") +
    `</g>`;
  const drawn =
    (before ? path(old, "curve-before", BEFORE_COLOUR, true) : "") +
    (after ? path(now, "curve-after", AFTER_COLOUR, false) : "") +
    legend;
  const replaced = frame.replace(/<path class="curve" [^>]*\/>/, drawn);
  if (replaced === frame) throw new Error("curveSvg no longer draws a path of class curve");
  return replaced;
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
