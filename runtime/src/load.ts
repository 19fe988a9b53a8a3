/**
 * Reads a preset document (its JSON text or the parsed object) into presets by name, checking the
 * shape the way the schema does, so a broken file fails at load time with the path of the problem
 * (`presets[1].filters[0].q`) rather than as silence or NaN in the audio thread.
 */
import { PASS_SLOPES, type Filter, type PassSlope, type Preset, type PresetDocument } from "./types.js";

export class PresetError extends Error {
  override name = "PresetError";
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function positive(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
    throw new PresetError(`${where} must be a positive number, not ${JSON.stringify(value)}`);
  return value;
}

function finite(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new PresetError(`${where} must be a number, not ${JSON.stringify(value)}`);
  return value;
}

function readFilter(raw: unknown, where: string): Filter {
  if (!isObject(raw)) throw new PresetError(`${where} must be an object`);
  const frequencyHz = positive(raw["frequencyHz"], `${where}.frequencyHz`);
  const type = raw["type"];
  switch (type) {
    case "lowshelf":
    case "peaking":
    case "highshelf":
      return {
        type,
        frequencyHz,
        gainDb: finite(raw["gainDb"], `${where}.gainDb`),
        q: positive(raw["q"], `${where}.q`),
      };
    case "notch":
      return { type, frequencyHz, q: positive(raw["q"], `${where}.q`) };
    case "highpass":
    case "lowpass": {
      const slopeDbPerOct = raw["slopeDbPerOct"] as PassSlope;
      if (!PASS_SLOPES.includes(slopeDbPerOct))
        throw new PresetError(
          `${where}.slopeDbPerOct must be one of ${PASS_SLOPES.join(", ")}, not ${JSON.stringify(slopeDbPerOct)}`,
        );
      if (raw["q"] === undefined) return { type, frequencyHz, slopeDbPerOct };
      if (slopeDbPerOct !== 12) throw new PresetError(`${where}.q is only allowed at 12 dB/oct (one biquad)`);
      return { type, frequencyHz, slopeDbPerOct, q: positive(raw["q"], `${where}.q`) };
    }
    default:
      throw new PresetError(
        `${where}.type must be lowshelf, peaking, highshelf, highpass, lowpass or notch, not ${JSON.stringify(type)}`,
      );
  }
}

function readPreset(raw: unknown, where: string): Preset {
  if (!isObject(raw)) throw new PresetError(`${where} must be an object`);
  if (typeof raw["name"] !== "string") throw new PresetError(`${where}.name must be a string`);
  if (!Array.isArray(raw["filters"])) throw new PresetError(`${where}.filters must be a list`);
  const preset: Preset = {
    ...(raw as unknown as Preset),
    outputGainDb: finite(raw["outputGainDb"] ?? 0, `${where}.outputGainDb`),
    filters: raw["filters"].map((filter, index) => readFilter(filter, `${where}.filters[${index}]`)),
  };
  return preset;
}

function parsed(json: string | object): Json {
  let document: unknown = json;
  if (typeof json === "string") {
    try {
      document = JSON.parse(json);
    } catch (error) {
      throw new PresetError(`not JSON: ${(error as Error).message}`);
    }
  }
  if (!isObject(document)) throw new PresetError("a preset document must be a JSON object");
  return document;
}

/** The document's presets by name; throws a PresetError naming the first problem. */
export function loadPresets(json: string | PresetDocument | object): Record<string, Preset> {
  const document = parsed(json);
  if (document["schemaVersion"] !== 1)
    throw new PresetError(
      `schemaVersion ${JSON.stringify(document["schemaVersion"])} is not supported: this runtime reads version 1`,
    );
  if (!Array.isArray(document["presets"])) throw new PresetError("presets must be a list");
  const byName: [string, Preset][] = [];
  const seen = new Map<string, string>();
  document["presets"].forEach((raw, index) => {
    const where = `presets[${index}]`;
    const preset = readPreset(raw, where);
    const first = seen.get(preset.name);
    if (first !== undefined)
      throw new PresetError(`${where}: a second preset named ${JSON.stringify(preset.name)} (first: ${first})`);
    seen.set(preset.name, where);
    byName.push([preset.name, preset]);
  });
  return Object.fromEntries(byName);
}
