/**
 * `eqpreset.lock`: for every morph of the workspace, the model it was resolved with (id and
 * weights hash) and the bands it gave. A new model, a retrain or a new team tag can move a
 * morph's bands; with a lockfile, that is an error on the morph (with the size of the change in dB)
 * until someone accepts the new bands (`eqp lock`) or keeps the locked ones (expands them).
 * Without a lockfile nothing is checked: locking is the team's decision, made once by `eqp lock`.
 */
import { curveChange } from "../diff/index.js";
import { CHAIN_BANDS, SLOTS, slotFacts, type BandId, type EqBand } from "../eq/index.js";
import { displayFrequency, formatDecimal, type MorphStatement } from "../language/index.js";
import { presetLabel, roundBand, type FlatChain, type ResolvedPreset } from "../presets/index.js";
import { DiagnosticCode, type EqDiagnostic } from "../validation/index.js";

export const LOCK_FILE_NAME = "eqpreset.lock";
const LOCK_FORMAT = "eqpreset-lock";
const LOCK_VERSION = 1;
/** Below this the change is rounding, not sound. */
export const LOCK_TOLERANCE_DB = 0.05;

export interface LockedMorph {
  morph: string;
  bands: EqBand[];
}

/** What a preset's `use` lines brought in when locked: the used chains, flattened, and their gain. */
export interface LockedUses {
  /** The use lines as the lock records them: `"VO clean", "telephone" from "x.eqp"`. */
  uses: string;
  bands: EqBand[];
  outputGainDb: number;
}

export interface Lockfile {
  format: typeof LOCK_FORMAT;
  version: number;
  model: { id: string; weightsSha256?: string };
  /** Per file (relative to the workspace, with `/`), per preset label: the locked morph. */
  presets: Record<string, Record<string, LockedMorph>>;
  /**
   * Per file, per preset label: what its `use` lines brought in. Optional (a lock of a workspace
   * without `use` has none, and a lock written before `use` existed reads the same).
   */
  uses?: Record<string, Record<string, LockedUses>>;
}

export class LockfileError extends Error {
  override name = "LockfileError";
}

/** A morph as the lock records it: its words and weights, spacing and case aside. */
export function morphText(morph: MorphStatement): string {
  return morph.terms.map((term) => (term.weight ? `${term.word} ${term.weight.value}` : term.word)).join(" ");
}

const SLOT_IDS = new Set<string>(SLOTS.map((slot) => slot.id));

function isBand(value: unknown): value is EqBand {
  const band = value as Partial<EqBand> | null;
  return (
    typeof band === "object" &&
    band !== null &&
    typeof band.slot === "string" &&
    SLOT_IDS.has(band.slot) &&
    [band.frequencyHz, band.gainDb, band.q].every((n) => typeof n === "number" && Number.isFinite(n))
  );
}

/** A band of a used chain: any band type, a pass filter with its slope. */
function isChainBand(value: unknown): value is EqBand {
  const band = value as Partial<EqBand> | null;
  return (
    typeof band === "object" &&
    band !== null &&
    typeof band.slot === "string" &&
    CHAIN_IDS.has(band.slot) &&
    [band.frequencyHz, band.gainDb, band.q].every((n) => typeof n === "number" && Number.isFinite(n)) &&
    (band.slopeDbPerOctave === undefined || typeof band.slopeDbPerOctave === "number")
  );
}

const CHAIN_IDS = new Set<string>([...SLOTS, ...CHAIN_BANDS].map((slot) => slot.id));

function checkUsesEntries(uses: unknown, file: string): void {
  if (uses === undefined) return;
  if (typeof uses !== "object" || uses === null) throw new LockfileError(`${file}: "uses" must be an object`);
  for (const [presetFile, presets] of Object.entries(uses as Record<string, unknown>))
    for (const [name, entry] of Object.entries((presets ?? {}) as Record<string, Partial<LockedUses>>))
      if (
        typeof entry?.uses !== "string" ||
        typeof entry.outputGainDb !== "number" ||
        !Array.isArray(entry.bands) ||
        !entry.bands.every(isChainBand)
      )
        throw new LockfileError(
          `${file}: the uses entry of ${name} in ${presetFile} needs "uses", "bands" and "outputGainDb"`,
        );
}

/** Reads a lockfile's text; a broken one is an error naming the file and what is wrong. */
export function parseLockfile(text: string, file: string): Lockfile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LockfileError(`${file}: not valid JSON (${(error as Error).message}); run eqp lock to write it again`);
  }
  const lock = json as Partial<Lockfile> | null;
  if (typeof lock !== "object" || lock === null || lock.format !== LOCK_FORMAT)
    throw new LockfileError(`${file}: not an eqpreset lockfile ("format" must be "${LOCK_FORMAT}")`);
  if (lock.version !== LOCK_VERSION)
    throw new LockfileError(
      `${file}: lockfile version ${String(lock.version)} is not supported (expected ${LOCK_VERSION})`,
    );
  if (typeof lock.model?.id !== "string" || typeof lock.presets !== "object" || lock.presets === null)
    throw new LockfileError(`${file}: needs "model" with an "id" and "presets"`);
  for (const [presetFile, presets] of Object.entries(lock.presets)) {
    for (const [name, entry] of Object.entries(presets)) {
      if (typeof entry?.morph !== "string" || !Array.isArray(entry.bands) || !entry.bands.every(isBand))
        throw new LockfileError(`${file}: the entry of ${name} in ${presetFile} needs a "morph" and five "bands"`);
    }
  }
  checkUsesEntries(lock.uses, file);
  return lock as Lockfile;
}

export function lockfileText(lock: Lockfile): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}

/** The locked morphs of one file's presets, from their current bands (undefined: not resolvable). */
export function lockEntries(
  presets: readonly ResolvedPreset[],
  resolve: (preset: ResolvedPreset) => EqBand[] | undefined,
): Record<string, LockedMorph> {
  const entries: Record<string, LockedMorph> = {};
  for (const preset of presets) {
    if (!preset.morph) continue;
    const bands = resolve(preset);
    if (bands) entries[presetLabel(preset)] = { morph: morphText(preset.morph), bands: bands.map(roundBand) };
  }
  return entries;
}

/** The largest change (dB, signed) between two sets of bands' curves, and where: the diff's own measure. */
export function lockedCurveChange(before: readonly EqBand[], after: readonly EqBand[], sampleRate: number) {
  const state = (bands: readonly EqBand[]) => ({ line: 0, sampleRate, outputGainDb: 0, bands: [...bands] });
  const change = curveChange(state(before), state(after));
  return { db: change.signedDb, frequencyHz: change.atFrequencyHz };
}

/** A locked morph whose bands differ between two locks (same words, a change over rounding). */
export interface MovedMorph {
  file: string;
  preset: string;
  db: number;
  frequencyHz: number;
}

/** The morphs of `next` whose bands moved since `previous`, largest change first; and how many `next` holds. */
export function movedMorphs(previous: Lockfile | undefined, next: Lockfile): { morphs: number; moved: MovedMorph[] } {
  let morphs = 0;
  const moved: MovedMorph[] = [];
  for (const [file, presets] of Object.entries(next.presets)) {
    for (const [preset, entry] of Object.entries(presets)) {
      morphs++;
      const before = previous?.presets[file]?.[preset];
      if (!before || before.morph !== entry.morph) continue;
      const change = lockedCurveChange(before.bands, entry.bands, 48000);
      if (Math.abs(change.db) >= LOCK_TOLERANCE_DB) moved.push({ file, preset, ...change });
    }
  }
  return { morphs, moved: moved.sort((a, b) => Math.abs(b.db) - Math.abs(a.db)) };
}

function describeBands(bands: readonly EqBand[]): string {
  const label = (slot: BandId) => slotFacts(slot).label;
  return bands
    .map((band) => `${label(band.slot)} ${formatDecimal(band.gainDb, 1)} dB@${displayFrequency(band.frequencyHz)}`)
    .join(", ");
}

/**
 * What the lock can say about why a morph moved, besides the model: the front end knows the team's
 * words and where they are tagged, and (once presets can use other presets) which used presets changed.
 */
export interface LockCauseHints {
  /** The morph's words that are the team's, each with the files (relative to the lock) that tag it. */
  teamWords(preset: ResolvedPreset): { word: string; files: string[] }[];
  /** The presets `preset` uses whose sound changed (a hook for `use "preset"`; none until then). */
  changedUsedPresets?(preset: ResolvedPreset): string[];
}

/** What a lock check compares with: the model in use and the tolerance of the project (projectFile.ts). */
export interface LockCheckContext {
  model: Lockfile["model"];
  /** Changes below this (dB) are notes; at or above it, errors. */
  toleranceDb: number;
  causes?: LockCauseHints;
}

function sameModel(locked: Lockfile["model"], now: Lockfile["model"]): boolean {
  return locked.id === now.id && (locked.weightsSha256 === undefined || locked.weightsSha256 === now.weightsSha256);
}

/**
 * Why a morph's bands moved, as far as the lock can tell: a new model, the tags of a team word
 * (named with the files that tag it), a used preset; else only that it moved with the same model.
 */
export function lockChangeCause(
  locked: Lockfile["model"],
  now: Lockfile["model"],
  preset: ResolvedPreset,
  hints: LockCauseHints | undefined,
): string {
  const causes: string[] = [];
  if (!sameModel(locked, now))
    causes.push(
      locked.id === now.id
        ? `the weights of model ${now.id} changed`
        : `the model changed from ${locked.id} to ${now.id}`,
    );
  const quote = (name: string) => `'${name}'`;
  for (const { word, files } of hints?.teamWords(preset) ?? [])
    causes.push(`the tags of word ${quote(word)} changed${files.length > 0 ? ` in ${files.join(", ")}` : ""}`);
  for (const used of hints?.changedUsedPresets?.(preset) ?? []) causes.push(`the used preset "${used}" changed`);
  // Several candidates: the lock records the morph's bands, not each word's, so it names them all.
  if (causes.length > 0) return causes.join(", or ");
  return `the model ${now.id} is the same, so a team tag or a used preset changed`;
}

/** A locked morph whose bands moved since the lock: the locked and current bands and the largest change. */
export interface LockedMorphChange {
  entry: LockedMorph;
  bands: EqBand[];
  change: { db: number; frequencyHz: number };
}

/**
 * The change of one preset's morph against the lock; undefined when it is not locked, locked with
 * other words, not resolvable, or moved by less than rounding.
 */
export function lockedMorphChange(
  lock: Lockfile,
  relativeFile: string,
  preset: ResolvedPreset,
  resolve: (preset: ResolvedPreset) => EqBand[] | undefined,
): LockedMorphChange | undefined {
  const entry = preset.morph ? lock.presets[relativeFile]?.[presetLabel(preset)] : undefined;
  if (!entry || entry.morph !== morphText(preset.morph!)) return undefined;
  const now = resolve(preset);
  if (!now) return undefined;
  const bands = now.map(roundBand);
  const change = lockedCurveChange(entry.bands, bands, preset.sampleRate);
  return Math.abs(change.db) >= LOCK_TOLERANCE_DB ? { entry, bands, change } : undefined;
}

/** The diagnostic of a locked morph whose bands moved by `change`; a note under the tolerance. */
function lockChangedDiagnostic(
  lock: Lockfile,
  { entry, change }: LockedMorphChange,
  preset: ResolvedPreset,
  context: LockCheckContext,
): EqDiagnostic {
  const size = `${change.db > 0 ? "+" : "−"}${formatDecimal(Math.abs(change.db), 1)} dB`;
  const minor = Math.abs(change.db) < context.toleranceDb;
  return {
    range: preset.morph!.keywordRange,
    severity: minor ? "information" : "error",
    code: DiagnosticCode.LockChanged,
    message:
      `The bands of 'morph ${entry.morph}' moved since ${LOCK_FILE_NAME} by up to ${size} at ${displayFrequency(change.frequencyHz)}: ` +
      `${lockChangeCause(lock.model, context.model, preset, context.causes)}` +
      (minor ? ` (under the lock tolerance of ${formatDecimal(context.toleranceDb, 2)} dB, a note)` : "") +
      `. Locked: ${describeBands(entry.bands)}. Accept the new bands (eqp lock, or "Accept all lock changes") or keep the locked ones (expand them)`,
    data: { fix: "lock", lockedBands: entry.bands, preset: presetLabel(preset) },
  };
}

/**
 * The lock's diagnostics for one file: a morph whose bands moved (an error from the tolerance up,
 * a note below it, with the change in dB and its cause), and a morph the lock does not record or
 * records with other words (information).
 */
export function lockDiagnostics(
  lock: Lockfile,
  relativeFile: string,
  presets: readonly ResolvedPreset[],
  resolve: (preset: ResolvedPreset) => EqBand[] | undefined,
  context: LockCheckContext,
): EqDiagnostic[] {
  const locked = lock.presets[relativeFile] ?? {};
  const out: EqDiagnostic[] = [];
  for (const preset of presets) {
    const morph = preset.morph;
    if (!morph) continue;
    const entry = locked[presetLabel(preset)];
    if (!entry || entry.morph !== morphText(morph)) {
      out.push({
        range: morph.keywordRange,
        severity: "information",
        code: DiagnosticCode.LockMissing,
        message: entry
          ? `This morph changed since ${LOCK_FILE_NAME} locked '${entry.morph}': run eqp lock to record its bands`
          : `This morph is not in ${LOCK_FILE_NAME}: run eqp lock to record its bands, so a new model cannot move them unnoticed`,
      });
      continue;
    }
    const moved = lockedMorphChange(lock, relativeFile, preset, resolve);
    if (moved) out.push(lockChangedDiagnostic(lock, moved, preset, context));
  }
  return out;
}

/** A preset's use lines as the lock records them. */
export function usesText(preset: ResolvedPreset): string {
  return preset.uses
    .map((use) => `"${use.name ?? ""}"${use.file !== undefined ? ` from "${use.file}"` : ""}`)
    .join(", ");
}

/** What the use lines of one file's presets bring in now (undefined: a use that finds nothing). */
export function usesEntries(
  presets: readonly ResolvedPreset[],
  resolveUsed: (preset: ResolvedPreset) => FlatChain | undefined,
): Record<string, LockedUses> {
  const entries: Record<string, LockedUses> = {};
  for (const preset of presets) {
    if (preset.uses.length === 0) continue;
    const used = resolveUsed(preset);
    if (used)
      entries[presetLabel(preset)] = {
        uses: usesText(preset),
        bands: used.bands.map(roundBand),
        outputGainDb: Math.round(used.outputGainDb * 100) / 100,
      };
  }
  return entries;
}

/**
 * The lock's diagnostics for the use lines of one file: what a preset's uses bring in moved since
 * the lock (a used preset changed: an error from the tolerance up, a note below), or is not locked.
 */
export function usesLockDiagnostics(
  lock: Lockfile,
  relativeFile: string,
  presets: readonly ResolvedPreset[],
  resolveUsed: (preset: ResolvedPreset) => FlatChain | undefined,
  context: LockCheckContext,
): EqDiagnostic[] {
  const locked = lock.uses?.[relativeFile] ?? {};
  const out: EqDiagnostic[] = [];
  for (const preset of presets) {
    const first = preset.uses[0];
    if (!first) continue;
    const entry = locked[presetLabel(preset)];
    if (!entry || entry.uses !== usesText(preset)) {
      out.push({
        range: first.keywordRange,
        severity: "information",
        code: DiagnosticCode.LockMissing,
        message: `What this preset uses is not in ${LOCK_FILE_NAME}${entry ? ` as written (locked: ${entry.uses})` : ""}: run eqp lock to record it, so a change to a used preset cannot pass unnoticed`,
      });
      continue;
    }
    const now = resolveUsed(preset);
    if (!now) continue;
    const change = lockedCurveChange(entry.bands, now.bands.map(roundBand), preset.sampleRate);
    const db = change.db + (now.outputGainDb - entry.outputGainDb);
    if (Math.abs(db) < LOCK_TOLERANCE_DB) continue;
    const size = `${db > 0 ? "+" : "−"}${formatDecimal(Math.abs(db), 1)} dB`;
    const minor = Math.abs(db) < context.toleranceDb;
    out.push({
      range: first.keywordRange,
      severity: minor ? "information" : "error",
      code: DiagnosticCode.LockChanged,
      message:
        `What 'use ${entry.uses}' brings in moved since ${LOCK_FILE_NAME} by up to ${size} at ${displayFrequency(change.frequencyHz)}: a used preset changed` +
        (minor ? ` (under the lock tolerance of ${formatDecimal(context.toleranceDb, 2)} dB, a note)` : "") +
        `. Accept it (eqp lock) or change the used preset back`,
    });
  }
  return out;
}
