/**
 * Godot 4 (`godot`): an AudioBusLayout text resource (`.tres`, format=3) with one bus per preset,
 * its effects in order. Names and units, read in Godot's source (servers/audio/effects/
 * audio_effect_filter.{h,cpp}, audio_filter_sw.cpp, audio_effect_eq.cpp, eq.cpp):
 *
 * - Shelves: AudioEffectLowShelfFilter / AudioEffectHighShelfFilter, `cutoff_hz` (Hz), `resonance`
 *   and `gain` (a linear factor, 0–4) with `db` = 0. Godot's shelf is the RBJ shelf with A = `gain`
 *   and Q = √`resonance`, so a shelf of G dB at RBJ Q is `gain` = 10^(G/40), `resonance` = Q²: exact.
 * - Pass filters: AudioEffectHighPassFilter / AudioEffectLowPassFilter, `cutoff_hz`, `resonance` =
 *   the section's Q, `db` = 0 (labelled "6 dB" but one RBJ biquad, 12 dB/oct: stages = db + 1, and
 *   Godot's steeper settings repeat one Q, which is not Butterworth), one effect per Butterworth
 *   section; a notch: AudioEffectNotchFilter, `resonance` = Q. The inspector holds `resonance` in
 *   0–1, so a Q above 1 is clamped and its cost reported; a 6 dB/oct part is fitted as 12 dB/oct.
 * - Bells: Godot has no parametric bell effect. All the preset's bells go into one graphic EQ
 *   (AudioEffectEQ6, EQ10 or EQ21, whichever comes closest), its `band_db/<Hz>_hz` gains (dB,
 *   −60 to +24) fitted to the bells' summed response (godotEq.ts), the error reported.
 * - The output gain: the bus's `volume_db`.
 */
import { SHELF_Q, slotFacts } from "../eq/index.js";
import { formatDecimal } from "../language/index.js";
import {
  AUDIBLE_ERROR_DB,
  assessRealisation,
  comparisonGrid,
  describeDeviation,
  exactFilters,
  filtersResponseDb,
  maxDeviation,
  NEGLIGIBLE_ERROR_DB,
  realiseWithin,
  type Realisation,
  type TargetFilter,
  type TargetLimits,
} from "./fidelity.js";
import {
  fitGodotEq,
  GODOT_EQ10_FREQUENCIES,
  GODOT_EQ21_FREQUENCIES,
  GODOT_EQ6_FREQUENCIES,
  godotEqResponseDb,
} from "./godotEq.js";
import { uniquePresetNames, type DocumentPreset } from "./json.js";
import type { ExportContext, ExportedPreset, ExportWarning } from "./types.js";
import { GENERATOR_ID } from "./version.js";
import { rounded, writtenFrequency, writtenGain } from "./written.js";

export const GODOT_LIMITS: TargetLimits = {
  gain: { min: -60, max: 40 * Math.log10(4) },
  frequency: { min: 1, max: 20500 },
  q: { min: 0.01, max: 1 },
  shelfQ: SHELF_Q,
  gainlessKinds: ["highpass", "lowpass", "notch"],
};

const EQ_CHOICES = [
  { type: "AudioEffectEQ6", centres: GODOT_EQ6_FREQUENCIES },
  { type: "AudioEffectEQ10", centres: GODOT_EQ10_FREQUENCIES },
  { type: "AudioEffectEQ21", centres: GODOT_EQ21_FREQUENCIES },
] as const;

const FILTER_TYPES: Partial<Record<TargetFilter["kind"], string>> = {
  lowshelf: "AudioEffectLowShelfFilter",
  highshelf: "AudioEffectHighShelfFilter",
  highpass: "AudioEffectHighPassFilter",
  lowpass: "AudioEffectLowPassFilter",
  notch: "AudioEffectNotchFilter",
};

export interface GodotEffect {
  type: string;
  properties: Record<string, number>;
}

interface GodotBus {
  name: string;
  volumeDb: number;
  effects: GodotEffect[];
  warnings: ExportWarning[];
}

function filterEffect(filter: TargetFilter): GodotEffect {
  const type = FILTER_TYPES[filter.kind]!;
  const shelf = filter.kind === "lowshelf" || filter.kind === "highshelf";
  return {
    type,
    properties: {
      cutoff_hz: writtenFrequency(filter.frequencyHz),
      resonance: rounded(shelf ? filter.q * filter.q : filter.q, 4),
      ...(shelf ? { gain: rounded(10 ** (filter.gainDb / 40), 5) } : {}),
      db: 0,
    },
  };
}

type BellsEq = { effect: GodotEffect; errorDb: number; atFrequencyHz: number };
/** Fits already made, by bells and rate: a preset is realised once per file written and once for the document. */
const fittedEqs = new Map<string, BellsEq>();
const MAX_FITS_KEPT = 256;

function bellsEq(bells: readonly TargetFilter[], sampleRate: number): BellsEq {
  const key = JSON.stringify([bells, sampleRate]);
  let eq = fittedEqs.get(key);
  if (!eq) {
    eq = fitBellsEq(bells, sampleRate);
    if (fittedEqs.size >= MAX_FITS_KEPT) fittedEqs.delete(fittedEqs.keys().next().value!);
    fittedEqs.set(key, eq);
  }
  return eq;
}

/** The graphic EQ standing in for the bells, and the error it leaves against the bells alone. */
function fitBellsEq(bells: readonly TargetFilter[], sampleRate: number): BellsEq {
  const grid = comparisonGrid(sampleRate).filter((_, index) => index % 8 === 0);
  const wanted = filtersResponseDb(bells, grid, sampleRate);
  let best: BellsEq | undefined;
  for (const choice of EQ_CHOICES) {
    const gains = fitGodotEq(wanted, grid, sampleRate, choice.centres).map((gain) => rounded(gain, 1));
    const deviation = maxDeviation(wanted, godotEqResponseDb(gains, grid, sampleRate, choice.centres), grid);
    if (!best || deviation.errorDb < best.errorDb) {
      const properties = Object.fromEntries(choice.centres.map((hz, i) => [`band_db/${Math.trunc(hz)}_hz`, gains[i]!]));
      best = { effect: { type: choice.type, properties }, ...deviation };
    }
  }
  return best!;
}

function godotBus(preset: DocumentPreset, name: string): GodotBus {
  const realisation: Realisation = realiseWithin(preset, "Godot", GODOT_LIMITS);
  const bellBands = realisation.bands.filter((realised) =>
    realised.filters.some((filter) => filter.kind === "peaking"),
  );
  // The bells' error is the graphic EQ's, reported below; here they count as exact. Each band keeps
  // its place: assessRealisation pairs realised bands with the preset's by index.
  const warnings = assessRealisation("godot", preset, {
    ...realisation,
    bands: realisation.bands.map((realised) =>
      bellBands.includes(realised) ? { ...realised, filters: exactFilters(realised.band), changes: [] } : realised,
    ),
  });
  const effects: GodotEffect[] = [];
  for (const realised of realisation.bands)
    for (const filter of realised.filters) if (filter.kind !== "peaking") effects.push(filterEffect(filter));
  if (bellBands.length > 0) {
    // The bells as the preset has them: the graphic EQ has no Q to clamp.
    const eq = bellsEq(
      bellBands.flatMap((realised) => exactFilters(realised.band)),
      preset.sampleRate,
    );
    effects.push(eq.effect);
    if (eq.errorDb >= NEGLIGIBLE_ERROR_DB) {
      const labels = bellBands.map((realised) => slotFacts(realised.band.slot).label).join(", ");
      warnings.push({
        format: "godot",
        preset: preset.name,
        severity: eq.errorDb >= AUDIBLE_ERROR_DB ? "warning" : "note",
        message: `Godot has no parametric bell: ${labels} run as ${eq.effect.type} band gains fitted to them (${formatDecimal(eq.errorDb, 2)} dB): ${describeDeviation(eq)}`,
        errorDb: eq.errorDb,
        atFrequencyHz: eq.atFrequencyHz,
      });
    }
  }
  return { name, volumeDb: writtenGain(realisation.outputGainDb), effects, warnings };
}

/** A Godot string: double-quoted with backslash escapes (JSON's are a subset Godot reads). */
const godotString = (text: string) => JSON.stringify(text);

function resourceText(buses: readonly GodotBus[], comments: readonly string[]): string {
  const subResources: string[] = [];
  const busLines: string[] = [
    'bus/0/name = &"Master"',
    "bus/0/solo = false",
    "bus/0/mute = false",
    "bus/0/bypass_fx = false",
    "bus/0/volume_db = 0.0",
    'bus/0/send = &""',
  ];
  let count = 0;
  buses.forEach((bus, index) => {
    const n = index + 1;
    busLines.push(
      `bus/${n}/name = &${godotString(bus.name)}`,
      `bus/${n}/solo = false`,
      `bus/${n}/mute = false`,
      `bus/${n}/bypass_fx = false`,
      `bus/${n}/volume_db = ${godotFloat(bus.volumeDb)}`,
      "bus/" + n + '/send = &"Master"',
    );
    bus.effects.forEach((effect, slot) => {
      const id = `${effect.type}_${++count}`;
      subResources.push(
        `[sub_resource type="${effect.type}" id="${id}"]`,
        `resource_name = ${godotString(effect.type.replace(/^AudioEffect/, ""))}`,
        ...Object.entries(effect.properties).map(
          ([key, value]) => `${key} = ${key === "db" ? String(value) : godotFloat(value)}`,
        ),
        "",
      );
      busLines.push(`bus/${n}/effect/${slot}/effect = SubResource("${id}")`, `bus/${n}/effect/${slot}/enabled = true`);
    });
  });
  return [
    `[gd_resource type="AudioBusLayout" load_steps=${count + 1} format=3]`,
    "",
    ...comments,
    ...(comments.length > 0 ? [""] : []),
    ...subResources,
    "[resource]",
    ...busLines,
    "",
  ].join("\n");
}

/** A float as Godot writes one: always with a decimal point. */
function godotFloat(value: number): string {
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

export function godotDocument(presets: readonly DocumentPreset[]): { text: string; warnings: ExportWarning[][] } {
  const names = uniquePresetNames(presets);
  const buses = presets.map((preset, index) => godotBus(preset, names[index]!));
  const comments = [
    `; Generated by ${GENERATOR_ID} (eqp export --format godot): one bus per preset. Save as default_bus_layout.tres or load with AudioServer.set_bus_layout().`,
    ...buses.flatMap((bus) => bus.warnings.map((warning) => `; ${bus.name}: ${warning.severity}: ${warning.message}`)),
  ];
  return { text: resourceText(buses, comments), warnings: buses.map((bus) => bus.warnings) };
}

export const exportGodot = (presets: readonly DocumentPreset[]): string => godotDocument(presets).text;

export function exportGodotPreset(preset: DocumentPreset, context: ExportContext = {}): ExportedPreset {
  const fallbackName = preset.fallbackName ?? context.sourceName?.replace(/\.[^.]*$/, "");
  const { text, warnings } = godotDocument([{ ...preset, fallbackName }]);
  return { format: "godot", preset, text, warnings: warnings[0]! };
}
