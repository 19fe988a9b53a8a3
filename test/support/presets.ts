/** Presets several tests measure, as concrete bands. */
import type { EqBand } from "../../server/src/core/index.js";

/** "VO clean" of samples/dialogue.eqp: all five slots, cuts and boosts, a narrow bell. A fresh copy each call. */
export function voCleanBands(): EqBand[] {
  return [
    { slot: "lowShelf", frequencyHz: 120, gainDb: -4, q: 0.71 },
    { slot: "bell1", frequencyHz: 300, gainDb: -2, q: 1.4 },
    { slot: "bell2", frequencyHz: 3000, gainDb: 2.5, q: 1 },
    { slot: "bell3", frequencyHz: 6500, gainDb: -3, q: 4 },
    { slot: "highShelf", frequencyHz: 12000, gainDb: 1.5, q: 0.71 },
  ];
}
