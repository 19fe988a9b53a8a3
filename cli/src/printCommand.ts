/**
 * `eqp print`: the presets of files with their bands. A morph's generated bands are shown under
 * it (marked "generated"), resolved by the core's services exactly as `eqp expand` and the editor's
 * hover resolve them, so what `print` shows is what an export or the preview would run.
 */
import type { Command } from "commander";
import {
  displayFrequency,
  displayGain,
  displayQ,
  presetLabel,
  readDocument,
  SLOTS,
  type EqServices,
  type ResolvedPreset,
} from "../../server/src/core/index.js";
import { expandInputs, readTextFile } from "./files.js";
import { cliServices } from "./services.js";
import { printOut } from "./terminal.js";

interface PrintOptions {
  model?: string;
}

function bandRow(label: string, frequencyHz: number | undefined, gainDb: number | undefined, q: string): string {
  const parts = [
    label.padEnd(10),
    (frequencyHz !== undefined ? displayFrequency(frequencyHz) : "?").padStart(9),
    (gainDb !== undefined ? displayGain(gainDb) : "?").padStart(8),
    q,
  ];
  return parts.join("  ").trimEnd();
}

/** The lines of one preset: explicit bands as written ("?" for a missing value), generated ones marked, in slot order. */
export function presetLines(preset: ResolvedPreset, services: EqServices): string[] {
  const lines = [
    `${presetLabel(preset)} @ ${displayFrequency(preset.sampleRate)}, output ${displayGain(preset.outputGainDb)}`,
  ];
  const rows = new Map<string, string>();
  for (const band of preset.bands)
    rows.set(
      band.slot.id,
      bandRow(band.slot.label, band.frequencyHz, band.gainDb, band.slot.hasQ ? `Q ${displayQ(band.q)}` : ""),
    );
  if (preset.morph) {
    lines.push(
      `  morph ${preset.morph.terms.map((term) => `${term.word}${term.weight ? ` ${term.weight.text}` : ""}`).join(" ")}`,
    );
    const explicit = new Set(preset.bands.map((band) => band.slot.id));
    const generated = services.bandsOf(preset).filter((band) => !explicit.has(band.slot));
    // A morph the model cannot resolve (unknown word, bad weight) has no bands: say so rather than print none silently.
    if (generated.length === 0 && explicit.size < SLOTS.length)
      lines.push("  (the morph gives no bands: run eqp check for why)");
    for (const band of generated) {
      const slot = SLOTS.find((candidate) => candidate.id === band.slot)!;
      rows.set(
        band.slot,
        `${bandRow(slot.label, band.frequencyHz, band.gainDb, slot.hasQ ? `Q ${displayQ(band.q)}` : "").padEnd(44)}  generated`,
      );
    }
  }
  for (const slot of SLOTS) {
    const row = rows.get(slot.id);
    if (row !== undefined) lines.push(`  ${row.trimEnd()}`);
  }
  return lines;
}

export function addPrintCommand(program: Command): void {
  program
    .command("print")
    .description("print the presets of files: sample rate, trim, morph and bands (a morph's generated bands too)")
    .argument("<files...>", "files, folders or globs")
    .option("--model <dir>", "model folder (default: the bundled model)")
    .action(async (inputs: string[], options: PrintOptions) => {
      const files = (await expandInputs(inputs)).map((file) => ({ file, meaning: readDocument(readTextFile(file)) }));
      // The network (~200 ms) only when some preset has a morph to resolve.
      const services = await cliServices(options.model, {
        network: files.some(({ meaning }) => meaning.presets.some((preset) => preset.morph)),
      });
      try {
        for (const { file, meaning } of files) {
          services.prefetchMorphs(meaning.presets);
          printOut(`${file}\n`);
          for (const preset of meaning.presets)
            for (const line of presetLines(preset, services)) printOut(`  ${line}\n`);
        }
      } finally {
        services.dispose();
      }
    });
}
