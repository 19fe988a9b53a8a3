/**
 * The audition's signal chain in Web Audio, on any context (the live AudioContext, or an
 * OfflineAudioContext to measure it):
 *
 *   input ─┬─ low shelf → bell 1 → bell 2 → bell 3 → high shelf → filters around → output gain → wet gate ─┬─ volume → output
 *          └──────────────────────── loudness match → dry gate ──────────────────────────────────────────┘
 *
 * Per-band bypass and solo act on the filters alone: a bypassed band (or, while one band is
 * soloed, every other band) is held at 0 dB like an empty slot, so what is heard is the preset
 * without it (or that band alone). The volume is the listener's, after everything, and is no part
 * of the preset or of the A/B loudness match.
 *
 * One BiquadFilterNode per SAFE slot, always connected; a slot the preset leaves empty gets 0 dB
 * (a biquad at 0 dB passes the signal unchanged), so a new preset never rewires the graph, it only
 * moves parameters. While the audio runs they glide there (setTargetAtTime); when it is stopped
 * they are set at once, so what the nodes report is what the preset says.
 *
 * Web Audio's peaking filter is the RBJ cookbook's, with Q as given. Its shelves have no Q: they
 * are the cookbook's with slope S = 1, i.e. Q = 1/√2 ≈ 0.707, next to SAFE's fixed 0.71 (a
 * difference of a few hundredths of a dB). The band's Q is still written to the node's Q param,
 * which a shelf ignores.
 *
 * The bands around SAFE's five (added bells, pass filters, notches; any number of each), and the
 * bands the presets it uses bring in (whatever their slot), run as
 * IIRFilterNodes holding the core's own biquads (core/eq bandSections: the Butterworth cascade of a
 * 24 dB/oct pass filter is its sections, exactly what the curve and `eqp apply` use; Web Audio's own
 * lowpass takes its Q in dB, so it is not used). An IIRFilterNode's coefficients are fixed, so a
 * change of these bands rebuilds their nodes (no glide: a click at worst, while dragging one).
 *
 * A/B: bypassing closes the wet gate and opens the dry gate, whose level is the loudness match
 * (see loudness.ts); the two cross-fade over a few milliseconds so the switch does not click.
 */
import { bandSections, isSafeSlot, SLOTS, type BandId, type SlotId } from "#core/eq/index.js";
import type { PreviewBand } from "../protocol.js";

/** How fast parameters glide to a new preset while audio plays (time constant, seconds). */
const GLIDE_TIME_CONSTANT_S = 0.03;
/** The A/B cross-fade's time constant (seconds). */
const CROSSFADE_TIME_CONSTANT_S = 0.01;

export interface ChainSettings {
  bands: readonly PreviewBand[];
  outputGainDb: number;
  /** The dry signal's gain when bypassed (see loudness.ts). */
  matchGainDb: number;
}

/** What the nodes hold, read back from their AudioParams. */
export interface FilterState {
  slot: SlotId;
  /** Whether the preset sets this slot (an empty slot is held at 0 dB). */
  active: boolean;
  /** Whether the band is heard: set by the preset, not bypassed, and soloed if any band is. */
  heard: boolean;
  type: BiquadFilterType;
  frequencyHz: number;
  gainDb: number;
  q: number;
}

/** A band around SAFE's five as its IIR nodes run it. */
export interface ExtraFilterState {
  key: string;
  slot: BandId;
  heard: boolean;
  /** Biquad sections running (0 when the band is not heard). */
  sections: number;
}

export interface ChainState {
  sampleRate: number;
  bypassed: boolean;
  filters: FilterState[];
  /** The bands around SAFE's five and the used presets' bands, in the preset's order. */
  extras: ExtraFilterState[];
  outputGainDb: number;
  /** The wet gate's gain: 1 with the EQ heard, 0 bypassed. */
  wetLevel: number;
  /** The dry gate's gain: 0 with the EQ heard, the loudness match (linear) bypassed. */
  dryLevel: number;
  /** The loudness match the chain was given, in dB. */
  matchGainDb: number;
  /** Keys of the bands bypassed, and of the one soloed. */
  bypassedBands: string[];
  solo: string | null;
  /** The listener's volume after the chain, in dB. */
  volumeDb: number;
}

/**
 * Whether a band runs as IIR nodes: the bands around SAFE's five, and every band a used preset
 * brings in (its low shelf is not this preset's low shelf: both are heard, one after the other).
 */
function isIirBand(band: PreviewBand): boolean {
  return band.from !== undefined || !isSafeSlot(band.slot);
}

function filterTypeOf(slot: SlotId): BiquadFilterType {
  return slot === "lowShelf" ? "lowshelf" : slot === "highShelf" ? "highshelf" : "peaking";
}

export function dbToGain(db: number): number {
  return Math.pow(10, db / 20);
}

export function gainToDb(gain: number): number {
  return 20 * Math.log10(gain);
}

export class EqChain {
  readonly input: GainNode;
  readonly output: GainNode;
  private readonly filters: { slot: SlotId; node: BiquadFilterNode; active: boolean }[];
  /** The last SAFE filter, which the bands around the five follow. */
  private readonly lastSlot: BiquadFilterNode;
  private extras: { band: PreviewBand; heard: boolean; nodes: IIRFilterNode[] }[] = [];
  /** What the extra nodes were built from, so an unchanged chain is not rebuilt. */
  private extrasBuiltFrom = "[]";
  private readonly outputGain: GainNode;
  private readonly wetGate: GainNode;
  private readonly dryGate: GainNode;
  private readonly volume: GainNode;
  private bypassed = false;
  private matchGainDb = 0;
  private settings: ChainSettings | undefined;
  private bypassedBands = new Set<string>();
  private solo: string | null = null;

  constructor(private readonly context: BaseAudioContext) {
    this.input = context.createGain();
    this.output = context.createGain();
    this.filters = SLOTS.map((slot) => {
      const node = context.createBiquadFilter();
      node.type = filterTypeOf(slot.id);
      node.gain.value = 0;
      return { slot: slot.id, node, active: false };
    });
    this.outputGain = context.createGain();
    this.wetGate = context.createGain();
    this.dryGate = context.createGain();
    this.dryGate.gain.value = 0;
    this.volume = context.createGain();

    let previous: AudioNode = this.input;
    for (const { node } of this.filters) {
      previous.connect(node);
      previous = node;
    }
    this.lastSlot = previous as BiquadFilterNode;
    previous.connect(this.outputGain).connect(this.wetGate).connect(this.volume);
    this.input.connect(this.dryGate).connect(this.volume);
    this.volume.connect(this.output);
  }

  /** Sets the filters to the preset; `glide` while audio plays, at once otherwise. */
  configure(settings: ChainSettings, glide: boolean): void {
    this.settings = settings;
    const nyquist = this.context.sampleRate / 2;
    for (const filter of this.filters) {
      const band = settings.bands.find((candidate) => candidate.slot === filter.slot && !isIirBand(candidate));
      filter.active = band !== undefined;
      if (!band || !this.isHeard(filter.slot)) {
        this.move(filter.node.gain, 0, glide, GLIDE_TIME_CONSTANT_S);
        continue;
      }
      // Changing the type cannot glide; it only happens if the server's idea of a slot changes.
      if (filter.node.type !== band.type) filter.node.type = band.type;
      // A biquad's frequency must stay below Nyquist (the context may run slower than the preset).
      this.move(filter.node.frequency, Math.min(band.frequencyHz, nyquist * 0.999), glide, GLIDE_TIME_CONSTANT_S);
      this.move(filter.node.gain, band.gainDb, glide, GLIDE_TIME_CONSTANT_S);
      this.move(filter.node.Q, band.q, glide, GLIDE_TIME_CONSTANT_S);
    }
    this.buildExtras(settings.bands.filter(isIirBand));
    this.move(this.outputGain.gain, dbToGain(settings.outputGainDb), glide, GLIDE_TIME_CONSTANT_S);
    this.matchGainDb = settings.matchGainDb;
    this.routeGates(glide);
  }

  /**
   * The IIR nodes of the bands around the five, between the high shelf and the output gain; a band
   * not heard (bypassed, or another one soloed) has none.
   */
  private buildExtras(bands: readonly PreviewBand[]): void {
    const heard = bands.map((band) => ({ band, heard: this.isHeard(band.key) }));
    const builtFrom = JSON.stringify([heard, this.context.sampleRate]);
    if (builtFrom === this.extrasBuiltFrom) return;
    this.extrasBuiltFrom = builtFrom;
    this.lastSlot.disconnect();
    for (const extra of this.extras) for (const node of extra.nodes) node.disconnect();
    const nyquist = this.context.sampleRate / 2;
    this.extras = heard.map(({ band, heard: isHeard }) => ({
      band,
      heard: isHeard,
      nodes: isHeard
        ? bandSections(
            { ...band, frequencyHz: Math.min(band.frequencyHz, nyquist * 0.999) },
            this.context.sampleRate,
          ).map((section) =>
            this.context.createIIRFilter([section.b0, section.b1, section.b2], [1, section.a1, section.a2]),
          )
        : [],
    }));
    let previous: AudioNode = this.lastSlot;
    for (const node of this.extras.flatMap((extra) => extra.nodes)) previous = previous.connect(node);
    previous.connect(this.outputGain);
  }

  /** Per-band bypass and solo by band key (null: none soloed); re-applies the preset's bands. */
  setBandStates(bypassed: Iterable<string>, solo: string | null, glide: boolean): void {
    this.bypassedBands = new Set(bypassed);
    this.solo = solo;
    if (this.settings) this.configure(this.settings, glide);
  }

  private isHeard(key: string): boolean {
    return this.solo !== null ? key === this.solo : !this.bypassedBands.has(key);
  }

  setVolumeDb(db: number, glide: boolean): void {
    this.move(this.volume.gain, dbToGain(db), glide, CROSSFADE_TIME_CONSTANT_S);
  }

  setBypassed(bypassed: boolean, glide: boolean): void {
    this.bypassed = bypassed;
    this.routeGates(glide);
  }

  private routeGates(glide: boolean): void {
    this.move(this.wetGate.gain, this.bypassed ? 0 : 1, glide, CROSSFADE_TIME_CONSTANT_S);
    this.move(this.dryGate.gain, this.bypassed ? dbToGain(this.matchGainDb) : 0, glide, CROSSFADE_TIME_CONSTANT_S);
  }

  private move(param: AudioParam, value: number, glide: boolean, timeConstant: number): void {
    const now = this.context.currentTime;
    param.cancelScheduledValues(now);
    if (glide) {
      // Start the glide from where the parameter is now, not from its last scheduled value.
      param.setValueAtTime(param.value, now);
      param.setTargetAtTime(value, now, timeConstant);
    } else {
      param.value = value;
    }
  }

  state(): ChainState {
    return {
      sampleRate: this.context.sampleRate,
      bypassed: this.bypassed,
      filters: this.filters.map(({ slot, node, active }) => ({
        slot,
        active,
        heard: active && this.isHeard(slot),
        type: node.type,
        frequencyHz: node.frequency.value,
        gainDb: node.gain.value,
        q: node.Q.value,
      })),
      extras: this.extras.map(({ band, heard, nodes }) => ({
        key: band.key,
        slot: band.slot,
        heard,
        sections: nodes.length,
      })),
      outputGainDb: gainToDb(this.outputGain.gain.value),
      wetLevel: this.wetGate.gain.value,
      dryLevel: this.dryGate.gain.value,
      matchGainDb: this.matchGainDb,
      bypassedBands: [...this.bypassedBands],
      solo: this.solo,
      volumeDb: gainToDb(this.volume.gain.value),
    };
  }

  /**
   * The EQ's response (dB) at `frequencies` as the nodes compute it (BiquadFilterNode's own
   * getFrequencyResponse), output gain included; the bypass is not part of it.
   */
  responseDb(frequencies: readonly number[]): number[] {
    const grid = Float32Array.from(frequencies);
    const magnitude = new Float32Array(grid.length);
    const phase = new Float32Array(grid.length);
    const total = new Array<number>(grid.length).fill(gainToDb(this.outputGain.gain.value));
    for (const node of [...this.filters.map((filter) => filter.node), ...this.extras.flatMap((extra) => extra.nodes)]) {
      node.getFrequencyResponse(grid, magnitude, phase);
      for (let i = 0; i < grid.length; i++) total[i]! += gainToDb(magnitude[i]!);
    }
    return total;
  }

  disconnect(): void {
    for (const node of [
      this.input,
      ...this.filters.map((filter) => filter.node),
      ...this.extras.flatMap((extra) => extra.nodes),
      this.outputGain,
      this.wetGate,
      this.dryGate,
      this.volume,
      this.output,
    ])
      node.disconnect();
  }
}
