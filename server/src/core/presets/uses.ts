/**
 * `use "VO clean"`: a preset that starts from another preset's whole chain. This module finds the
 * used preset (the same file, then the workspace, then the shipped library; `from "file"` picks a
 * file) and flattens a preset into the chain it sounds as: each used preset's chain in order, then
 * the preset's own bands; the output gains add up, as gain stages in series do.
 *
 * Where presets live is the caller's (services/useLookup.ts): the workspace index and the library.
 * Every look-up is by a name index made once per document, and each preset is flattened once per
 * resolver, so a file of many `use` lines costs one pass, not a pass per line.
 */
import type { EqBand } from "../eq/index.js";
import type { UseStatement } from "../language/index.js";
import type { DocumentMeaning } from "./document.js";
import { effectiveBands } from "./expand.js";
import { presetLabel, type ResolvedPreset } from "./presets.js";

/** A preset with where it was found: its file (absolute; the library's file for a library preset). */
export interface PresetHome {
  preset: ResolvedPreset;
  meaning: DocumentMeaning;
  /** Undefined for a document with no file (an untitled editor). */
  file: string | undefined;
  /** True for a preset of the shipped library. */
  library: boolean;
}

/** Where the presets a `use` may name are: the caller's workspace and library. */
export interface UseLookup {
  /** The workspace's presets named `key` (see {@link nameKey}), in files other than `exceptFile`. */
  workspace(key: string, exceptFile: string | undefined): PresetHome[];
  /** The shipped library's preset named `key`. */
  library(key: string): PresetHome | undefined;
  /** Every named preset's name, as written, in the workspace and in the library: a missing name's "did you mean". */
  names(): { workspace: string[]; library: string[] };
  /** The document of `file` (as written after `from`, relative to `relativeTo`'s folder), or why not. */
  file(
    file: string,
    relativeTo: string | undefined,
  ): { meaning: DocumentMeaning; file: string; library: boolean } | string;
}

/**
 * Whether a preset's sound may need the model: it has a morph, or uses a preset (which may have
 * one). What the CLI asks before it loads the network.
 */
export function mayNeedModel(preset: ResolvedPreset): boolean {
  return preset.morph !== undefined || preset.uses.length > 0;
}

/** A name as look-ups compare it: outer spaces and case aside. */
export function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

const namesByDocument = new WeakMap<DocumentMeaning, Map<string, ResolvedPreset[]>>();

/** The named presets of a document by {@link nameKey}: made once per document. */
export function presetsByName(meaning: DocumentMeaning): Map<string, ResolvedPreset[]> {
  let names = namesByDocument.get(meaning);
  if (!names) {
    names = new Map();
    for (const preset of meaning.presets) {
      if (preset.name === undefined) continue;
      const key = nameKey(preset.name);
      const list = names.get(key);
      if (list) list.push(preset);
      else names.set(key, [preset]);
    }
    namesByDocument.set(meaning, names);
  }
  return names;
}

/** Why a `use` line gives nothing: its diagnostic's message and kind. */
export interface UseProblem {
  kind: "no-name" | "missing" | "ambiguous" | "cycle";
  message: string;
}

export type UseTarget = { home: PresetHome } | { problem: UseProblem };

/** A preset's chain as it sounds: the bands in order and the output gain. */
export interface FlatChain {
  bands: EqBand[];
  outputGainDb: number;
}

/** How a preset's own morph is generated (undefined: no morph, or it cannot be generated now). */
export type GenerateOwn = (preset: ResolvedPreset) => readonly EqBand[] | undefined;

function shownFile(file: string | undefined): string {
  return file === undefined ? "this document" : (file.split(/[\\/]/).pop() ?? file);
}

/**
 * Finds used presets and flattens chains. Memoised per preset object: make one per check or
 * request (a later edit makes new objects, so a long-lived resolver would only hold stale ones).
 */
export class UseResolver {
  private readonly chains = new Map<ResolvedPreset, FlatChain>();
  private readonly targets = new Map<UseStatement, UseTarget>();
  /** The presets being flattened, outermost first: a use of one of them is a cycle. */
  private readonly visiting: PresetHome[] = [];
  /** The use lines being followed, one per `visiting` entry but the last. */
  private readonly following: UseStatement[] = [];
  /** The use lines found on a cycle (or too deep) while walking. */
  private readonly walkProblems = new Map<UseStatement, UseProblem>();

  constructor(
    private readonly lookup: UseLookup,
    private readonly generate: GenerateOwn,
  ) {}

  /** The preset a `use` line names, from `origin` (the preset holding the line), or why there is none. */
  target(use: UseStatement, origin: PresetHome): UseTarget {
    let found = this.targets.get(use);
    if (!found) {
      found = this.find(use, origin);
      this.targets.set(use, found);
    }
    return found;
  }

  private find(use: UseStatement, origin: PresetHome): UseTarget {
    if (use.name === undefined)
      return problem("no-name", `'use' needs a preset's name in quotes, e.g. use "telephone"`);
    const key = nameKey(use.name);
    const label = `"${use.name}"`;
    if (use.file !== undefined) {
      const document = this.lookup.file(use.file, origin.file);
      if (typeof document === "string") return problem("missing", document);
      const preset = presetsByName(document.meaning)
        .get(key)
        ?.find((named) => named !== origin.preset);
      if (!preset) return problem("missing", `No preset ${label} in ${use.file}`);
      return { home: { preset, meaning: document.meaning, file: document.file, library: document.library } };
    }
    if (use.fromRange) return problem("missing", `'from' needs a file name in quotes, e.g. from "dialogue.eqp"`);
    // A preset cannot use itself: a use of its own name means another preset of that name, further out
    // (`preset "Underwater" { use "underwater" }` builds on the library's).
    const own = presetsByName(origin.meaning)
      .get(key)
      ?.find((preset) => preset !== origin.preset);
    if (own) return { home: { ...origin, preset: own } };
    if (!origin.library) {
      const elsewhere = this.lookup.workspace(key, origin.file).filter((home) => home.preset !== origin.preset);
      const files = [...new Set(elsewhere.map((home) => home.file))];
      if (files.length > 1)
        return problem(
          "ambiguous",
          `${label} is a preset of ${files.length} files (${files.map(shownFile).join(", ")}): choose one, e.g. use ${label} from "${relativeName(files[0], origin.file)}"`,
        );
      if (elsewhere[0]) return { home: elsewhere[0] };
    }
    const library = this.lookup.library(key);
    if (library && library.preset !== origin.preset) return { home: library };
    const itself = origin.preset.name !== undefined && nameKey(origin.preset.name) === key;
    if (itself)
      return problem(
        "missing",
        `No preset ${label} other than this one in ${shownFile(origin.file)}, the workspace or the library (a preset cannot use itself)`,
      );
    return problem("missing", `No preset ${label} in ${shownFile(origin.file)}, the workspace or the library`);
  }

  /** The names a use line of `origin` may mean: its file's other presets, the workspace's (not from the library), the library's. */
  namesFor(origin: PresetHome): string[] {
    const own = origin.meaning.presets.flatMap((preset) =>
      preset === origin.preset || preset.name === undefined ? [] : [preset.name],
    );
    const { workspace, library } = this.lookup.names();
    return [...own, ...(origin.library ? [] : workspace), ...library];
  }

  /** The chain `home`'s preset sounds as: its used presets' chains, then its own bands; gains added. */
  chain(home: PresetHome): FlatChain {
    const known = this.chains.get(home.preset);
    if (known) return known;
    this.visiting.push(home);
    const bands: EqBand[] = [];
    let outputGainDb = 0;
    for (const use of home.preset.uses) {
      const found = this.target(use, home);
      if (!("home" in found)) continue;
      this.following.push(use);
      const used = this.follow(found.home);
      this.following.pop();
      if (!used) continue;
      for (const band of used.bands) bands.push(band);
      outputGainDb += used.outputGainDb;
    }
    this.visiting.pop();
    const generated = home.preset.morph ? this.generate(home.preset) : undefined;
    for (const band of effectiveBands(home.preset, generated ? [...generated] : undefined)) bands.push(band);
    const chain = { bands, outputGainDb: outputGainDb + home.preset.outputGainDb };
    this.chains.set(home.preset, chain);
    return chain;
  }

  /** The chain of a used preset, or undefined when following it closes a cycle or goes too deep (marked). */
  private follow(used: PresetHome): FlatChain | undefined {
    const at = this.visiting.findIndex((visited) => visited.preset === used.preset);
    if (at >= 0) {
      // Every use line on the cycle is marked, whichever preset the walk started from.
      const members = this.visiting.slice(at);
      members.forEach((member, index) => {
        const path = [...members.slice(index), ...members.slice(0, index), member].map((m) => presetLabel(m.preset));
        this.walkProblems.set(this.following[at + index]!, {
          kind: "cycle",
          message: `This use makes a cycle: ${path.join(" → ")}`,
        });
      });
      return undefined;
    }
    if (this.visiting.length >= MAX_USE_DEPTH) {
      this.walkProblems.set(this.following.at(-1)!, {
        kind: "cycle",
        message: `Presets used through more than ${MAX_USE_DEPTH} levels: the chain stops here`,
      });
      return undefined;
    }
    return this.chain(used);
  }

  /** What is wrong with a `use` line of `home`, as far as finding and walking go (the used preset's own errors aside). */
  problemAt(use: UseStatement, home: PresetHome): UseProblem | undefined {
    const found = this.target(use, home);
    if (!("home" in found)) return found.problem;
    this.chain(home);
    return this.walkProblems.get(use);
  }
}

/**
 * Deeper than this, a walk of uses stops (a deeper one could exhaust the stack). Presets already
 * flattened are not walked again, so only a walk that starts at the top of a longer chain meets it.
 */
export const MAX_USE_DEPTH = 1000;

function problem(kind: UseProblem["kind"], message: string): UseTarget {
  return { problem: { kind, message } };
}

/** `file` as written after `from` in a file of the folder of `relativeTo`: its path from there, with `/`. */
function relativeName(file: string | undefined, relativeTo: string | undefined): string {
  if (file === undefined) return "";
  if (relativeTo === undefined) return shownFile(file);
  const from = relativeTo.split(/[\\/]/).slice(0, -1);
  const to = file.split(/[\\/]/);
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  return [...from.slice(common).map(() => ".."), ...to.slice(common)].join("/");
}
