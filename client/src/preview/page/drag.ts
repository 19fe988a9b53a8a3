/**
 * Dragging a band's handle on the curve: horizontally its frequency (log scale), vertically its
 * gain (by as many dB as the pointer moved on the axis), Shift+drag vertically or the wheel its Q
 * (bells, added ones too, and notches: a shelf's Q is fixed, a pass filter's is its slope's). A
 * pass filter or notch has no gain: only its frequency moves. Arrow keys on a focused handle do the
 * same in small steps. Handles are told apart by their band key (data-key): a preset may hold many
 * added bells.
 *
 * While the pointer moves, `preview` gets the band's new values (the page redraws and the audio
 * follows); when it is released, `commit` gets them once: one drag is one edit of the document,
 * one undo step. The listeners sit on the curve's container, so they survive each redraw.
 */
import {
  clamp,
  GAIN_RANGE,
  hasGain,
  isPassFilter,
  NOTCH_Q_RANGE,
  Q_RANGE,
  slotFacts,
  type BandId,
} from "#core/eq/index.js";
import { dbAt, frequencyAt, HIGH_HZ, LOW_HZ, type CurveScale } from "./curve.js";
import type { PreviewBand } from "../protocol.js";

export interface DragCallbacks {
  /** The bands as drawn now (a drag starts from these). */
  bands(): readonly PreviewBand[];
  /** The scale of the curve as drawn now. */
  scale(): CurveScale | undefined;
  preview(band: PreviewBand): void;
  commit(band: PreviewBand): void;
}

/** How long after the last wheel step the new Q is committed (one edit for a whole turn). */
const WHEEL_COMMIT_MS = 400;
const Q_STEP = 1.12;

function clampBand(band: PreviewBand): PreviewBand {
  const slot = slotFacts(band.slot);
  return {
    ...band,
    frequencyHz: clamp(band.frequencyHz, {
      min: Math.max(LOW_HZ, slot.frequency.min),
      max: Math.min(HIGH_HZ, slot.frequency.max),
    }),
    gainDb: hasGain(band.slot) ? clamp(band.gainDb, GAIN_RANGE) : 0,
    q: hasQ(band.slot) ? clamp(band.q, band.slot === "notch" ? NOTCH_Q_RANGE : Q_RANGE) : band.q,
  };
}

/** Whether the wheel and Shift+drag change the band's Q: bells and notches. */
function hasQ(slot: BandId): boolean {
  return slotFacts(slot).hasQ && !isPassFilter(slot);
}

/** The point of a pointer event in the SVG's own coordinates (its viewBox). */
function svgPoint(
  container: HTMLElement,
  event: { clientX: number; clientY: number },
): { x: number; y: number } | undefined {
  const svg = container.querySelector("svg");
  const matrix = svg?.getScreenCTM();
  if (!svg || !matrix) return undefined;
  const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
  return { x: point.x, y: point.y };
}

function keyOf(target: EventTarget | null): string | undefined {
  const handle = target instanceof Element ? target.closest(".handle") : null;
  return handle?.getAttribute("data-key") ?? undefined;
}

export function attachDrag(container: HTMLElement, callbacks: DragCallbacks): void {
  let drag: { start: PreviewBand; x: number; y: number; pointer: number; last: PreviewBand } | undefined;
  let wheel: { band: PreviewBand; timer: ReturnType<typeof setTimeout> } | undefined;
  const bandOf = (key: string) => callbacks.bands().find((band) => band.key === key);

  container.addEventListener("pointerdown", (event) => {
    const key = keyOf(event.target);
    const band = key && bandOf(key);
    const point = svgPoint(container, event);
    if (!band || !point || event.button !== 0) return;
    event.preventDefault();
    container.setPointerCapture(event.pointerId);
    drag = { start: band, x: point.x, y: point.y, pointer: event.pointerId, last: band };
    container.classList.add("dragging");
  });

  container.addEventListener("pointermove", (event) => {
    const scale = callbacks.scale();
    const point = svgPoint(container, event);
    if (!drag || event.pointerId !== drag.pointer || !scale || !point) return;
    const { start } = drag;
    const ratio = frequencyAt(scale, point.x) / frequencyAt(scale, drag.x);
    const deltaDb = dbAt(scale, point.y) - dbAt(scale, drag.y);
    const moved =
      event.shiftKey && hasQ(start.slot)
        ? { ...start, q: start.q * Math.pow(Q_STEP, deltaDb) }
        : { ...start, frequencyHz: start.frequencyHz * ratio, gainDb: start.gainDb + deltaDb };
    drag.last = clampBand(moved);
    callbacks.preview(drag.last);
  });

  const end = (event: PointerEvent, commit: boolean) => {
    if (!drag || event.pointerId !== drag.pointer) return;
    const { last, start } = drag;
    drag = undefined;
    container.classList.remove("dragging");
    if (container.hasPointerCapture(event.pointerId)) container.releasePointerCapture(event.pointerId);
    const changed = last.frequencyHz !== start.frequencyHz || last.gainDb !== start.gainDb || last.q !== start.q;
    if (commit && changed) callbacks.commit(last);
    else if (changed) callbacks.preview(start);
  };
  container.addEventListener("pointerup", (event) => end(event, true));
  container.addEventListener("pointercancel", (event) => end(event, false));

  container.addEventListener(
    "wheel",
    (event) => {
      const key = keyOf(event.target);
      const band = key && (wheel?.band.key === key ? wheel.band : bandOf(key));
      if (!band || !hasQ(band.slot)) return;
      event.preventDefault();
      // Wheel up: narrower (higher Q), as on most EQ plug-ins.
      const next = clampBand({ ...band, q: band.q * (event.deltaY < 0 ? Q_STEP : 1 / Q_STEP) });
      if (wheel) clearTimeout(wheel.timer);
      wheel = {
        band: next,
        timer: setTimeout(() => {
          wheel = undefined;
          callbacks.commit(next);
        }, WHEEL_COMMIT_MS),
      };
      callbacks.preview(next);
    },
    { passive: false },
  );

  // Keyboard: ←/→ a twelfth of an octave, ↑/↓ half a dB, Shift+↑/↓ the Q; committed on key up.
  let keyed: PreviewBand | undefined;
  container.addEventListener("keydown", (event) => {
    const key = keyOf(event.target);
    const band = key && (keyed?.key === key ? keyed : bandOf(key));
    if (!band) return;
    const slot = band.slot;
    const step: Record<string, (b: PreviewBand) => PreviewBand> = {
      ArrowLeft: (b) => ({ ...b, frequencyHz: b.frequencyHz / Math.pow(2, 1 / 12) }),
      ArrowRight: (b) => ({ ...b, frequencyHz: b.frequencyHz * Math.pow(2, 1 / 12) }),
      ArrowUp: (b) => (event.shiftKey && hasQ(slot) ? { ...b, q: b.q * Q_STEP } : { ...b, gainDb: b.gainDb + 0.5 }),
      ArrowDown: (b) => (event.shiftKey && hasQ(slot) ? { ...b, q: b.q / Q_STEP } : { ...b, gainDb: b.gainDb - 0.5 }),
    };
    const move = step[event.key];
    if (!move) return;
    event.preventDefault();
    keyed = clampBand(move(band));
    callbacks.preview(keyed);
  });
  container.addEventListener("keyup", (event) => {
    if (!keyed || !event.key.startsWith("Arrow")) return;
    const band = keyed;
    keyed = undefined;
    callbacks.commit(band);
  });
}
