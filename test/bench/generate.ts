/** A large, realistic preset file for benchmarks and stress tests, deterministic for a seed. */
import { mulberry32 } from "../../server/src/core/model/index.js";

export interface GeneratedPreset {
  name: string;
  sampleRate?: number;
  morph?: [string, number][];
  /** Another preset of the file whose chain this one starts from (`use "…"`). */
  use?: string;
  bands: {
    type: "lowshelf" | "bell" | "highshelf" | "highpass" | "lowpass" | "notch";
    frequencyHz: number;
    /** None on pass filters and notches. */
    gainDb?: number;
    q?: number;
    /** A pass filter's slope, dB/oct. */
    slope?: number;
  }[];
  gainDb?: number;
}

/** A seeded generator (the one model training uses), so every run measures the same document. */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed);
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/**
 * The statements game-audio presets add around the five bands: a `use` of an earlier preset, a
 * high-pass, a low-pass and a notch, each in some presets. Drawn from a second generator, so the
 * five bands and morphs of a seed are what they were before these statements existed.
 */
function addChainStatements(preset: GeneratedPreset, index: number, random: () => number): void {
  if (index > 0 && random() < 0.1) preset.use = `Preset ${1 + Math.floor(random() * index)}`;
  if (random() < 0.2) preset.bands.push({ type: "highpass", frequencyHz: Math.round(30 + random() * 170), slope: 24 });
  if (random() < 0.1) preset.bands.push({ type: "lowpass", frequencyHz: Math.round(3000 + random() * 12000) });
  if (random() < 0.05)
    preset.bands.push({ type: "notch", frequencyHz: Math.round(50 + random() * 9000), q: round(2 + random() * 8, 1) });
}

export function generatePresets(lines: number, seed = 1): GeneratedPreset[] {
  const random = seededRandom(seed);
  const chainRandom = seededRandom(seed + 7919);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const presets: GeneratedPreset[] = [];
  // The comment and samplerate lines of the header.
  let used = 2;
  for (let index = 0; used < lines; index++) {
    const preset: GeneratedPreset = { name: `Preset ${index + 1}`, bands: [] };
    if (random() < 0.3) {
      preset.morph = [[pick(["warm", "bright"]), round(random(), 2)]];
      if (random() < 0.5) preset.morph.push([pick(["clear", "airy", "full"]), round(random() * 0.5, 2)]);
    } else {
      preset.bands.push({
        type: "lowshelf",
        frequencyHz: Math.round(40 + random() * 300),
        gainDb: round(random() * 12 - 6, 1),
      });
      for (const [min, max] of [
        [100, 800],
        [400, 3000],
        [2000, 9000],
      ] as const) {
        preset.bands.push({
          type: "bell",
          frequencyHz: Math.round(min + random() * (max - min)),
          gainDb: round(random() * 12 - 6, 1),
          q: round(0.5 + random() * 3, 2),
        });
      }
      preset.bands.push({
        type: "highshelf",
        frequencyHz: Math.round(3000 + random() * 12000),
        gainDb: round(random() * 12 - 6, 1),
      });
    }
    if (random() < 0.5) preset.gainDb = round(-random() * 4, 1);
    addChainStatements(preset, index, chainRandom);
    presets.push(preset);
    // The preset line, its statements and the closing brace.
    used +=
      2 + (preset.use ? 1 : 0) + (preset.morph ? 1 : 0) + preset.bands.length + (preset.gainDb !== undefined ? 1 : 0);
  }
  return presets;
}

function frequency(hz: number): string {
  return hz >= 1000 ? `${hz / 1000}kHz` : `${hz}Hz`;
}

function gain(db: number): string {
  return `${db > 0 ? "+" : ""}${db}dB`;
}

export function toPresetText(presets: GeneratedPreset[]): string {
  const out: string[] = ["# Generated benchmark presets", "samplerate 48kHz"];
  for (const preset of presets) {
    out.push(`preset "${preset.name}" {`);
    if (preset.use) out.push(`  use "${preset.use}"`);
    if (preset.morph) out.push(`  morph ${preset.morph.map(([word, weight]) => `${word} ${weight}`).join(" ")}`);
    for (const band of preset.bands)
      out.push(
        `  ${band.type} ${frequency(band.frequencyHz)}${band.gainDb !== undefined ? ` ${gain(band.gainDb)}` : ""}${band.slope !== undefined ? ` ${band.slope}dB/oct` : ""}${band.q !== undefined ? ` q ${band.q}` : ""}`,
      );
    if (preset.gainDb !== undefined) out.push(`  gain ${gain(preset.gainDb)}`);
    out.push("}");
  }
  return `${out.join("\n")}\n`;
}

/** The same presets as JSON, pretty-printed one value per line like a hand-kept config. */
export function toJsonText(presets: GeneratedPreset[]): string {
  return `${JSON.stringify({ samplerate: 48000, presets }, null, 2)}\n`;
}

function yamlBand(band: GeneratedPreset["bands"][number]): string {
  const optional = [
    band.gainDb !== undefined ? `gainDb: ${band.gainDb}` : undefined,
    band.slope !== undefined ? `slope: ${band.slope}` : undefined,
    band.q !== undefined ? `q: ${band.q}` : undefined,
  ].filter(Boolean);
  return `{ type: ${band.type}, frequencyHz: ${band.frequencyHz}${optional.map((field) => `, ${field}`).join("")} }`;
}

/**
 * The same presets as YAML, written the way a person would keep them (one band per line, as in
 * the .eqp text), for the peer benchmark against yaml-language-server.
 */
export function toYamlText(presets: GeneratedPreset[], schemaUri?: string): string {
  const out: string[] = ["# Generated benchmark presets", "samplerate: 48000", "presets:"];
  if (schemaUri) out.unshift(`# yaml-language-server: $schema=${schemaUri}`);
  for (const preset of presets) {
    out.push(`  - name: "${preset.name}"`);
    if (preset.use) out.push(`    use: "${preset.use}"`);
    if (preset.morph)
      out.push(`    morph: { ${preset.morph.map(([word, weight]) => `${word}: ${weight}`).join(", ")} }`);
    if (preset.bands.length > 0) {
      out.push("    bands:");
      for (const band of preset.bands) out.push(`      - ${yamlBand(band)}`);
    }
    if (preset.gainDb !== undefined) out.push(`    gain: ${preset.gainDb}`);
  }
  return `${out.join("\n")}\n`;
}

/** What a half-typed or broken line holds: stray braces and quotes, lost units, typos, values off their line. */
const DAMAGE = ["{", "}", '"', "q", "3", "Hz", "bel", "preset", ";", "\u0001", "2.5k", "morph", "'"];

/**
 * The preset text with about half its lines damaged (a character range deleted, or a piece from
 * DAMAGE inserted), deterministic for a seed: the error-heavy input of the parse benchmark,
 * where error recovery does most of the work.
 */
export function toErrorHeavyText(text: string, seed = 1): string {
  const random = seededRandom(seed);
  const lines = text.split("\n").map((line) => {
    if (line.length === 0 || random() < 0.5) return line;
    const at = Math.floor(random() * line.length);
    if (random() < 0.3) return line.slice(0, at) + line.slice(at + 1 + Math.floor(random() * 4));
    const piece = DAMAGE[Math.floor(random() * DAMAGE.length)]!;
    return `${line.slice(0, at)}${random() < 0.5 ? " " : ""}${piece}${line.slice(at)}`;
  });
  return lines.join("\n");
}
