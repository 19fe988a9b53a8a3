/** Hover: what a band, a value, a word or a preset is, with the allowed range and the musical note. */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Hover, Position } from "vscode-languageserver";
import {
  AUDIBLE_RANGE,
  BAND_TYPE_INFO,
  GAIN_RANGE,
  OUTPUT_GAIN_RANGE,
  Q_RANGE,
  SHELF_Q,
  describeNote,
  displayFrequency,
  displayGain,
  displayQ,
  formatDecimal,
  effectiveBands,
  locate,
  logFrequencies,
  markdownText,
  morphTerms,
  presetLabel,
  responseDb,
  SLOTS,
  summariseCurve,
  LOCK_FILE_NAME,
  pathOfUri,
  type EqBand,
  type Located,
  type ResolvedPreset,
  type BandId,
  hasGain,
  isSafeSlot,
  leadingComment,
  type UseStatement,
} from "../../core/index.js";
import { bandRole, filterRows, usedChainTable } from "./bandRole.js";
import { drawableBands, headroomPeakDb } from "../../core/eq/index.js";
import { curvesSvg } from "../../core/diff/index.js";
import { formatDescription, type WordInfo, type WordSource } from "../../core/model/index.js";
import type { ParsedDocument } from "./documentStore.js";
import type { EqServices } from "../../core/index.js";
import { presetCurve, type CurveRenderer } from "./preview.js";
import { WordCatalogue } from "./wordInfo.js";

export class HoverProvider {
  /** Whether hovers carry the curve as an image; editors that show markdown as text would show base64. */
  images = true;

  constructor(
    private readonly services: EqServices,
    private readonly curves: CurveRenderer,
  ) {}

  hover(parsed: ParsedDocument, position: Position): Hover | null {
    const found = locate(parsed.ast, position, parsed.presets);
    if (!found) return null;
    const markdown = this.describe(found, parsed);
    return markdown ? { contents: { kind: "markdown", value: markdown }, range: found.range } : null;
  }

  private describe(found: Located, parsed: ParsedDocument): string | undefined {
    switch (found.kind) {
      case "presetKeyword":
      case "presetName": {
        const picture = this.picture(found.preset, undefined, true, parsed);
        return [
          picture.image,
          `**Preset ${markdownText(presetLabel(found.preset))}** · ${presetFacts(found.preset)}${picture.numbers ? ` · ${picture.numbers}` : ""}`,
          presetDetails(found.preset),
          this.soundsLike(found.preset, parsed),
          ...picture.notes,
        ]
          .filter(Boolean)
          .join("\n\n");
      }
      case "bandKeyword": {
        const slot = found.resolved?.slot;
        const info = BAND_TYPE_INFO[found.band.bandType];
        if (!slot)
          return `**${info.label}** — no band left: the SAFE EQ has ${found.band.replacesBell > 0 ? `one Bell ${found.band.replacesBell}` : `one ${found.band.bandType}`}.`;
        const role =
          found.resolved &&
          bandRole(found.preset, found.resolved, presetCurve(found.preset, this.services, parsed).generated);
        const rows =
          found.resolved && !hasGain(slot.id)
            ? filterRows(found.resolved, found.preset.sampleRate)
            : [
                "| | value | SAFE range |",
                "|---|---|---|",
                `| frequency | ${found.resolved?.frequencyHz !== undefined ? frequencyWithNote(found.resolved.frequencyHz) : "—"} | ${displayFrequency(slot.frequency.min)}–${displayFrequency(slot.frequency.max)} |`,
                `| gain | ${found.resolved?.gainDb !== undefined ? displayGain(found.resolved.gainDb) : "—"} | ±${GAIN_RANGE.max} dB |`,
                slot.hasQ
                  ? `| Q | ${displayQ(found.resolved?.q ?? 0)} (${formatDecimal(bandwidthOctaves(found.resolved?.q ?? 1), 2)} oct) | ${Q_RANGE.min}–${Q_RANGE.max} |`
                  : `| Q | ${SHELF_Q} (fixed) | — |`,
              ];
        const picture = this.picture(found.preset, slot.id, true, parsed);
        return [
          picture.image,
          `**${slot.label}** (${info.label.toLowerCase()})${picture.numbers ? ` — ${picture.numbers}` : ""}`,
          role ? `This line ${role}.` : undefined,
          rows.join("\n"),
          slot.description,
          ...picture.notes,
        ]
          .filter(Boolean)
          .join("\n\n");
      }
      case "bandValue":
        return describeBandValue(found);
      case "morphKeyword": {
        // The morph's own text already says when the network is still loading.
        const picture = this.picture(found.preset, undefined, false, parsed);
        const file = pathOfUri(parsed.uri);
        const moved = file ? this.lockMoved(found.preset, file) : undefined;
        return [
          moved?.image ?? picture.image,
          moved?.text,
          this.describeMorph(found.statement, found.preset, picture.numbers),
          ...picture.notes,
        ]
          .filter(Boolean)
          .join("\n\n");
      }
      case "word":
        return this.describeWord(found.term.word, found.term.text, found.preset.sampleRate);
      case "weight": {
        const weight = found.term.weight!;
        if (weight.unit !== undefined || !Number.isFinite(weight.value))
          return `**weight** — a plain number: 1 is the word at full strength.`;
        const percent = formatDecimal(weight.value * 100, 1);
        const direction =
          weight.value < 0
            ? `away from '${markdownText(found.term.word)}' (its opposite)`
            : `from flat towards '${markdownText(found.term.word)}'`;
        return `**weight ${formatDecimal(weight.value, 4)}** — ${percent}% of the way ${direction}.`;
      }
      case "sampleRate": {
        const value = found.statement.value;
        if (!value) return "**samplerate** — the sample rate the preset is checked and exported at.";
        return `**Sample rate** ${displayFrequency(value.value)} — Nyquist frequency ${displayFrequency(value.value / 2)}: bands at or above it cannot be realised.${found.preset ? "" : " Applies to every preset of this file that sets none."}`;
      }
      case "use":
        return this.describeUse(found.statement, found.preset, parsed);
      case "outputGain": {
        const value = found.statement.value;
        return `**Output gain**${value ? ` ${displayGain(value.value)}` : ""} — a trim applied after the EQ, to keep headroom or match loudness (range ±${OUTPUT_GAIN_RANGE.max} dB).`;
      }
    }
  }

  private describeMorph(
    morph: Extract<Located, { kind: "morphKeyword" }>["statement"],
    preset: ResolvedPreset,
    numbers: string | undefined,
  ): string {
    const mix = morph.terms
      .map(
        (term) =>
          `${markdownText(term.word)} ${formatDecimal(term.weight?.unit === undefined && term.weight ? term.weight.value : 1, 3)}`,
      )
      .join(" · ");
    const heading = `**morph** ${mix || "(no words yet)"}${numbers ? ` — ${numbers}` : ""}`;
    const explanation =
      "The words' EQs mixed by the model, each weight relative to a flat EQ (1 = the word at full strength, negative = its opposite).";
    const terms = morphTerms(morph);
    const generated = terms ? this.services.resolveTerms(terms) : undefined;
    if (!generated) {
      const why = this.services.model.semantic
        ? "Fix the words and weights to see the bands."
        : this.services.model.networkLoading
          ? "The model's network is loading: the bands and the curve appear when it is ready."
          : "The model's network could not be loaded: no bands.";
      return [heading, explanation, why].join("\n\n");
    }
    const replacing = (band: EqBand) => preset.bands.find((explicit) => explicit.slot.id === band.slot);
    const rows = generated.map((band) => {
      const line = replacing(band)?.statement.range.start.line;
      return bandRow(band, line !== undefined ? ` (replaced by line ${line + 1})` : "");
    });
    const added = preset.bands.filter((band) => !isSafeSlot(band.slot.id));
    if (added.length > 0)
      rows.push(
        `| + ${added.map((band) => `${band.slot.label} (line ${band.statement.range.start.line + 1})`).join(", ")} | added | | |`,
      );
    const bands = effectiveBands(preset, generated);
    const frequencies = logFrequencies(200, 20, Math.min(20000, preset.sampleRate * 0.49));
    const summary = summariseCurve(frequencies, responseDb(bands, frequencies, preset.sampleRate));
    // Without the output gain: this line describes the EQ's shape, the heading's peak what reaches the output.
    const shape = `Curve: ${summary} (the EQ alone, output gain not included).`;
    return [heading, `${BAND_TABLE_HEADER}\n${rows.join("\n")}`, shape, explanation].join("\n\n");
  }

  /**
   * The preset's response as an image, its numbers in one line (peak and pre-gain, output gain
   * included, and saying so: the morph's shape line does not include it) and notes. A base64
   * `data:` URI: VS Code's hover renders data images whatever the markdown's trust, and base64 keeps
   * the URI free of spaces and brackets that would end the markdown link. The image comes first in
   * every hover because VS Code clips hovers at about 250 px: below a table it would be out of sight.
   */
  private picture(
    preset: ResolvedPreset,
    highlight?: BandId,
    notePending = true,
    meaning?: ParsedDocument,
  ): HoverPicture {
    const curve = presetCurve(preset, this.services, meaning);
    if (curve.pending) return { notes: notePending && curve.message ? [`_${curve.message}_`] : [] };
    const rendered = this.curves.render(curve.bands, preset.sampleRate, curve.outputGainDb, {
      highlight,
      title: preset.name ?? "Preset",
    });
    const { peakDb, peakFrequencyHz, suggestedPreGainDb } = rendered.analysis;
    const image = this.images ? svgImage(rendered.svg, presetLabel(preset)) : undefined;
    const withTrim = `incl. output gain ${displayGain(curve.outputGainDb)}`;
    const numbers =
      peakDb > 0
        ? `Peak boost ${displayGain(headroomPeakDb(peakDb))} at ${displayFrequency(peakFrequencyHz)} (${withTrim}) · suggested pre-gain ${displayGain(suggestedPreGainDb)}`
        : `No boost above 0 dB (highest ${displayGain(peakDb)}, ${withTrim}): no pre-gain needed`;
    const skipped = curve.bands.length - rendered.bands.length;
    const notes = [
      curve.message,
      skipped > 0 ? `${skipped} band${skipped === 1 ? "" : "s"} with unusable values not drawn.` : undefined,
    ].filter((note): note is string => Boolean(note));
    return { image, numbers, notes };
  }

  /**
   * A morph whose bands moved since the lock: the locked curve (dashed) and the new one (solid) in
   * one picture with a legend, and a line with the size of the change and its cause.
   */
  private lockMoved(preset: ResolvedPreset, file: string): { image?: string; text: string } | undefined {
    const moved = this.services.lockedChange(preset, file);
    if (!moved) return undefined;
    const { db, frequencyHz } = moved.change;
    const text =
      `**Moved since ${LOCK_FILE_NAME}** by up to ${displayGain(db)} at ${displayFrequency(frequencyHz)}: ${markdownText(moved.cause)}.` +
      (this.images ? " Dashed: the locked bands; solid: the bands now (the morph alone, without band lines)." : "");
    if (!this.images) return { text };
    const frequencies = logFrequencies(240, 20, Math.min(20000, preset.sampleRate * 0.49));
    const curve = (bands: readonly EqBand[]) =>
      responseDb(drawableBands(bands, preset.sampleRate), frequencies, preset.sampleRate);
    const svg = curvesSvg(
      frequencies,
      [
        {
          values: curve(moved.entry.bands),
          className: "curve-locked",
          colour: "#c792ea",
          dashed: true,
          label: "locked",
        },
        { values: curve(moved.bands), className: "curve-now", colour: "#4fc3f7", dashed: false, label: "now" },
      ],
      drawableBands(moved.bands, preset.sampleRate),
      { title: `${presetLabel(preset)}: locked (dashed) and now (solid)` },
    );
    return { image: svgImage(svg, `${presetLabel(preset)}, locked and now`), text };
  }

  /**
   * A `use` line: what it brings in (the used preset's chain, drawn and listed), where the preset
   * is, and what its comment says of its source or reasoning; or why it brings nothing.
   */
  private describeUse(statement: UseStatement, preset: ResolvedPreset, parsed: ParsedDocument): string {
    const resolver = this.services.useResolver();
    const home = this.services.homeOf(preset, parsed);
    const problem = resolver.problemAt(statement, home);
    const found = resolver.target(statement, home);
    if (problem || !("home" in found))
      return `**use** — ${markdownText(problem?.message ?? "starts the preset from another preset's chain")}`;
    const used = found.home;
    const chain = resolver.chain(used);
    const file = used.file === undefined ? "this document" : path.basename(used.file);
    const place = `${file}:${used.preset.range.start.line + 1}`;
    const where = used.library ? `the library (${place})` : place;
    const rendered = this.curves.render(chain.bands, preset.sampleRate, chain.outputGainDb, {
      title: used.preset.name ?? "Preset",
    });
    const comment = leadingComment(used.meaning, used.preset);

    return [
      this.images ? svgImage(rendered.svg, presetLabel(used.preset)) : undefined,
      `**use ${markdownText(presetLabel(used.preset))}** — from ${markdownText(where)} · ${chain.bands.length} band${chain.bands.length === 1 ? "" : "s"}, output gain ${displayGain(chain.outputGainDb)}`,
      comment
        ? comment
            .split("\n")
            .map((line) => `> ${markdownText(line)}`)
            .join("\n")
        : undefined,
      usedChainTable(chain.bands),
      "The preset starts from this chain; its own lines apply after it (gains add up).",
    ]
      .filter(Boolean)
      .join("\n\n");
  }

  /** The curve of `morph word` at full strength, drawn like a preset's; undefined without images or bands. */
  private wordImage(word: string, sampleRate: number): string | undefined {
    if (!this.images) return undefined;
    const bands = this.services.resolveTerms([{ word, weight: 1 }]);
    if (!bands) return undefined;
    const rendered = this.curves.render(bands, sampleRate, 0, { title: word });
    return svgImage(rendered.svg, `'${word}'`);
  }

  /**
   * For a preset of explicit bands, or one that uses others: the words of the model nearest to the
   * chain it sounds as (the used presets' chains flattened in) and its filters named as filters. A
   * morph alone says its own words.
   */
  private soundsLike(preset: ResolvedPreset, parsed: ParsedDocument): string | undefined {
    if (preset.morph && preset.uses.length === 0) return undefined;
    const curve = presetCurve(preset, this.services, parsed);
    if (curve.pending) return undefined;
    const bands = drawableBands(curve.bands, preset.sampleRate);
    if (bands.length === 0) return undefined;
    const terms = this.services.model.describe(bands);
    if (!terms) return undefined;
    const used = curve.usedBands > 0 ? " (with the presets it uses)" : "";
    return `Sounds like${used}: ${formatDescription(terms, bands)}`;
  }

  /**
   * For a team word in use (not shadowed by a bundled word): the tagged presets that define it, each
   * a link to its tag (VS Code opens `file:` links with a `#L<line>,<column>` fragment there).
   */
  private definingPresets(word: string): string | undefined {
    const team = this.services.model.teamWord(word);
    if (!team || this.services.model.bundledVocabulary.lookup(word)) return undefined;
    const shown = team.examples.slice(0, MAX_LISTED_PRESETS);
    // One paragraph, not a list: the hover is clipped at about 250 px, under the curve.
    const links = shown.map((example) => {
      const { line, character } = example.range.start;
      const target = `${pathToFileURL(example.file).toString()}#L${line + 1},${character + 1}`;
      return `[${markdownText(example.preset)}](${target}) (${markdownText(path.basename(example.file))}:${line + 1})`;
    });
    const more = team.examples.length - shown.length;
    if (more > 0) links.push(`and ${more} more`);
    const count = team.examples.length;
    return `A team word, defined by ${count} tagged preset${count === 1 ? "" : "s"}: ${links.join(", ")}.`;
  }

  private describeWord(word: string, text: string, sampleRate: number): string {
    const info = new WordCatalogue(this.services).lookup(word);
    if (!info) return `**${markdownText(text)}** — not a word the model knows.`;
    const lines = [wordHeading(info), "", confidenceLine(info)];
    const definedBy = this.definingPresets(info.word);
    if (definedBy) lines.push("", definedBy);
    const image = this.wordImage(info.word, sampleRate);
    // First, as in the morph hover: VS Code clips hovers, and the curve is what a designer reads first.
    if (image) lines.unshift(image, "");
    const model = this.services.model.semantic?.word(info.word);
    if (model) {
      const { p10, p90 } = model.percentiles;
      const gainRange = (index: number) => `${displayGain(p10[index]!)} … ${displayGain(p90[index]!)}`;
      const frequencyRange = (index: number) => `${displayFrequency(p10[index]!)} … ${displayFrequency(p90[index]!)}`;
      lines.push(
        "",
        "Typical settings in the data (10th–90th percentile):",
        "",
        "| band | gain | frequency |",
        "|---|---|---|",
        `| Low shelf | ${gainRange(0)} | ${frequencyRange(1)} |`,
        `| Bell 1 | ${gainRange(2)} | ${frequencyRange(3)} |`,
        `| Bell 2 | ${gainRange(5)} | ${frequencyRange(6)} |`,
        `| Bell 3 | ${gainRange(8)} | ${frequencyRange(9)} |`,
        `| High shelf | ${gainRange(11)} | ${frequencyRange(12)} |`,
      );
      const bands = this.services.resolveTerms([{ word: info.word, weight: 1 }]);
      if (bands)
        lines.push(
          "",
          `'${markdownText(info.word)}' at full strength:`,
          "",
          BAND_TABLE_HEADER,
          ...bands.map((band) => bandRow(band, "")),
        );
    }
    return lines.join("\n");
  }
}

/** A team word's hover lists at most this many of its presets (a word may be tagged thousands of times). */
const MAX_LISTED_PRESETS = 10;

interface HoverPicture {
  image?: string;
  /** One line: the peak and the pre-gain, output gain included. */
  numbers?: string;
  notes: string[];
}

/**
 * An SVG as a markdown image: a base64 `data:` URI, which VS Code's hover renders whatever the
 * markdown's trust, and which has no spaces or brackets to end the markdown link.
 */
function svgImage(svg: string, label: string): string {
  return `![Frequency response of ${markdownText(label)}](data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")})`;
}

const BAND_TABLE_HEADER = "| band | frequency | gain | Q |\n|---|---|---|---|";
function bandRow(band: EqBand, note: string): string {
  const slot = SLOTS.find((candidate) => candidate.id === band.slot)!;
  return `| ${slot.label}${note} | ${displayFrequency(band.frequencyHz)} | ${displayGain(band.gainDb)} | ${slot.hasQ ? displayQ(band.q) : "—"} |`;
}

function describeBandValue(found: Extract<Located, { kind: "bandValue" }>): string {
  const slot = found.resolved?.slot;
  const value = found.quantity.value;
  switch (found.role) {
    case "frequency": {
      const range = slot
        ? `${slot.label} range: ${displayFrequency(slot.frequency.min)}–${displayFrequency(slot.frequency.max)}.`
        : "";
      const nyquist = `Nyquist at ${displayFrequency(found.preset.sampleRate)}: ${displayFrequency(found.preset.sampleRate / 2)}.`;
      const audible =
        value < AUDIBLE_RANGE.min || value > AUDIBLE_RANGE.max ? " Outside the audible range 20 Hz–20 kHz." : "";
      return `**Frequency** ${frequencyWithNote(value)}\n\n${range} ${nyquist}${audible}`.trim();
    }
    case "gain": {
      const factor = Math.pow(10, value / 20);
      return `**Gain** ${displayGain(value)} — ${value >= 0 ? "boost" : "cut"}, ×${formatDecimal(factor, 2)} in amplitude.\n\nRange ±${GAIN_RANGE.max} dB.`;
    }
    case "q":
      if (found.band.bandType !== "bell")
        return `**Q** — shelves in the SAFE EQ have a fixed Q of ${SHELF_Q}; this value is ignored.`;
      return `**Q** ${displayQ(value)} — bandwidth ${formatDecimal(bandwidthOctaves(value), 2)} octaves; higher is narrower.\n\nRange ${Q_RANGE.min}–${Q_RANGE.max}.`;
    default:
      return `**${found.quantity.text}** — not used: a band takes one frequency (Hz/kHz), one gain (dB) and, for bells, one q.`;
  }
}

/** The preset's settings in a few words, for the hover's one line of numbers. */
function presetFacts(preset: ResolvedPreset): string {
  // The output gain is in the peak's figure that follows ("incl. output gain …").
  return `${displayFrequency(preset.sampleRate)}${preset.sampleRateExplicit ? "" : " (default)"}`;
}

/** The preset's morph and explicit bands, below the picture and the numbers. */
function presetDetails(preset: ResolvedPreset): string {
  const lines: string[] = [];
  if (preset.morph)
    lines.push(
      `Morph: ${preset.morph.terms.map((term) => `${markdownText(term.word)}${term.weight ? ` ${term.weight.text}` : ""}`).join(" ") || "(empty)"}`,
    );
  if (preset.bands.length > 0) {
    if (lines.length > 0) lines.push("");
    lines.push(BAND_TABLE_HEADER);
    for (const band of preset.bands) {
      lines.push(
        `| ${band.slot.label} | ${band.frequencyHz !== undefined ? displayFrequency(band.frequencyHz) : "—"} | ${band.gainDb !== undefined ? displayGain(band.gainDb) : "—"} | ${displayQ(band.q)} |`,
      );
    }
  }
  return lines.join("\n");
}

/** A word's heading in hovers and completion: the word and its summary, both from files (Markdown-escaped). */
export function wordHeading(info: WordInfo): string {
  return `**${markdownText(info.word)}**${info.summary ? ` — ${markdownText(info.summary)}` : ""}`;
}

/** "Confidence: high — 532 examples from SAFE-DB, 64 from SocialFX (596 in all), agreement 0.97", or the count alone. */
export function confidenceLine(info: WordInfo): string {
  const count = `${info.examples} example${info.examples === 1 ? "" : "s"}`;
  const confidence = info.confidence;
  if (!confidence)
    return `${count} in SAFE-DB${info.examples < 10 ? " (few: a rough guess)" : ""}; no confidence measured for this model.`;
  const sources = Object.entries(confidence.sources).filter(
    (entry): entry is [string, number] => typeof entry[1] === "number" && entry[1] > 0,
  );
  const parts = sources.map(
    ([source, n], index) =>
      `${n}${index === 0 ? ` example${n === 1 ? "" : "s"}` : ""} from ${SOURCE_NAMES[source as WordSource] ?? source}`,
  );
  const where =
    parts.length === 0 ? count : `${parts.join(", ")}${parts.length > 1 ? ` (${info.examples} in all)` : ""}`;
  const agreement = confidence.agreement !== undefined ? `, agreement ${formatDecimal(confidence.agreement, 2)}` : "";
  return `Confidence: **${confidence.level}** — ${where}${agreement}.`;
}

const SOURCE_NAMES: Record<WordSource, string> = { safe: "SAFE-DB", socialfx: "SocialFX", team: "team presets" };

function frequencyWithNote(hz: number): string {
  const note = describeNote(hz);
  return note ? `${displayFrequency(hz)} (${note})` : displayFrequency(hz);
}

/** Bandwidth in octaves of a peaking filter of this Q (RBJ cookbook definition). */
export function bandwidthOctaves(q: number): number {
  return (2 / Math.LN2) * Math.asinh(1 / (2 * q));
}
