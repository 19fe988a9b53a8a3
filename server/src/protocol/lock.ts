/**
 * "Accept all lock changes": the server rewrites `eqpreset.lock` from the bands every morph of the
 * workspace resolves to now (the editor's text, the model in use), and says what moved and why.
 */
import { requestBinding } from "./binding.js";

export interface AcceptLockParams {
  /** false: only list what would move (for the confirmation); true: write the lock. */
  write: boolean;
}

/** One morph whose bands moved since the lock. */
export interface LockMove {
  /** The file as the lock names it (relative to the lock's folder, with `/`). */
  file: string;
  preset: string;
  morph: string;
  /** The largest change of its curve (dB, signed) and where. */
  db: number;
  frequencyHz: number;
  /** Why it moved: the model, the tags of a word in a file, a used preset. */
  cause: string;
}

export type AcceptLockResult =
  | {
      /** The lockfile (absolute path). */
      lockFile: string;
      /** Morphs in the new lock. */
      morphs: number;
      moved: LockMove[];
      /** Morphs the lock did not record (or recorded with other words) that it records now. */
      added: number;
      /** The model the lock had and has, when it changes. */
      model?: { from: string; to: string };
      written: boolean;
    }
  | { refused: string };

export const AcceptLockRequest = requestBinding<AcceptLockParams, AcceptLockResult>("eqpreset/acceptLockChanges");

/** The client's command behind "Accept all lock changes" (and the lock-changed quick fix). */
export const ACCEPT_LOCK_COMMAND = "eqpreset.acceptLockChanges";
