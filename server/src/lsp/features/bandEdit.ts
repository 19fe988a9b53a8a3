/**
 * A drag in the preview panel, as an edit of the document: the band's line rewritten in the
 * canonical format (`bell 2.47kHz +3.5dB q 1.2`), or, for a band a morph generates, the morph
 * expanded into band lines with the dragged one at its new values (the explicit bands then say
 * exactly what is heard). Always one edit set for the version the panel showed: on any other
 * version the preset under the position may be another one, so the edit is refused.
 */
import {
  expansionEdits,
  GAIN_RANGE,
  presetAt,
  Q_RANGE,
  SLOTS,
  writeFrequency,
  writeGain,
  writePlain,
  type EqServices,
} from "../../core/index.js";
import { type EditBandParams, type EditBandResult } from "../../protocol/index.js";
import type { ParsedDocument } from "./documentStore.js";

/** Values as a drag gives them, rounded to what a person would write and clamped into the SAFE ranges. */
export function roundedBand(
  params: EditBandParams,
  sampleRate: number,
): { frequencyHz: number; gainDb: number; q: number } {
  const slot = SLOTS.find((candidate) => candidate.id === params.slot)!;
  const top = Math.min(slot.frequency.max, sampleRate * 0.4999);
  const frequencyHz = Number(Math.min(top, Math.max(slot.frequency.min, params.frequencyHz)).toPrecision(3));
  const gainDb = Math.round(Math.min(GAIN_RANGE.max, Math.max(GAIN_RANGE.min, params.gainDb)) * 10) / 10;
  const q = slot.hasQ ? Number(Math.min(Q_RANGE.max, Math.max(Q_RANGE.min, params.q)).toPrecision(2)) : params.q;
  return { frequencyHz, gainDb: Object.is(gainDb, -0) ? 0 : gainDb, q };
}

export function bandEdit(parsed: ParsedDocument, services: EqServices, params: EditBandParams): EditBandResult {
  if (params.version !== parsed.version)
    return { refused: "The document changed since the preview was drawn: drag again on the new curve." };
  const slot = SLOTS.find((candidate) => candidate.id === params.slot);
  if (!slot) return { refused: `There is no band ${String(params.slot)} in the SAFE EQ.` };
  if (![params.frequencyHz, params.gainDb, params.q].every(Number.isFinite) || params.frequencyHz <= 0 || params.q <= 0)
    return { refused: "The dragged values are not a frequency, a gain and a Q." };
  const preset = presetAt(parsed.presets, params.position);
  if (!preset) return { refused: "There is no preset there any more." };
  const values = roundedBand(params, preset.sampleRate);
  const explicit = preset.bands.find((band) => band.slot.id === slot.id);
  if (explicit) {
    const text = `${slot.bandType} ${writeFrequency(values.frequencyHz)} ${writeGain(values.gainDb)}${slot.hasQ ? ` q ${writePlain(values.q)}` : ""}`;
    return { edits: [{ range: explicit.statement.range, newText: text }], version: parsed.version };
  }
  if (!preset.morph) return { refused: `This preset has no ${slot.label.toLowerCase()} to drag.` };
  const edit = expansionEdits(parsed.text, [preset], (terms) =>
    services
      .resolveTerms(terms)
      ?.map((band) => (band.slot === slot.id ? { ...band, ...values, q: slot.hasQ ? values.q : band.q } : band)),
  ).get(preset);
  if (!edit)
    return {
      refused: services.model.networkLoading
        ? "The model's network is still loading: drag again in a moment."
        : "The morph gives no bands: fix its words and weights first.",
    };
  return { edits: [edit], version: parsed.version };
}
