/**
 * The presets a command works on: read and checked like `eqp check` (an error in a chosen preset
 * stops the command), morphs resolved into bands with the model as `eqp expand` does, and each
 * reduced to a concrete preset. Shared by export, apply, describe and render.
 */
import * as path from "node:path";
import {
  presetAt,
  displayFrequency,
  inRange,
  presetLabel,
  readDocument,
  readQuantity,
  SAMPLE_RATE_RANGE,
  slotFacts,
  type EqDiagnostic,
  type EqServices,
  type ResolvedPreset,
  mayNeedModel,
} from "../../server/src/core/index.js";
import type { ConcretePreset } from "../../server/src/core/export/index.js";
import type { SemanticModel } from "../../server/src/core/model/index.js";
import { readTextFile, UsageError } from "./files.js";
import { cliServices } from "./services.js";
import { printError } from "./terminal.js";

/** Raised after the problems were printed: the command stops with exit code 1. */
export class ReportedError extends Error {}

export interface PresetInput {
  file: string;
  /** The chosen presets, in file order, with their concrete bands. */
  presets: { resolved: ResolvedPreset; concrete: ConcretePreset }[];
  /** The loaded network, when a preset needed it or `needModel` asked for it; the caller disposes it. */
  model?: SemanticModel;
  /** The services the presets were resolved with; the caller disposes them. */
  services: EqServices;
  /** With `skipBroken`: the chosen presets left out, each with why (their errors already printed). */
  broken: { label: string; reason: string }[];
}

export interface PresetInputOptions {
  /** The preset's name; "" for the unnamed one; undefined for all (or, with `single`, the only one). */
  preset?: string;
  /** The command works on one preset: without `preset`, a file of several is a usage error naming them. */
  single?: boolean;
  model?: string;
  /** Load the network even when no chosen preset has a morph (describe needs the encoder). */
  needModel?: boolean;
  /** Replaces every chosen preset's sample rate. */
  sampleRate?: number;
  /**
   * Keep bands at or above the Nyquist frequency of the (replaced) sample rate, for a caller that
   * leaves them out and says so; by default they stop the command.
   */
  keepAboveNyquist?: boolean;
  /**
   * Leave out a chosen preset with errors (printed, and listed in `broken`) and go on with the
   * others; an error outside every preset still stops the file. By default any error stops it.
   */
  skipBroken?: boolean;
}

export function sampleRateArgument(text: string): number {
  const { value, unit } = readQuantity(text.trim());
  if (
    (unit !== undefined && unit !== "Hz" && unit !== "kHz") ||
    !Number.isFinite(value) ||
    !inRange(value, SAMPLE_RATE_RANGE)
  ) {
    throw new UsageError(
      `--samplerate must be a rate from ${SAMPLE_RATE_RANGE.min} to ${SAMPLE_RATE_RANGE.max} Hz (48000 or 48kHz), not ${JSON.stringify(text)}`,
    );
  }
  return value;
}

function choose(file: string, presets: ResolvedPreset[], name: string | undefined, single: boolean): ResolvedPreset[] {
  if (presets.length === 0) throw new UsageError(`${file}: no preset in it`);
  const names = () => presets.map(presetLabel).join(", ");
  if (name === undefined) {
    if (!single || presets.length === 1) return presets;
    throw new UsageError(`${file} has ${presets.length} presets: choose one with --preset (${names()})`);
  }
  const found =
    name === "" ? presets.find((preset) => preset.name === undefined) : presets.find((preset) => preset.name === name);
  if (!found)
    throw new UsageError(
      `${file}: no preset ${name === "" ? "without a name" : JSON.stringify(name)}; the presets are ${names()}`,
    );
  return [found];
}

/** A diagnostic matters when it lies in a chosen preset or outside every preset (file level). */
function concerns(
  diagnostic: EqDiagnostic,
  chosen: readonly ResolvedPreset[],
  all: readonly ResolvedPreset[],
): boolean {
  const at = diagnostic.range.start;
  const owner = presetAt(all, at);
  return owner === undefined || chosen.includes(owner);
}

function printErrors(file: string, errors: readonly EqDiagnostic[]): void {
  for (const error of errors)
    printError(
      `${file}:${error.range.start.line + 1}:${error.range.start.character + 1} error ${error.code} ${error.message}\n`,
    );
}

/** A chosen preset as it sounds; a band at or above Nyquist is a usage error unless kept. */
function concretePreset(
  file: string,
  resolved: ResolvedPreset,
  services: EqServices,
  options: PresetInputOptions,
): ConcretePreset {
  const concrete: ConcretePreset = {
    name: resolved.name,
    sampleRate: options.sampleRate ?? resolved.sampleRate,
    ...services.chainOf(resolved),
  };
  const nyquist = concrete.sampleRate / 2;
  const above = concrete.bands.filter((band) => band.frequencyHz >= nyquist);
  if (above.length > 0 && !options.keepAboveNyquist) {
    const names = above
      .map((band) => `${slotFacts(band.slot).label} at ${displayFrequency(band.frequencyHz)}`)
      .join(", ");
    throw new UsageError(
      `${file}: ${presetLabel(resolved)}: ${names} at or above the Nyquist frequency ${displayFrequency(nyquist)} of ${displayFrequency(concrete.sampleRate)}`,
    );
  }
  return concrete;
}

/** The chosen presets without errors, and the broken ones; throws when nothing can go on. */
function sortOutBroken(
  file: string,
  errors: readonly EqDiagnostic[],
  chosen: readonly ResolvedPreset[],
  all: readonly ResolvedPreset[],
  skipBroken: boolean,
): { good: ResolvedPreset[]; broken: PresetInput["broken"] } {
  if (errors.length === 0) return { good: [...chosen], broken: [] };
  printErrors(file, errors);
  const owners = errors.map((error) => presetAt(all, error.range.start));
  const failed = new Set(owners);
  if (!skipBroken || failed.has(undefined) || chosen.every((preset) => failed.has(preset)))
    throw new ReportedError(
      `${file}: ${chosen.length === 1 ? `${presetLabel(chosen[0]!)} has` : "the presets have"} errors`,
    );
  const broken = chosen
    .filter((preset) => failed.has(preset))
    .map((preset) => {
      const count = owners.filter((owner) => owner === preset).length;
      return { label: presetLabel(preset), reason: `${count} error${count === 1 ? "" : "s"}` };
    });
  return { good: chosen.filter((preset) => !failed.has(preset)), broken };
}

export async function readPresetInput(file: string, options: PresetInputOptions): Promise<PresetInput> {
  const meaning = readDocument(readTextFile(file));
  const all = meaning.presets;
  const chosen = choose(file, all, options.preset, options.single ?? false);
  const network = Boolean(options.needModel) || chosen.some(mayNeedModel);
  // Without the network no team word can change a band, and they add only warnings: not read.
  const services = await cliServices(options.model, { network, teamWords: network, files: [file] });
  try {
    const errors = services
      .check(meaning, path.resolve(file))
      .filter((diagnostic) => diagnostic.severity === "error" && concerns(diagnostic, chosen, all));
    const { good, broken } = sortOutBroken(file, errors, chosen, all, options.skipBroken ?? false);
    // A band above Nyquist comes from --samplerate, not from the preset: it stays a usage error.
    const presets = good.map((resolved) => ({ resolved, concrete: concretePreset(file, resolved, services, options) }));
    return { file, presets, model: services.model.semantic, services, broken };
  } catch (error) {
    services.dispose();
    throw error;
  }
}

/**
 * Runs a command's work. A `ReportedError` (its details, if any, printed before it was thrown) ends
 * the command with "eqp <command>: <message>; <consequence>" and exit code 1; usage errors go on up.
 */
export async function stoppingOnReportedErrors(
  command: string,
  consequence: string | undefined,
  run: () => Promise<void>,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof ReportedError)) throw error;
    printError(`eqp ${command}: ${error.message}${consequence ? `; ${consequence}` : ""}\n`);
    process.exitCode = 1;
  }
}
