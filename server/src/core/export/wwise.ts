/**
 * Wwise's Parametric EQ effect (plug-in ID 105): three bands only, each with a filter type, gain
 * (±24 dB), frequency (20–20000 Hz) and Q factor (0.5–100), and an output level (±24 dB); the
 * properties are named as WAAPI names them (FilterTypeBand1, GainBand1, FrequencyBand1,
 * QFactorBand1, OnOffBand1, …, OutputLevel). Filter type values: 4 low shelf, 5 high shelf,
 * 6 peaking. Its shelves ignore the Q factor (the plug-in's published source uses a fixed slope
 * S = 1, Q ≈ 0.707).
 *
 * A SAFE preset has up to five bands. The first instance carries the three that leave the smallest
 * error; when more are set, the warning says which were left out and what that costs, and a second
 * Parametric EQ (for the next effect slot) carries the rest, so that both together play the preset.
 *
 * A high- or low-pass runs as Wwise's low-pass (0) and high-pass (1) types, one per Butterworth
 * section, taken to be the cookbook's with the Q factor (assumed, as for FMOD); a notch as its
 * notch type (3). Wwise has no first-order type: a 6 dB/oct part is fitted as a 12 dB/oct section.
 * A filter of several sections takes several bands, spilling into further instances as needed.
 */
import { SHELF_Q, slotFacts } from "../eq/index.js";
import {
  assessRealisation,
  AUDIBLE_ERROR_DB,
  bandSummary,
  describeDeviation,
  isGainless,
  NEGLIGIBLE_ERROR_DB,
  realisationDeviation,
  realiseWithin,
  slopeOneShelves,
  type Realisation,
  type RealisedBand,
  type TargetFilter,
  type TargetKind,
  type TargetLimits,
} from "./fidelity.js";
import type { ConcretePreset, ExportContext, ExportedPreset, ExportWarning } from "./types.js";
import { writtenFrequency, writtenGain, writtenQ } from "./written.js";
import { GENERATOR_ID } from "./version.js";

export const WWISE_BANDS = 3;
export const WWISE_FILTER_TYPES: Partial<Record<TargetKind, number>> = {
  lowpass: 0,
  highpass: 1,
  notch: 3,
  lowshelf: 4,
  highshelf: 5,
  peaking: 6,
};
export const WWISE_LIMITS: TargetLimits = {
  gain: { min: -24, max: 24 },
  frequency: { min: 20, max: 20000 },
  q: { min: 0.5, max: 100 },
  ...slopeOneShelves("Wwise's shelves ignore the Q factor"),
  outputGain: { min: -24, max: 24 },
  gainlessKinds: ["highpass", "lowpass", "notch"],
};

function combinations<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  if (items.length < size) return [];
  const [first, ...rest] = items as [T, ...T[]];
  return [...combinations(rest, size - 1).map((combination) => [first, ...combination]), ...combinations(rest, size)];
}

/** The realisation of one instance holding only `kept` (the others dropped). */
function withOnly(realisation: Realisation, kept: readonly RealisedBand[]): Realisation {
  return {
    ...realisation,
    bands: realisation.bands.map((realised) =>
      kept.includes(realised)
        ? realised
        : {
            band: realised.band,
            filters: [],
            changes: [`left out: Wwise's Parametric EQ has ${WWISE_BANDS} bands`],
          },
    ),
  };
}

/** Whether a band does something: a shelf or bell with a gain, any pass filter or notch. */
function isActive(realised: RealisedBand): boolean {
  return realised.band.gainDb !== 0 || realised.filters.some((filter) => isGainless(filter.kind));
}

const sectionCount = (bands: readonly RealisedBand[]) => bands.reduce((sum, band) => sum + band.filters.length, 0);

/**
 * The bands of the first instance: of the sets of bands that do something and fill the most of its
 * three slots, the one with the smallest error.
 */
export function chooseWwiseBands(preset: ConcretePreset, realisation: Realisation): RealisedBand[] {
  const active = realisation.bands.filter(isActive);
  if (sectionCount(active) <= WWISE_BANDS) return active;
  const fitting = [1, 2, 3].flatMap((size) =>
    combinations(active, size).filter((candidate) => sectionCount(candidate) <= WWISE_BANDS),
  );
  const most = Math.max(...fitting.map(sectionCount));
  let best: RealisedBand[] = [];
  let bestError = Infinity;
  for (const candidate of fitting.filter((bands) => sectionCount(bands) === most)) {
    const error = realisationDeviation(preset, withOnly(realisation, candidate)).errorDb;
    if (error < bestError - 1e-12) {
      best = candidate;
      bestError = error;
    }
  }
  return best;
}

function instanceProperties(filters: readonly TargetFilter[], outputLevelDb: number): Record<string, number | boolean> {
  const properties: Record<string, number | boolean> = {};
  for (let index = 0; index < WWISE_BANDS; index++) {
    const n = index + 1;
    const filter = filters[index];
    const type = filter && WWISE_FILTER_TYPES[filter.kind];
    if (!filter || type === undefined) {
      properties[`OnOffBand${n}`] = false;
      continue;
    }
    const shelf = filter.kind === "lowshelf" || filter.kind === "highshelf";
    properties[`FilterTypeBand${n}`] = type;
    properties[`GainBand${n}`] = writtenGain(filter.gainDb);
    properties[`FrequencyBand${n}`] = writtenFrequency(filter.frequencyHz);
    properties[`QFactorBand${n}`] = shelf ? SHELF_Q : writtenQ(filter.q);
    properties[`OnOffBand${n}`] = true;
  }
  properties.OutputLevel = writtenGain(outputLevelDb);
  return properties;
}

const FILTER_TYPE_NAMES: Record<number, string> = {
  0: "Low Pass",
  1: "High Pass",
  3: "Notch",
  4: "Low Shelf",
  5: "High Shelf",
  6: "Peaking EQ",
};

/** The names of the filter types the file uses: the shelves and peaking always, the others when present. */
function filterTypeNames(realisation: Realisation): Record<string, string> {
  const used = new Set([4, 5, 6]);
  for (const realised of realisation.bands)
    for (const filter of realised.filters) used.add(WWISE_FILTER_TYPES[filter.kind] ?? 6);
  return Object.fromEntries([...used].sort().map((type) => [String(type), FILTER_TYPE_NAMES[type]!]));
}

interface LabelledSection {
  filter: TargetFilter;
  label: string;
}

/** Bands' sections in instances of three bands each (a cascade may span two); none for no bands. */
function instanceSections(bands: readonly RealisedBand[]): LabelledSection[][] {
  const sections = bands.flatMap((realised) =>
    realised.filters.map((filter) => ({ filter, label: slotFacts(realised.band.slot).label })),
  );
  const instances: LabelledSection[][] = [];
  for (let start = 0; start < sections.length; start += WWISE_BANDS)
    instances.push(sections.slice(start, start + WWISE_BANDS));
  return instances;
}

const instanceCount = (bands: readonly RealisedBand[]) => Math.ceil(sectionCount(bands) / WWISE_BANDS);

/** The Parametric EQ instances' properties, as the export writes them, and the warnings. */
export function wwiseDocument(preset: ConcretePreset, context: ExportContext = {}) {
  const realisation = realiseWithin(preset, "Wwise", WWISE_LIMITS);
  const first = chooseWwiseBands(preset, realisation);
  const rest = realisation.bands.filter((realised) => !first.includes(realised) && isActive(realised));
  const single = withOnly(realisation, first);
  // The per-band changes (clamps, shelf Q) are reported for all bands; leaving bands out once, for the instance as a whole.
  const warnings: ExportWarning[] = assessRealisation("wwise", preset, realisation);
  if (rest.length > 0) {
    const deviation = realisationDeviation(preset, single);
    if (deviation.errorDb >= NEGLIGIBLE_ERROR_DB) {
      const left = rest
        .map((realised) => `${slotFacts(realised.band.slot).label} (${bandSummary(realised.band)})`)
        .join(", ");
      warnings.push({
        format: "wwise",
        preset: preset.name,
        severity: deviation.errorDb >= AUDIBLE_ERROR_DB ? "warning" : "note",
        message: `Wwise's Parametric EQ has ${WWISE_BANDS} bands and this preset sets ${sectionCount(first) + sectionCount(rest)}: one instance leaves out ${left}, ${describeDeviation(deviation)}; ${instanceCount(rest) > 1 ? "the further instances in the file carry them (put them in the next effect slots)" : "the second instance in the file carries them (put it in the next effect slot)"}`,
        errorDb: deviation.errorDb,
        atFrequencyHz: deviation.atFrequencyHz,
      });
    }
  }
  const ordered = (bands: readonly RealisedBand[]) => realisation.bands.filter((realised) => bands.includes(realised));
  const firstInstances = instanceSections(ordered(first));
  // The first instance carries the output level even when it has no band to play.
  const effects = [...(firstInstances.length > 0 ? firstInstances : [[]]), ...instanceSections(ordered(rest))].map(
    (sections, index) => ({
      bands: [...new Set(sections.map((section) => section.label))],
      properties: instanceProperties(
        sections.map((section) => section.filter),
        index === 0 ? realisation.outputGainDb : 0,
      ),
    }),
  );
  const document = {
    generator: GENERATOR_ID,
    target: "Wwise Parametric EQ (plug-in ID 105), properties as named by WAAPI",
    preset: preset.name ?? null,
    ...(context.sourceName !== undefined ? { source: context.sourceName } : {}),
    filterTypes: filterTypeNames(realisation),
    effects,
    warnings: warnings.map((warning) => `${warning.severity}: ${warning.message}`),
  };
  return { document, warnings };
}

export type WwiseDocument = ReturnType<typeof wwiseDocument>["document"];

export function exportWwise(preset: ConcretePreset, context: ExportContext = {}): ExportedPreset {
  const { document, warnings } = wwiseDocument(preset, context);
  return { format: "wwise", preset, text: `${JSON.stringify(document, null, 2)}\n`, warnings };
}
