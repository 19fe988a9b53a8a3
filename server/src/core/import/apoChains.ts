/**
 * The filter chains an Equalizer APO file runs, as APO runs them: `Channel: L R` makes the lines
 * after it apply to those channels only (`Channel: all` to every one), each Preamp to its own
 * channels; of an `If:` … `ElseIf:` … `Else:` … `EndIf:` block APO runs one branch, decided at run
 * time from the device and the sample rate, so the import takes the first (`If:`) branch and says
 * which lines it left out. Channels whose chains are the same line for line become one chain.
 */
import type { ApoLine } from "./apoParser.js";

export interface ApoChain {
  /** The channels this chain is for; empty when the file names no channel (every channel). */
  channels: string[];
  /** The lines that run on these channels, in file order (structure lines included, to report them). */
  lines: ApoLine[];
}

export interface ChainSplit {
  chains: ApoChain[];
  /** Every channel the file names, in order of first mention. */
  channels: string[];
  /** Lines of branches that are not imported, with why. */
  skipped: { line: number; column: number; message: string }[];
}

const STRUCTURE = new Set(["channel", "if", "elseif", "else", "endif"]);

function commandOf(line: ApoLine): string | undefined {
  return line.kind === "other" ? line.command.toLowerCase() : undefined;
}

export function isStructureLine(line: ApoLine): boolean {
  const command = commandOf(line);
  return command !== undefined && STRUCTURE.has(command);
}

export function splitChains(lines: readonly ApoLine[]): ChainSplit {
  const records: { line: ApoLine; selection: string[] | "all" }[] = [];
  const channels: string[] = [];
  const skipped: ChainSplit["skipped"] = [];
  let selection: string[] | "all" = "all";
  // Per open If block: whether the branch being read is the one imported; depth of Ifs inside a left-out branch.
  const branches: { importing: boolean; started: number }[] = [];
  let skippedStart: number | undefined;
  const importing = () => branches.every((branch) => branch.importing);
  for (const line of lines) {
    const command = commandOf(line);
    if (command === "if") {
      branches.push({ importing: importing(), started: line.line });
    } else if ((command === "elseif" || command === "else") && branches.length > 0) {
      const top = branches[branches.length - 1]!;
      const outerImporting = branches.slice(0, -1).every((branch) => branch.importing);
      if (top.importing) skippedStart = line.line;
      top.importing = false;
      if (!outerImporting) continue;
    } else if (command === "endif" && branches.length > 0) {
      const top = branches.pop()!;
      if (!top.importing && skippedStart !== undefined && importing()) {
        skipped.push({
          line: skippedStart,
          column: 1,
          message: `lines ${skippedStart}–${line.line - 1} not imported: Equalizer APO runs one branch of the If: block of line ${top.started}, chosen when it runs; the first branch is imported`,
        });
        skippedStart = undefined;
      }
    }
    if (!importing() && command !== "if") continue;
    if (!importing()) continue;
    if (command === "channel" && line.kind === "other") {
      const names = line.text
        .slice(line.text.indexOf(":") + 1)
        .trim()
        .split(/\s+/)
        .filter(Boolean);
      if (names.some((name) => name.toLowerCase() === "all") || names.length === 0) selection = "all";
      else {
        selection = names;
        for (const name of names) if (!channels.includes(name)) channels.push(name);
      }
    }
    records.push({ line, selection });
  }
  if (skippedStart !== undefined)
    skipped.push({
      line: skippedStart,
      column: 1,
      message: `lines from ${skippedStart} not imported: a branch of an If: block without EndIf:, which Equalizer APO may not run`,
    });
  if (channels.length === 0)
    return { chains: [{ channels: [], lines: records.map((record) => record.line) }], channels, skipped };
  const chains: ApoChain[] = [];
  for (const channel of channels) {
    // Structure lines go into every chain, so each preset names them; filters only where they run.
    const own = records
      .filter(
        (record) => isStructureLine(record.line) || record.selection === "all" || record.selection.includes(channel),
      )
      .map((record) => record.line);
    const same = chains.find(
      (chain) => chain.lines.length === own.length && chain.lines.every((line, index) => line === own[index]),
    );
    if (same) same.channels.push(channel);
    else chains.push({ channels: [channel], lines: own });
  }
  return { chains, channels, skipped };
}
