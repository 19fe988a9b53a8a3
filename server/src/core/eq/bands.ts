/**
 * Facts about the SAFE 5-band equaliser: its slots, the plug-in's parameter ranges, and what each
 * band does. Everything that knows a limit reads it from here.
 */
import type { BandType } from "../language/index.js";

export interface NumericRange {
  min: number;
  max: number;
}

/** SAFE's five slots: the bands a morph generates. */
export type SlotId = "lowShelf" | "bell1" | "bell2" | "bell3" | "highShelf";
/** The bands around SAFE's five: an added bell, the pass filters, the notch (any number of each). */
export type ChainId = "bell" | "highpass" | "lowpass" | "notch";
export type BandId = SlotId | ChainId;

export interface SlotFacts {
  id: BandId;
  bandType: BandType;
  label: string;
  short: string;
  frequency: NumericRange;
  hasQ: boolean;
  description: string;
}

export const GAIN_RANGE: NumericRange = { min: -12, max: 12 };
/** Beyond this a gain is a typo, not a setting. */
export const ABSURD_GAIN_DB = 48;
export const Q_RANGE: NumericRange = { min: 0.1, max: 10 };
export const AUDIBLE_RANGE: NumericRange = { min: 20, max: 20000 };
/** The SAFE plug-in's shelves are RBJ cookbook shelves with this fixed Q. */
export const SHELF_Q = 0.71;
export const DEFAULT_BELL_Q = 0.71;
export const DEFAULT_SAMPLE_RATE = 48000;
export const SAMPLE_RATE_RANGE: NumericRange = { min: 8000, max: 384000 };
export const OUTPUT_GAIN_RANGE: NumericRange = { min: -24, max: 24 };

/** The facts of one of SAFE's five slots. */
export interface SafeSlotFacts extends SlotFacts {
  id: SlotId;
}

export const SLOTS: readonly SafeSlotFacts[] = [
  {
    id: "lowShelf",
    bandType: "lowshelf",
    label: "Low shelf",
    short: "LS",
    frequency: { min: 22, max: 1000 },
    hasQ: false,
    description: "Raises or lowers everything below its corner frequency: body, rumble, warmth.",
  },
  {
    id: "bell1",
    bandType: "bell",
    label: "Bell 1",
    short: "B1",
    frequency: { min: 82, max: 3900 },
    hasQ: true,
    description: "Boosts or cuts a band around its centre frequency; Q sets how narrow.",
  },
  {
    id: "bell2",
    bandType: "bell",
    label: "Bell 2",
    short: "B2",
    frequency: { min: 180, max: 4700 },
    hasQ: true,
    description: "Boosts or cuts a band around its centre frequency; Q sets how narrow.",
  },
  {
    id: "bell3",
    bandType: "bell",
    label: "Bell 3",
    short: "B3",
    frequency: { min: 220, max: 10000 },
    hasQ: true,
    description: "Boosts or cuts a band around its centre frequency; Q sets how narrow.",
  },
  {
    id: "highShelf",
    bandType: "highshelf",
    label: "High shelf",
    short: "HS",
    frequency: { min: 580, max: 20000 },
    hasQ: false,
    description: "Raises or lowers everything above its corner frequency: air, brightness, hiss.",
  },
];

/**
 * The bands around SAFE's five, any number of each: a bell added to the five, the Butterworth
 * high- and low-pass, the cookbook notch. Their frequency range is the audible range (and below
 * the sample rate's Nyquist frequency, checked apart).
 */
export const CHAIN_BANDS: readonly SlotFacts[] = [
  {
    id: "bell",
    bandType: "bell",
    label: "Bell",
    short: "B+",
    frequency: AUDIBLE_RANGE,
    hasQ: true,
    description: "A bell added to the morph's five bands: boosts or cuts around its centre frequency.",
  },
  {
    id: "highpass",
    bandType: "highpass",
    label: "High-pass",
    short: "HP",
    frequency: AUDIBLE_RANGE,
    hasQ: true,
    description:
      "Removes everything below its corner frequency (−3 dB there), falling at its slope: rumble, handling noise, a small speaker's missing bass.",
  },
  {
    id: "lowpass",
    bandType: "lowpass",
    label: "Low-pass",
    short: "LP",
    frequency: AUDIBLE_RANGE,
    hasQ: true,
    description:
      "Removes everything above its corner frequency (−3 dB there), falling at its slope: distance, walls, muffling, a narrow channel.",
  },
  {
    id: "notch",
    bandType: "notch",
    label: "Notch",
    short: "NO",
    frequency: AUDIBLE_RANGE,
    hasQ: true,
    description:
      "Removes a narrow band around its frequency completely (hum, a whistle, a resonance); Q sets how narrow.",
  },
];

/** At most this many of a band type per preset (shelves: SAFE's one each). */
export const MAX_BANDS: Record<BandType, number> = {
  lowshelf: 1,
  bell: Number.POSITIVE_INFINITY,
  highshelf: 1,
  highpass: Number.POSITIVE_INFINITY,
  lowpass: Number.POSITIVE_INFINITY,
  notch: Number.POSITIVE_INFINITY,
};

export const BAND_TYPE_INFO: Record<BandType, { label: string; description: string }> = {
  lowshelf: { label: "Low shelf", description: SLOTS[0]!.description },
  bell: { label: "Bell (peaking)", description: SLOTS[1]!.description },
  highshelf: { label: "High shelf", description: SLOTS[4]!.description },
  highpass: { label: "High-pass", description: CHAIN_BANDS[1]!.description },
  lowpass: { label: "Low-pass", description: CHAIN_BANDS[2]!.description },
  notch: { label: "Notch", description: CHAIN_BANDS[3]!.description },
};

const ALL_BANDS: readonly SlotFacts[] = [...SLOTS, ...CHAIN_BANDS];

/** The facts by id: every band line of every file looks its slot up. */
const FACTS_BY_ID = new Map<string, SlotFacts>(ALL_BANDS.map((slot) => [slot.id, slot]));

export function slotFacts(id: BandId): SlotFacts {
  const found = FACTS_BY_ID.get(id);
  if (!found) throw new Error(`unknown slot ${id}`);
  return found;
}

/** Whether a band is one of SAFE's five slots (a morph generates it), not a band around them. */
export function isSafeSlot(id: BandId): id is SlotId {
  return id === "lowShelf" || id === "bell1" || id === "bell2" || id === "bell3" || id === "highShelf";
}

/**
 * The slot of the n-th band of a type in a preset: bells fill Bell 1, 2, 3 in order and are added
 * bells after them; pass filters and notches are each their own band; undefined past a shelf.
 */
export function slotFor(bandType: BandType, indexOfType: number): SlotFacts | undefined {
  const slots = SLOTS_BY_TYPE[bandType];
  if (indexOfType < slots.length) return slots[indexOfType];
  return MAX_BANDS[bandType] === Number.POSITIVE_INFINITY ? CHAIN_BY_TYPE[bandType] : undefined;
}

/** The slots of each band type, in order: found once, since every band of every file asks. */
const SLOTS_BY_TYPE: Record<BandType, readonly SlotFacts[]> = {
  lowshelf: SLOTS.filter((slot) => slot.bandType === "lowshelf"),
  bell: SLOTS.filter((slot) => slot.bandType === "bell"),
  highshelf: SLOTS.filter((slot) => slot.bandType === "highshelf"),
  highpass: [],
  lowpass: [],
  notch: [],
};
const CHAIN_BY_TYPE: Partial<Record<BandType, SlotFacts>> = Object.fromEntries(
  CHAIN_BANDS.map((facts) => [facts.bandType, facts]),
);

export function inRange(value: number, range: NumericRange): boolean {
  return value >= range.min && value <= range.max;
}

export function clamp(value: number, range: NumericRange): number {
  return Math.min(range.max, Math.max(range.min, value));
}

const NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

/** The nearest equal-tempered note (A4 = 440 Hz) and the offset from it in cents. */
export function musicalNote(frequencyHz: number): { name: string; cents: number } | undefined {
  if (!(frequencyHz > 0) || !Number.isFinite(frequencyHz)) return undefined;
  const midi = 69 + 12 * Math.log2(frequencyHz / 440);
  const nearest = Math.round(midi);
  const cents = Math.round((midi - nearest) * 100);
  const octave = Math.floor(nearest / 12) - 1;
  return { name: `${NOTE_NAMES[((nearest % 12) + 12) % 12]}${octave}`, cents };
}

export function describeNote(frequencyHz: number): string {
  const note = musicalNote(frequencyHz);
  if (!note) return "";
  if (note.cents === 0) return note.name;
  return `${note.name} ${note.cents > 0 ? "+" : "−"}${Math.abs(note.cents)} cents`;
}

/** One concrete band of the EQ, explicit or generated by the model. */
export interface EqBand {
  slot: BandId;
  frequencyHz: number;
  /** 0 for the pass filters and the notch, which have no gain. */
  gainDb: number;
  /** A pass filter's Q is used at 12 dB/oct only (Butterworth, 1/√2, by default). */
  q: number;
  /** A pass filter's slope in dB/oct (6 per order); undefined for every other band. */
  slopeDbPerOctave?: number;
}
