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
 */
import { SHELF_Q, slotFacts } from "../eq/index.js";
import { filterKindOf, type FilterKind } from "../eq/index.js";
import {
  assessRealisation,
  AUDIBLE_ERROR_DB,
  bandSummary,
  describeDeviation,
  NEGLIGIBLE_ERROR_DB,
  realisationDeviation,
  realiseWithin,
  slopeOneShelves,
  type Realisation,
  type RealisedBand,
  type TargetLimits,
} from "./fidelity.js";
import type { ConcretePreset, ExportContext, ExportedPreset, ExportWarning } from "./types.js";
import { writtenFrequency, writtenGain, writtenQ } from "./written.js";

export const WWISE_BANDS = 3;
export const WWISE_FILTER_TYPES: Record<FilterKind, number> = { lowshelf: 4, highshelf: 5, peaking: 6 };
export const WWISE_LIMITS: TargetLimits = {
  gain: { min: -24, max: 24 },
  frequency: { min: 20, max: 20000 },
  q: { min: 0.5, max: 100 },
  ...slopeOneShelves("Wwise's shelves ignore the Q factor"),
  outputGain: { min: -24, max: 24 },
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
            filter: undefined,
            changes: [`left out: Wwise's Parametric EQ has ${WWISE_BANDS} bands`],
          },
    ),
  };
}

/** The bands of the first instance: of those that do something, the three with the smallest error. */
export function chooseWwiseBands(preset: ConcretePreset, realisation: Realisation): RealisedBand[] {
  const active = realisation.bands.filter((realised) => realised.band.gainDb !== 0);
  if (active.length <= WWISE_BANDS) return active;
  let best = active.slice(0, WWISE_BANDS);
  let bestError = Infinity;
  for (const candidate of combinations(active, WWISE_BANDS)) {
    const error = realisationDeviation(preset, withOnly(realisation, candidate)).errorDb;
    if (error < bestError - 1e-12) {
      best = candidate;
      bestError = error;
    }
  }
  return best;
}

function instanceProperties(bands: readonly RealisedBand[], outputLevelDb: number): Record<string, number | boolean> {
  const properties: Record<string, number | boolean> = {};
  for (let index = 0; index < WWISE_BANDS; index++) {
    const n = index + 1;
    const realised = bands[index];
    const filter = realised?.filter;
    if (!realised || !filter) {
      properties[`OnOffBand${n}`] = false;
      continue;
    }
    const kind = filterKindOf(realised.band.slot);
    properties[`FilterTypeBand${n}`] = WWISE_FILTER_TYPES[kind];
    properties[`GainBand${n}`] = writtenGain(filter.gainDb);
    properties[`FrequencyBand${n}`] = writtenFrequency(filter.frequencyHz);
    properties[`QFactorBand${n}`] = kind === "peaking" ? writtenQ(filter.q) : SHELF_Q;
    properties[`OnOffBand${n}`] = true;
  }
  properties.OutputLevel = writtenGain(outputLevelDb);
  return properties;
}

export function exportWwise(preset: ConcretePreset, context: ExportContext = {}): ExportedPreset {
  const realisation = realiseWithin(preset, "Wwise", WWISE_LIMITS);
  const first = chooseWwiseBands(preset, realisation);
  const rest = realisation.bands.filter((realised) => !first.includes(realised) && realised.band.gainDb !== 0);
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
        message: `Wwise's Parametric EQ has ${WWISE_BANDS} bands and this preset sets ${first.length + rest.length}: one instance leaves out ${left}, ${describeDeviation(deviation)}; the second instance in the file carries them (put it in the next effect slot)`,
        errorDb: deviation.errorDb,
        atFrequencyHz: deviation.atFrequencyHz,
      });
    }
  }
  const ordered = (bands: readonly RealisedBand[]) => realisation.bands.filter((realised) => bands.includes(realised));
  const instance = (bands: readonly RealisedBand[], outputLevelDb: number) => ({
    bands: ordered(bands).map((realised) => slotFacts(realised.band.slot).label),
    properties: instanceProperties(ordered(bands), outputLevelDb),
  });
  const effects = [instance(first, realisation.outputGainDb)];
  if (rest.length > 0) effects.push(instance(rest, 0));
  const document = {
    target: "Wwise Parametric EQ (plug-in ID 105), properties as named by WAAPI",
    preset: preset.name ?? null,
    ...(context.sourceName !== undefined ? { source: context.sourceName } : {}),
    filterTypes: { "4": "Low Shelf", "5": "High Shelf", "6": "Peaking EQ" },
    effects,
    warnings: warnings.map((warning) => `${warning.severity}: ${warning.message}`),
  };
  return { format: "wwise", preset, text: `${JSON.stringify(document, null, 2)}\n`, warnings };
}
