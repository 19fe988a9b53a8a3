/**
 * The one dB-axis rule of every picture of a curve: the hover's SVG (svg.ts), `eqp render` and the
 * preview panel's page all ask it, so the same preset is drawn with the same axis and looks equally
 * steep everywhere. The axis is symmetric around 0 dB, never narrower than ±12 dB (SAFE's gain range:
 * a gentle preset stays gentle-looking), and holds the curve and every band's gain.
 */

/** The dB axis never shows less than ±12 dB, the SAFE plug-in's gain range. */
export const MIN_DB_RANGE = 12;
/**
 * The dB axis never shows more than ±96 dB either: beyond that a picture says nothing more, and planning an axis for a typed
 * 1e20 dB once looped for ever (values beyond the axis are drawn at its edge).
 */
export const MAX_DB_RANGE = 96;

/** The symmetric half-range of the dB axis and its label step for curves and gains up to `extremeDb`. */
export function dbAxis(extremeDb: number): { range: number; step: number } {
  const need = Number.isFinite(extremeDb) ? Math.min(Math.abs(extremeDb), MAX_DB_RANGE) : 0;
  const step = need <= 24 ? 6 : need <= 48 ? 12 : 24;
  return { range: Math.max(MIN_DB_RANGE, Math.ceil(need / step) * step), step };
}

/** The largest |level| the axis must hold: every finite point of the curves and every band's gain. */
export function extremeDb(curves: readonly ArrayLike<number>[], gains: readonly number[] = []): number {
  let extreme = 0;
  for (const curve of curves)
    for (let i = 0; i < curve.length; i++)
      if (Number.isFinite(curve[i]!)) extreme = Math.max(extreme, Math.abs(curve[i]!));
  for (const gain of gains) if (Number.isFinite(gain)) extreme = Math.max(extreme, Math.abs(gain));
  return extreme;
}

/** The axis of a picture of `curves` with bands of `gains`: what the hover and the panel both draw. */
export function curveDbAxis(
  curves: readonly ArrayLike<number>[],
  gains: readonly number[] = [],
): { range: number; step: number } {
  return dbAxis(extremeDb(curves, gains));
}
