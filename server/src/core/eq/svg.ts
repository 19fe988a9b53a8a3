/**
 * A preset's frequency response as a small, self-contained SVG: a log-frequency axis from 20 Hz to
 * 20 kHz, a symmetric dB axis, the combined curve and a marker per band. Hover-sized by default; it
 * carries its own background so that it reads on light and dark editor themes alike, and nothing
 * external (no fonts, no links), so that it works as a `data:` image.
 */
import { ABSURD_GAIN_DB, slotFacts, type BandId, type EqBand } from "./bands.js";
import { isPassFilter } from "./filters.js";
import { analyseCurve, type CurveAnalysis } from "./analysis.js";
import { curveDbAxis } from "./axis.js";
import { sourceText } from "../language/index.js";

export interface CurveSvgOptions {
  width?: number;
  height?: number;
  /** The band whose marker stands out (the band under the cursor). */
  highlight?: BandId;
  /** Accessible title, for example the preset's name. */
  title?: string;
  /** Points of the drawn curve; the analysis is reduced to about this many. */
  points?: number;
}

/** The fixed frequency span of the picture: the audible range, whatever the sample rate. */
export const SVG_FREQUENCY_RANGE = { min: 20, max: 20000 } as const;
const COLOURS = {
  background: "#1e2330",
  frame: "#4a5262",
  minorGrid: "#2a303d",
  majorGrid: "#3b4352",
  label: "#9aa5b4",
  zero: "#7d8797",
  curve: "#4fc3f7",
  marker: "#ffb74d",
  highlight: "#ff5a5f",
  markerText: "#e6ebf2",
};

const MARGIN = { left: 28, right: 8, top: 8, bottom: 16 };

/** Bands the picture can draw: finite, within ±48 dB, positive and below Nyquist (the diagnostics report the rest). */
export function drawableBands(bands: readonly EqBand[], sampleRate: number): EqBand[] {
  return bands.filter(
    (band) =>
      Number.isFinite(band.gainDb) &&
      Math.abs(band.gainDb) <= ABSURD_GAIN_DB &&
      Number.isFinite(band.frequencyHz) &&
      band.frequencyHz > 0 &&
      band.frequencyHz < sampleRate / 2 &&
      Number.isFinite(band.q) &&
      band.q > 0,
  );
}

/**
 * Text for SVG content and attribute values. XML 1.0 forbids most control characters even as
 * references (a name holding one made the file unreadable): they are shown as their pictures, and
 * a lone surrogate half, which no encoder can write, as U+FFFD.
 */
export function escapeXml(text: string): string {
  return sourceText(text)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g, "\ufffd")
    .replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Coordinates to 0.1 px: a tenth of a pixel is invisible and keeps the picture small. */
function coordinate(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function signed(db: number): string {
  return db > 0 ? `+${db}` : db < 0 ? `−${-db}` : "0";
}

function frequencyLabel(hz: number): string {
  return hz >= 1000 ? `${hz / 1000}k` : String(hz);
}

/**
 * Indices that keep the curve's shape when drawn with fewer points: in each bucket of the grid, the
 * point farthest from 0 dB, so that a narrow bell's peak is never skipped.
 */
export function extremeIndices(values: ArrayLike<number>, count: number): number[] {
  const n = values.length;
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  const indices = [0];
  for (let bucket = 0; bucket < count; bucket++) {
    const start = Math.max(1, Math.floor((bucket * n) / count));
    const end = Math.min(n - 1, Math.floor(((bucket + 1) * n) / count));
    let best = start;
    for (let i = start + 1; i < end; i++) if (Math.abs(values[i]!) > Math.abs(values[best]!)) best = i;
    if (start < end) indices.push(best);
  }
  indices.push(n - 1);
  return indices;
}

export function curveSvg(
  bands: readonly EqBand[],
  analysis: Pick<CurveAnalysis, "frequencies" | "responseDb">,
  options: CurveSvgOptions = {},
): string {
  const width = options.width ?? 360;
  const height = options.height ?? 160;
  const plot = {
    x: MARGIN.left,
    y: MARGIN.top,
    width: width - MARGIN.left - MARGIN.right,
    height: height - MARGIN.top - MARGIN.bottom,
  };
  const span = Math.log(SVG_FREQUENCY_RANGE.max / SVG_FREQUENCY_RANGE.min);
  const x = (hz: number) => {
    const clamped = Math.min(SVG_FREQUENCY_RANGE.max, Math.max(SVG_FREQUENCY_RANGE.min, hz));
    return plot.x + (plot.width * Math.log(clamped / SVG_FREQUENCY_RANGE.min)) / span;
  };
  const axis = curveDbAxis(
    [analysis.responseDb],
    bands.map((band) => band.gainDb),
  );
  const y = (db: number) =>
    plot.y + (plot.height * (axis.range - Math.min(axis.range, Math.max(-axis.range, db)))) / (2 * axis.range);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="9">`,
    `<title>${escapeXml(options.title ?? "Frequency response")}</title>`,
    `<rect width="${width}" height="${height}" fill="${COLOURS.background}"/>`,
  ];

  // Grid: every 1-2-…-9 multiple of each decade faint, the decades themselves brighter.
  const minor: string[] = [];
  const major: string[] = [];
  for (let decade = 10; decade <= 10000; decade *= 10) {
    for (let multiple = 1; multiple <= 9; multiple++) {
      const hz = decade * multiple;
      if (hz <= SVG_FREQUENCY_RANGE.min || hz >= SVG_FREQUENCY_RANGE.max) continue;
      (multiple === 1 ? major : minor).push(`M${coordinate(x(hz))} ${plot.y}v${plot.height}`);
    }
  }
  const dbLines: string[] = [];
  for (let db = -axis.range + axis.step; db < axis.range; db += axis.step)
    if (db !== 0) dbLines.push(`M${plot.x} ${coordinate(y(db))}h${plot.width}`);
  parts.push(`<path class="grid-minor" d="${minor.join("")}" stroke="${COLOURS.minorGrid}"/>`);
  parts.push(`<path class="grid" d="${[...major, ...dbLines].join("")}" stroke="${COLOURS.majorGrid}"/>`);

  // Labels: frequencies under the plot, dB to its left.
  const labels: string[] = [];
  const labelY = coordinate(plot.y + plot.height + 11);
  for (const hz of [20, 100, 1000, 10000, 20000]) {
    const anchor = hz === SVG_FREQUENCY_RANGE.min ? "start" : hz === SVG_FREQUENCY_RANGE.max ? "end" : "middle";
    labels.push(
      `<text class="frequency-label" x="${coordinate(x(hz))}" y="${labelY}" text-anchor="${anchor}">${frequencyLabel(hz)}</text>`,
    );
  }
  for (let db = -axis.range; db <= axis.range; db += axis.step) {
    labels.push(
      `<text class="db-label" x="${plot.x - 3}" y="${coordinate(y(db) + 3)}" text-anchor="end">${signed(db)}</text>`,
    );
  }
  parts.push(`<g fill="${COLOURS.label}">${labels.join("")}</g>`);

  parts.push(`<path class="zero" d="M${plot.x} ${coordinate(y(0))}h${plot.width}" stroke="${COLOURS.zero}"/>`);
  parts.push(
    `<rect class="plot" x="${plot.x}" y="${plot.y}" width="${plot.width}" height="${plot.height}" fill="none" stroke="${COLOURS.frame}" data-db-range="${axis.range}"/>`,
  );

  const points = extremeIndices(analysis.responseDb, options.points ?? 180)
    .filter((i) => Number.isFinite(analysis.responseDb[i]!))
    .map((i) => `${coordinate(x(analysis.frequencies[i]!))},${coordinate(y(analysis.responseDb[i]!))}`);
  if (points.length > 1) {
    parts.push(
      `<path class="curve" d="M${points[0]}L${points.slice(1).join(" ")}" fill="none" stroke="${COLOURS.curve}" stroke-width="1.6" stroke-linejoin="round"/>`,
    );
  }

  // Markers last, so they sit on top of the curve; the highlighted one last of all.
  const ordered = [...bands].sort(
    (a, b) => Number(a.slot === options.highlight) - Number(b.slot === options.highlight),
  );
  for (const band of ordered) {
    const slot = slotFacts(band.slot);
    const highlighted = band.slot === options.highlight;
    const cx = x(band.frequencyHz);
    // A pass filter's marker sits at its corner, 3 dB down; a notch's at its frequency on the 0 dB line.
    const cy = y(isPassFilter(band.slot) ? -3 : band.gainDb);
    const textY = band.gainDb >= 0 ? Math.max(9, cy - 6) : Math.min(height - 2, cy + 12);
    parts.push(
      `<g class="band-marker${highlighted ? " highlight" : ""}" data-slot="${band.slot}">` +
        `<circle cx="${coordinate(cx)}" cy="${coordinate(cy)}" r="${highlighted ? 5 : 3.5}" fill="${highlighted ? COLOURS.highlight : COLOURS.marker}" stroke="${highlighted ? COLOURS.markerText : COLOURS.background}"/>` +
        `<text x="${coordinate(cx)}" y="${coordinate(textY)}" text-anchor="middle" fill="${COLOURS.markerText}"${highlighted ? ' font-weight="bold"' : ""}>${escapeXml(slot.short)}</text>` +
        `</g>`,
    );
  }
  parts.push("</svg>");
  return parts.join("");
}

export interface RenderedCurve {
  /** The bands drawn: the drawable ones of those given. */
  bands: EqBand[];
  analysis: CurveAnalysis;
  svg: string;
}

/** Analyses the drawable bands at the sample rate and draws them: what the editor and `eqp render` show. */
export function renderCurve(
  bands: readonly EqBand[],
  sampleRate: number,
  outputGainDb = 0,
  options: CurveSvgOptions = {},
): RenderedCurve {
  const drawn = drawableBands(bands, sampleRate);
  // An absurd trim (an error in the file) would only squash the picture: draw without it.
  const analysis = analyseCurve(
    drawn,
    sampleRate,
    Number.isFinite(outputGainDb) && Math.abs(outputGainDb) <= ABSURD_GAIN_DB ? outputGainDb : 0,
  );
  return { bands: drawn, analysis, svg: curveSvg(drawn, analysis, options) };
}
