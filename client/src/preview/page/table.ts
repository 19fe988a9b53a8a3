/**
 * The preset as a table: one row per band the EQ has, then the output gain, the peak, the
 * suggested pre-gain and the A/B loudness match. Cells are filled with textContent only.
 */
import { headroomPeakDb, SLOTS, type SlotId } from "#core/eq/index.js";
import { displayFrequency, displayGain, displayQ } from "#core/language/index.js";
import type { FilterType, PreviewData } from "../protocol.js";

const FILTER_NAMES: Record<FilterType, string> = { lowshelf: "low shelf", peaking: "bell", highshelf: "high shelf" };

function row(document: Document, cells: readonly string[], header = false): HTMLTableRowElement {
  const tr = document.createElement("tr");
  cells.forEach((text, index) => {
    const cell = document.createElement(header && index === 0 ? "th" : "td");
    if (header && index === 0) cell.setAttribute("scope", "row");
    cell.textContent = text;
    tr.append(cell);
  });
  return tr;
}

/** Per-band listening: which bands are bypassed, which one is soloed, and what a click asks for. */
export interface BandListening {
  bypassed: ReadonlySet<SlotId>;
  solo: SlotId | null;
  toggleBypass(slot: SlotId): void;
  toggleSolo(slot: SlotId): void;
}

function toggle(
  document: Document,
  text: string,
  pressed: boolean,
  title: string,
  onClick: () => void,
): HTMLButtonElement {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "band-toggle";
  button.textContent = text;
  button.title = title;
  button.setAttribute("aria-pressed", String(pressed));
  button.addEventListener("click", onClick);
  return button;
}

export function renderBandTable(
  table: HTMLTableElement,
  data: PreviewData,
  matchGainDb: number,
  listening?: BandListening,
): void {
  const document = table.ownerDocument;
  const body = table.tBodies[0] ?? table.createTBody();
  const foot = table.tFoot ?? table.createTFoot();
  body.replaceChildren(
    ...data.bands.map((band) => {
      const slot = SLOTS.find((candidate) => candidate.id === band.slot);
      // Shelves: SAFE's fixed Q, which Web Audio's shelves cannot take (they use slope 1, Q ≈ 0.707).
      const q = slot?.hasQ === false ? `${displayQ(band.q)} (fixed)` : displayQ(band.q);
      // Band, listening, then the numbers: the filter type is in the band's name (a narrow panel
      // has room for five columns, and the buttons are what the hand goes to).
      const tr = row(
        document,
        [slot?.label ?? band.slot, "", displayFrequency(band.frequencyHz), displayGain(band.gainDb), q],
        true,
      );
      tr.dataset["slot"] = band.slot;
      tr.dataset["filter"] = FILTER_NAMES[band.type];
      const cell = tr.cells[1]!;
      if (listening) {
        const label = slot?.label ?? band.slot;
        cell.append(
          toggle(document, "Bypass", listening.bypassed.has(band.slot), `Hear the preset without ${label}`, () =>
            listening.toggleBypass(band.slot),
          ),
          toggle(document, "Solo", listening.solo === band.slot, `Hear ${label} alone (the other bands bypassed)`, () =>
            listening.toggleSolo(band.slot),
          ),
        );
      }
      return tr;
    }),
  );
  if (data.bands.length === 0) body.append(row(document, ["No bands", "", "", "", ""], true));
  foot.replaceChildren(
    row(document, ["Output gain", "", "", displayGain(data.outputGainDb), ""], true),
    // Rounded up as the pre-gain is, so the two read the same (core/eq/analysis.ts).
    row(document, ["Peak (with output gain)", "", "", displayGain(headroomPeakDb(data.peakDb)), ""], true),
    row(document, ["Suggested pre-gain", "", "", displayGain(data.suggestedPreGainDb), ""], true),
    row(document, ["A/B loudness match", "", "", displayGain(matchGainDb), ""], true),
  );
}
