/**
 * The preset as a table: one row per band the EQ has (the used presets' first, marked with their
 * use line), then the output gain, the peak, the
 * suggested pre-gain and the A/B loudness match. Cells are filled with textContent only.
 */
import { DEFAULT_PASS_SLOPE, hasGain, headroomPeakDb, slotFacts } from "#core/eq/index.js";
import { displayFrequency, displayGain, displayQ } from "#core/language/index.js";
import type { FilterType, PreviewData } from "../protocol.js";

const FILTER_NAMES: Record<FilterType, string> = {
  lowshelf: "low shelf",
  peaking: "bell",
  highshelf: "high shelf",
  highpass: "high-pass",
  lowpass: "low-pass",
  notch: "notch",
};

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

/** Per-band listening by band key: which bands are bypassed, which one is soloed, and what a click asks for. */
export interface BandListening {
  bypassed: ReadonlySet<string>;
  solo: string | null;
  toggleBypass(key: string): void;
  toggleSolo(key: string): void;
}

/** A band's name in the table: SAFE's slot ("Bell 2"), or the filter with its slope ("24 dB/oct high-pass"). */
function bandName(band: PreviewData["bands"][number]): string {
  if (band.slot === "highpass" || band.slot === "lowpass") {
    const slope = band.slopeDbPerOctave ?? DEFAULT_PASS_SLOPE;
    return `${slotFacts(band.slot).label} ${slope} dB/oct`;
  }
  return band.slot === "bell" ? "Added bell" : slotFacts(band.slot).label;
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
      // Shelves: SAFE's fixed Q, which Web Audio's shelves cannot take (they use slope 1, Q ≈ 0.707).
      const q = slotFacts(band.slot).hasQ ? displayQ(band.q) : `${displayQ(band.q)} (fixed)`;
      const label = bandName(band);
      // A used preset's band says where it comes from: its line is there, not in this preset.
      const name = band.from !== undefined ? `${label} (from ${band.from})` : label;
      // Band, listening, then the numbers: the filter type is in the band's name (a narrow panel
      // has room for five columns, and the buttons are what the hand goes to).
      const tr = row(
        document,
        [name, "", displayFrequency(band.frequencyHz), hasGain(band.slot) ? displayGain(band.gainDb) : "—", q],
        true,
      );
      tr.dataset["slot"] = band.slot;
      tr.dataset["key"] = band.key;
      tr.dataset["filter"] = FILTER_NAMES[band.type];
      if (band.from !== undefined) {
        tr.dataset["from"] = band.from;
        tr.className = "used";
      }
      const cell = tr.cells[1]!;
      if (listening) {
        cell.append(
          toggle(document, "Bypass", listening.bypassed.has(band.key), `Hear the preset without ${label}`, () =>
            listening.toggleBypass(band.key),
          ),
          toggle(document, "Solo", listening.solo === band.key, `Hear ${label} alone (the other bands bypassed)`, () =>
            listening.toggleSolo(band.key),
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
