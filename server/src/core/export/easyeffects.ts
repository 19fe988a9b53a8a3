/**
 * An EasyEffects output preset holding one Equalizer (LSP Parametric Equalizer) with the preset's
 * bands, the same on both channels. Every band uses mode "APO (DR)": EasyEffects documents it as
 * the textbook cookbook biquads as Equalizer APO runs them, with Q on the shelves too, so the curve
 * is the preset's own at whatever rate PipeWire runs. Bands: type "Lo-shelf" / "Bell" /
 * "Hi-shelf", frequency, gain, q; gains are limited to ±36 dB, the plug-in's range.
 *
 * The plug-in's pass and notch band types are not written: their names and their slope modes are
 * not confirmed by anything eqp has checked against EasyEffects (the band types above are). A
 * high-pass, low-pass or notch is fitted as a deep shelf or bell instead, and its cost reported.
 */
import { SHELF_Q, type FilterKind } from "../eq/index.js";
import { assessRealisation, realiseWithin, type TargetLimits } from "./fidelity.js";
import type { ConcretePreset, ExportedPreset } from "./types.js";
import { writtenFrequency, writtenGain, writtenQ } from "./written.js";

const BAND_TYPES: Record<FilterKind, string> = { lowshelf: "Lo-shelf", peaking: "Bell", highshelf: "Hi-shelf" };
export const EASYEFFECTS_LIMITS: TargetLimits = {
  gain: { min: -36, max: 36 },
  frequency: { min: 10, max: 24000 },
  q: { min: 0, max: 100 },
  shelfQ: SHELF_Q,
  outputGain: { min: -36, max: 36 },
};

export function exportEasyEffects(preset: ConcretePreset): ExportedPreset {
  const realisation = realiseWithin(preset, "EasyEffects", EASYEFFECTS_LIMITS);
  const channel: Record<string, unknown> = {};
  const filters = realisation.bands.flatMap((realised) => realised.filters);
  filters.forEach((filter, index) => {
    channel[`band${index}`] = {
      frequency: writtenFrequency(filter.frequencyHz),
      gain: writtenGain(filter.gainDb),
      mode: "APO (DR)",
      mute: false,
      q: writtenQ(filter.q),
      slope: "x1",
      solo: false,
      type: BAND_TYPES[filter.kind as FilterKind],
      width: 4.0,
    };
  });
  // EasyEffects' equalizer has at least one band: a preset of gain alone gets one switched off.
  if (filters.length === 0)
    channel.band0 = {
      frequency: 1000,
      gain: 0,
      mode: "APO (DR)",
      mute: false,
      q: 0.71,
      slope: "x1",
      solo: false,
      type: "Off",
      width: 4.0,
    };
  const equalizer = {
    balance: 0.0,
    bypass: false,
    "input-gain": 0.0,
    left: channel,
    mode: "IIR",
    "num-bands": Math.max(1, filters.length),
    "output-gain": writtenGain(realisation.outputGainDb),
    "pitch-left": 0.0,
    "pitch-right": 0.0,
    right: channel,
    "split-channels": false,
  };
  const document = { output: { blocklist: [], "equalizer#0": equalizer, plugins_order: ["equalizer#0"] } };
  return {
    format: "easyeffects",
    preset,
    text: `${JSON.stringify(document, null, 4)}\n`,
    warnings: assessRealisation("easyeffects", preset, realisation),
  };
}
