/**
 * Where a `use` line looks (presets/uses.ts): the workspace index's presets by name, the shipped
 * library, and a file named after `from`, relative to the using file's folder.
 */
import * as path from "node:path";
import { readRegularFile } from "../files/index.js";
import { readDocument, type DocumentMeaning, type PresetHome, type UseLookup } from "../presets/index.js";
import type { PresetLibrary } from "./library.js";
import { MAX_PRESET_FILE_BYTES } from "./walk.js";
import type { WorkspaceIndex } from "./workspace.js";

export class WorkspaceUseLookup implements UseLookup {
  constructor(
    private readonly workspaceIndex: WorkspaceIndex,
    private readonly presetLibrary: PresetLibrary,
  ) {}

  workspace(key: string, exceptFile: string | undefined): PresetHome[] {
    return this.workspaceIndex.presetsNamed(key).filter((home) => home.file !== exceptFile);
  }

  library(key: string): PresetHome | undefined {
    return this.presetLibrary.find(key);
  }

  names(): { workspace: string[]; library: string[] } {
    const named = (presets: readonly { name?: string }[]) =>
      presets.flatMap((preset) => (preset.name === undefined ? [] : [preset.name]));
    return {
      workspace: this.workspaceIndex.documents().flatMap(({ meaning }) => named(meaning.presets)),
      library: named(this.presetLibrary.all().map((home) => home.preset)),
    };
  }

  file(
    written: string,
    relativeTo: string | undefined,
  ): { meaning: DocumentMeaning; file: string; library: boolean } | string {
    const file = path.resolve(relativeTo === undefined ? "." : path.dirname(relativeTo), written);
    const known = this.workspaceIndex.meaningOf(file);
    if (known) return { meaning: known, file, library: false };
    const library = this.presetLibrary.document(file);
    if (library) return { meaning: library, file, library: true };
    // A file outside the workspace (or not indexed yet) is read as it is on disk.
    const read = readRegularFile(file, MAX_PRESET_FILE_BYTES);
    if (!("text" in read)) return `No file ${written} next to this one (${file} ${read.problem})`;
    return { meaning: readDocument(read.text), file, library: false };
  }
}
