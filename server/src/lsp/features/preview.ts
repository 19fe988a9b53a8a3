/**
 * What a preset sounds like, in numbers and as a picture: its effective bands (explicit ones, plus the
 * model's for a morph), the response and the SVG. Shared by the hover, the inlay hints and the
 * `eqpreset/preview` request of the preview panel.
 */
import type { Position } from "vscode-languageserver";
import {
  presetAt,
  readDocument,
  type DocumentMeaning,
  effectiveBands,
  explicitBand,
  explicitSlots,
  logFrequencies,
  morphTerms,
  responseDb,
  topFrequency,
  type EqBand,
  type ResolvedPreset,
  type SlotId,
  type BandId,
  isSafeSlot,
  type PresetHome,
  type UseResolver,
} from "../../core/index.js";
import { drawableBands, filterKindOf, isPassFilter, renderCurve, type RenderedCurve } from "../../core/eq/index.js";
import type { ParsedDocument } from "./documentStore.js";
import type { EqServices } from "../../core/index.js";

/** Points of the response the preview panel draws. */
export const PREVIEW_POINTS = 200;

export type { PreviewBand, PreviewParams, PreviewResult };
import { chainKey, usedKey } from "../../protocol/index.js";
import type {
  PreviewBand,
  PreviewParams,
  PreviewData as PreviewResult,
  PreviewTextResult,
} from "../../protocol/index.js";

export interface PresetCurve {
  /** The bands the preset's EQ has now: explicit ones and, once the model has spoken, generated ones. */
  bands: EqBand[];
  /** The model's bands for the morph (before explicit bands replace their slots), when it has them. */
  generated?: EqBand[];
  pending: boolean;
  /** Why the curve is incomplete, if it is. */
  message?: string;
  /** The output gain, the used presets' gains added. */
  outputGainDb: number;
  /** How many of `bands`, at the start, come from the presets the preset uses (not its own lines). */
  usedBands: number;
  /** For each of those, the use line it came through (`use "telephone"`), in order. */
  usedFrom: string[];
}

/**
 * The effective bands of a preset as the model currently allows: the chains of the presets it
 * uses, then its own. `meaning`: the document it was read from, when no workspace file holds it.
 */
export function presetCurve(preset: ResolvedPreset, services: EqServices, meaning?: DocumentMeaning): PresetCurve {
  const own = ownCurve(preset, services);
  if (preset.uses.length === 0) return { ...own, outputGainDb: preset.outputGainDb, usedBands: 0, usedFrom: [] };
  const resolver = services.useResolver();
  const chain = services.chainOf(preset, meaning, resolver);
  // The chain's own part is what ownCurve found (the same generated bands, from the model's cache).
  const usedBands = Math.max(0, chain.bands.length - own.bands.length);
  return {
    ...own,
    bands: [...chain.bands.slice(0, usedBands), ...own.bands],
    outputGainDb: chain.outputGainDb,
    usedBands,
    usedFrom: usedLabels(services.homeOf(preset, meaning), resolver, usedBands),
  };
}

/** The use line each used band came through, as the resolver's chain() walked them (one label per band). */
function usedLabels(home: PresetHome, resolver: UseResolver, count: number): string[] {
  const labels: string[] = [];
  for (const use of home.preset.uses) {
    const found = resolver.target(use, home);
    // chain() skips a use that finds nothing or closes a cycle: so does this.
    if (!("home" in found) || resolver.problemAt(use, home)?.kind === "cycle") continue;
    const line = `use "${use.name ?? ""}"${use.file !== undefined ? ` from "${use.file}"` : ""}`;
    labels.push(...resolver.chain(found.home).bands.map(() => line));
  }
  // Should the walk ever disagree with the chain, every band still gets a (plainer) label.
  return labels.length === count ? labels : Array.from({ length: count }, () => "use");
}

function ownCurve(
  preset: ResolvedPreset,
  services: EqServices,
): Omit<PresetCurve, "outputGainDb" | "usedBands" | "usedFrom"> {
  if (!preset.morph) return { bands: effectiveBands(preset, undefined), pending: false };
  const terms = morphTerms(preset.morph);
  const generated = terms ? services.resolveTerms(terms) : undefined;
  if (generated) return { bands: effectiveBands(preset, generated), generated, pending: false };
  const explicitOnly = effectiveBands(preset, undefined);
  if (services.model.networkLoading)
    return {
      bands: explicitOnly,
      pending: true,
      message: "The model's network is loading: the morph's bands appear when it is ready.",
    };
  if (!services.model.semantic)
    return {
      bands: explicitOnly,
      pending: false,
      message: "The model's network could not be loaded: the morph gives no bands.",
    };
  return {
    bands: explicitOnly,
    pending: false,
    message: "The morph gives no bands until its words and weights are fixed.",
  };
}

/** Draws curves, remembering the last few: a hover, its preview and the panel ask for the same picture. */
export class CurveRenderer {
  private readonly cache = new Map<string, RenderedCurve>();
  private static readonly LIMIT = 64;

  render(
    bands: readonly EqBand[],
    sampleRate: number,
    outputGainDb: number,
    options: { highlight?: BandId; title?: string } = {},
  ): RenderedCurve {
    const key = JSON.stringify([bands, sampleRate, outputGainDb, options.highlight ?? null, options.title ?? null]);
    const cached = this.cache.get(key);
    if (cached) {
      // Most recently used last, so the oldest is the one dropped.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const rendered = renderCurve(bands, sampleRate, outputGainDb, options);
    if (this.cache.size >= CurveRenderer.LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, rendered);
    return rendered;
  }
}

export class PreviewProvider {
  constructor(
    private readonly services: EqServices,
    private readonly curves: CurveRenderer,
  ) {}

  preview(parsed: ParsedDocument, position: Position): PreviewResult | null {
    const preset = presetAt(parsed.presets, position);
    return preset ? this.previewPreset(parsed.uri, parsed.version, preset, parsed) : null;
  }

  /** Every preset of a text that is no open document: the file at git HEAD, another file (to compare with). */
  previewText(uri: string, text: string): PreviewTextResult {
    const meaning = readDocument(text);
    return { presets: meaning.presets.map((preset) => this.previewPreset(uri, undefined, preset, meaning)) };
  }

  private previewPreset(
    uri: string,
    version: number | undefined,
    preset: ResolvedPreset,
    meaning?: DocumentMeaning,
  ): PreviewResult {
    const curve = presetCurve(preset, this.services, meaning);
    const rendered = this.curves.render(curve.bands, preset.sampleRate, curve.outputGainDb, {
      title: preset.name ?? "Preset",
    });
    const frequencies = logFrequencies(PREVIEW_POINTS, 20, topFrequency(preset.sampleRate));
    const skipped = curve.bands.length - rendered.bands.length;
    const message = [
      curve.message,
      skipped > 0 ? `${skipped} band${skipped === 1 ? "" : "s"} with unusable values not drawn.` : undefined,
    ]
      .filter(Boolean)
      .join(" ");
    const result: PreviewResult = {
      uri,
      ...(version !== undefined ? { version } : {}),
      presetName: preset.name ?? null,
      range: preset.range,
      sampleRate: preset.sampleRate,
      outputGainDb: curve.outputGainDb,
      // The used presets' bands first (listed and heard, not draggable: their lines are elsewhere),
      // then the preset's own lines, which the panel's handles edit.
      bands: [
        ...usedPreviewBands(curve, preset.sampleRate),
        ...previewBands(preset, curve.bands.slice(curve.usedBands), preset.sampleRate),
      ],
      frequencies: Array.from(frequencies),
      responseDb: Array.from(responseDb(rendered.bands, frequencies, preset.sampleRate, curve.outputGainDb)),
      peakDb: rendered.analysis.peakDb,
      troughDb: rendered.analysis.troughDb,
      suggestedPreGainDb: rendered.analysis.suggestedPreGainDb,
      svg: rendered.svg,
      pending: curve.pending,
    };
    if (message) result.message = message;
    return result;
  }
}

/** A band as the panel has it: its key, and its filter as Web Audio names it. */
function previewBand(band: EqBand, key: string): PreviewBand {
  const type = isPassFilter(band.slot) ? band.slot : band.slot === "notch" ? "notch" : filterKindOf(band.slot);
  const shown: PreviewBand = {
    key,
    slot: band.slot,
    type,
    frequencyHz: band.frequencyHz,
    gainDb: band.gainDb,
    q: band.q,
  };
  if (band.slopeDbPerOctave !== undefined) shown.slopeDbPerOctave = band.slopeDbPerOctave;
  return shown;
}

function isDrawable(band: EqBand, sampleRate: number): boolean {
  return drawableBands([band], sampleRate).length === 1;
}

/** The bands the used presets bring in, keyed `used-N` by their place in the chain, each with its use line. */
function usedPreviewBands(curve: PresetCurve, sampleRate: number): PreviewBand[] {
  return curve.bands
    .slice(0, curve.usedBands)
    .flatMap((band, index) =>
      isDrawable(band, sampleRate)
        ? [{ ...previewBand(band, usedKey(index)), from: curve.usedFrom[index] ?? "use" }]
        : [],
    );
}

/**
 * The bands the panel draws handles for and plays: SAFE's five slots by their slot, then every band
 * line around them by its place among those lines (`chain-N`, what a drag's edit names), the
 * drawable ones only (the curve leaves the others out too).
 */
function previewBands(preset: ResolvedPreset, bands: readonly EqBand[], sampleRate: number): PreviewBand[] {
  const drawable = (band: EqBand) => isDrawable(band, sampleRate);
  const safe = bands
    .filter((band) => isSafeSlot(band.slot) && drawable(band))
    .map((band) => previewBand(band, band.slot));
  const chain = preset.bands
    .filter((band) => !isSafeSlot(band.slot.id))
    .flatMap((band, index) => {
      const eqBand = explicitBand(band);
      return eqBand && drawable(eqBand) ? [previewBand(eqBand, chainKey(index))] : [];
    });
  return [...safe, ...chain];
}

/** Slots a morph's generated bands fill: those the preset does not set explicitly. */
export function generatedSlotsShown(preset: ResolvedPreset, generated: readonly EqBand[]): EqBand[] {
  const explicit = explicitSlots(preset);
  return generated.filter((band) => !explicit.has(band.slot as SlotId));
}
