/**
 * A diff as people and programs read it: plain text for a terminal, Markdown for a pull-request
 * comment (pictures referenced by file name, written next to it by the caller), and JSON.
 */
import {
  bandChangeText,
  curveChangeText,
  presetName,
  type BandChange,
  type PresetDiff,
  type PresetState,
} from "./compare.js";
import { markdownText } from "../language/index.js";

export interface FileDiff {
  /** The file's path as the user named it. */
  file: string;
  presets: PresetDiff[];
}

export interface DiffReport {
  /** What the old side is ("HEAD~1", or a file's path). */
  before: string;
  /** What the new side is ("working tree", or a file's path). */
  after: string;
  files: FileDiff[];
}

/** Picture file names of preset diffs, as the caller wrote them. */
export type Pictures = ReadonlyMap<PresetDiff, string>;

export function changedPresets(file: FileDiff): PresetDiff[] {
  return file.presets.filter((preset) => preset.kind !== "unchanged");
}

/** "changed", "renamed from "A"", … */
function headline(diff: PresetDiff): string {
  if (diff.kind === "renamed") return `${presetName(diff.name)} renamed from ${presetName(diff.previousName)}`;
  return `${presetName(diff.name)} ${diff.kind}`;
}

/** The lines under a preset's headline: its band and setting changes, and the curve's largest change. */
export function detailLines(diff: PresetDiff): string[] {
  const lines: string[] = [];
  if (diff.kind === "added" || diff.kind === "removed") {
    const state = (diff.after ?? diff.before)!;
    if (state.morph !== undefined) lines.push(`morph ${state.morph}`);
    lines.push(...diff.bands.map((change) => bandChangeText(change).replace(/ (added|removed):/, ":")));
    return lines;
  }
  lines.push(...diff.bands.map(bandChangeText), ...diff.settings);
  if (diff.curve) lines.push(curveChangeText(diff.curve));
  if (diff.cause) lines.push(`why: ${diff.cause}`);
  return lines;
}

export function diffText(report: DiffReport, pictures: Pictures = new Map()): string {
  const out: string[] = [];
  for (const file of report.files) {
    const changed = changedPresets(file);
    if (changed.length === 0) continue;
    out.push(file.file);
    for (const diff of changed) {
      const line = (diff.after ?? diff.before)!.line;
      out.push(`  ${headline(diff)} (line ${line})${pictures.has(diff) ? `: ${pictures.get(diff)}` : ""}`);
      for (const detail of detailLines(diff)) out.push(`    ${detail}`);
    }
  }
  if (out.length === 0) return `no preset changed (${report.before} → ${report.after})\n`;
  return `${out.join("\n")}\n`;
}

function pictureLink(file: string): string {
  // Angle brackets keep spaces and parentheses in a file name a valid link target.
  return `<${file.replace(/[<>]/g, encodeURIComponent)}>`;
}

export function diffMarkdown(report: DiffReport, pictures: Pictures = new Map()): string {
  const files = report.files.filter((file) => changedPresets(file).length > 0);
  const count = files.reduce((sum, file) => sum + changedPresets(file).length, 0);
  const out = [
    `## EQ presets: ${markdownText(report.before)} → ${markdownText(report.after)}`,
    "",
    count === 0
      ? "No preset changed."
      : `${count} preset${count === 1 ? "" : "s"} changed in ${files.length} file${files.length === 1 ? "" : "s"}.`,
  ];
  for (const file of files) {
    out.push("", `### ${markdownText(file.file)}`, "", "| preset | change | largest curve change |", "|---|---|---|");
    for (const diff of changedPresets(file)) {
      const curve = diff.curve ? curveChangeText(diff.curve).replace(/^largest change /, "") : "—";
      const what =
        diff.kind === "renamed"
          ? `renamed from ${markdownText(presetName(diff.previousName))}`
          : diff.kind === "changed"
            ? [
                diff.bands.length > 0 ? `${diff.bands.length} band${diff.bands.length === 1 ? "" : "s"}` : "",
                ...diff.settings.map((setting) => setting.split(" ")[0]!),
                diff.cause ? `because ${diff.cause}` : "",
              ]
                .filter(Boolean)
                .join(", ")
            : diff.kind;
      out.push(`| ${markdownText(presetName(diff.name))} | ${what} | ${curve} |`);
    }
    for (const diff of changedPresets(file)) {
      out.push("", `#### ${markdownText(headline(diff))}`, "");
      for (const detail of detailLines(diff)) out.push(`- ${markdownText(detail)}`);
      const picture = pictures.get(diff);
      const caption =
        diff.kind === "added"
          ? "the new curve"
          : diff.kind === "removed"
            ? "the old curve"
            : "before dashed, after solid";
      if (picture !== undefined)
        out.push("", `![${markdownText(headline(diff))}: ${caption}](${pictureLink(picture)})`);
    }
  }
  return `${out.join("\n")}\n`;
}

function stateJson(state: PresetState | undefined): object | null {
  if (!state) return null;
  return {
    line: state.line,
    sampleRate: state.sampleRate,
    outputGainDb: state.outputGainDb,
    morph: state.morph ?? null,
    bands: state.bands.map((band) => ({
      slot: band.slot,
      frequencyHz: band.frequencyHz,
      gainDb: band.gainDb,
      q: band.q,
    })),
  };
}

function bandJson(change: BandChange): object {
  const values = (band: BandChange["before"]) =>
    band ? { frequencyHz: band.frequencyHz, gainDb: band.gainDb, q: band.q } : null;
  return { slot: change.slot, kind: change.kind, before: values(change.before), after: values(change.after) };
}

export function diffJson(report: DiffReport, pictures: Pictures = new Map()): object {
  return {
    before: report.before,
    after: report.after,
    files: report.files.map((file) => ({
      file: file.file,
      presets: file.presets.map((diff) => ({
        kind: diff.kind,
        name: diff.name ?? null,
        previousName: diff.kind === "renamed" ? (diff.previousName ?? null) : undefined,
        bands: diff.bands.map(bandJson),
        settings: diff.settings,
        curve: diff.curve ?? null,
        cause: diff.cause ?? null,
        picture: pictures.get(diff) ?? null,
        before: stateJson(diff.before),
        after: stateJson(diff.after),
      })),
    })),
  };
}
