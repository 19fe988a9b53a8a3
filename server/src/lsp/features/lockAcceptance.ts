/**
 * "Accept all lock changes": `eqpreset.lock` rewritten (atomically) from what every morph of the
 * workspace resolves to now, the editor's unsaved text and the model in use included, with the
 * list of the morphs that moved and why. The same lock as `eqp lock --accept` writes, except that
 * entries of files outside the editor's folders (the lock's folder may lie above them) are kept.
 */
import * as path from "node:path";
import {
  LOCK_FILE_NAME,
  lockfileText,
  morphText,
  presetLabel,
  writeFileAtomicSync,
  type EqServices,
  type Lockfile,
} from "../../core/index.js";
import type { AcceptLockParams, AcceptLockResult, LockMove } from "../../protocol/index.js";

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return !relative.startsWith("..") && !path.isAbsolute(relative);
}

/** Every morph of the workspace whose bands moved since the lock, with its cause, largest first. */
function lockMoves(services: EqServices): LockMove[] {
  const moves: LockMove[] = [];
  for (const { file, meaning } of services.workspace.documents()) {
    const key = services.lockKey(file);
    if (key === undefined) continue;
    services.prefetchMorphs(meaning.presets);
    for (const preset of meaning.presets) {
      const moved = preset.morph ? services.lockedChange(preset, file) : undefined;
      if (moved)
        moves.push({
          file: key,
          preset: presetLabel(preset),
          morph: morphText(preset.morph!),
          db: moved.change.db,
          frequencyHz: moved.change.frequencyHz,
          cause: moved.cause,
        });
    }
  }
  return moves.sort((a, b) => Math.abs(b.db) - Math.abs(a.db));
}

/** The new lock: the workspace's morphs now, plus the previous entries of files the editor does not see. */
function mergedLock(services: EqServices, previous: Lockfile | undefined, folders: readonly string[]): Lockfile {
  const built = services.buildLock();
  if (!previous || !services.lockFolder) return built;
  const root = services.lockFolder;
  for (const [key, entries] of Object.entries(previous.presets)) {
    const file = path.join(root, ...key.split("/"));
    if (!(key in built.presets) && !folders.some((folder) => isInside(file, folder))) built.presets[key] = entries;
  }
  return built;
}

function addedMorphs(previous: Lockfile | undefined, next: Lockfile): number {
  let added = 0;
  for (const [file, entries] of Object.entries(next.presets))
    for (const [preset, entry] of Object.entries(entries))
      if (previous?.presets[file]?.[preset]?.morph !== entry.morph) added++;
  return added;
}

/**
 * Lists (and with `write`, accepts) the lock's changes. Refused while the network loads (a lock
 * without the morphs' bands would drop them) or without a folder to hold the lock.
 */
export function acceptLockChanges(
  services: EqServices,
  params: AcceptLockParams,
  folders: readonly string[],
): AcceptLockResult {
  const root = services.lockFolder;
  if (!root) return { refused: `there is no folder to hold ${LOCK_FILE_NAME}: open a folder` };
  if (services.model.networkLoading)
    return { refused: "the model's network is still loading: try again when the status bar shows the model" };
  if (!services.model.semantic) return { refused: "the model's network could not be loaded: no bands to lock" };
  const previous = services.lockfile?.lock;
  const moved = lockMoves(services);
  const next = mergedLock(services, previous, folders);
  const lockFile = path.join(root, LOCK_FILE_NAME);
  const morphs = Object.values(next.presets).reduce((sum, entries) => sum + Object.keys(entries).length, 0);
  if (params.write) {
    writeFileAtomicSync(lockFile, lockfileText(next));
    services.useLockIn(root);
  }
  return {
    lockFile,
    morphs,
    moved,
    added: addedMorphs(previous, next),
    ...(previous && previous.model.id !== next.model.id
      ? { model: { from: previous.model.id, to: next.model.id } }
      : {}),
    written: params.write,
  };
}
