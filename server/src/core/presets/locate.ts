/** What sits at a position of a document: the preset, the statement, and which part of it. */
import {
  containsPosition,
  type BandSlot,
  type BandStatement,
  type MorphTerm,
  type Position,
  type PresetDocument,
  type Quantity,
  type Range,
  type Statement,
} from "../language/index.js";
import { resolvePresets, type ResolvedBand, type ResolvedPreset } from "./presets.js";

export type Located =
  | { kind: "presetKeyword" | "presetName"; preset: ResolvedPreset; range: Range }
  | { kind: "bandKeyword"; preset: ResolvedPreset; band: BandStatement; resolved?: ResolvedBand; range: Range }
  | {
      kind: "bandValue";
      preset: ResolvedPreset;
      band: BandStatement;
      resolved?: ResolvedBand;
      quantity: Quantity;
      role: BandSlot | "other";
      range: Range;
    }
  | { kind: "morphKeyword"; preset: ResolvedPreset; statement: Extract<Statement, { kind: "morph" }>; range: Range }
  | {
      kind: "word" | "weight";
      preset: ResolvedPreset;
      statement: Extract<Statement, { kind: "morph" }>;
      term: MorphTerm;
      range: Range;
    }
  | { kind: "sampleRate"; preset?: ResolvedPreset; statement: Extract<Statement, { kind: "samplerate" }>; range: Range }
  | { kind: "outputGain"; preset: ResolvedPreset; statement: Extract<Statement, { kind: "gain" }>; range: Range }
  | { kind: "use"; preset: ResolvedPreset; statement: Extract<Statement, { kind: "use" }>; range: Range };

export function locate(
  document: PresetDocument,
  position: Position,
  presets: ResolvedPreset[] = resolvePresets(document),
): Located | undefined {
  for (const item of document.items) {
    if (item.kind === "samplerate" && containsPosition(item.range, position))
      return { kind: "sampleRate", statement: item, range: item.range };
  }
  for (const preset of presets) {
    const block = preset.block;
    if (block && containsPosition(block.keywordRange, position))
      return { kind: "presetKeyword", preset, range: block.keywordRange };
    if (block?.nameRange && containsPosition(block.nameRange, position))
      return { kind: "presetName", preset, range: block.nameRange };
    for (const statement of preset.statements) {
      if (!containsPosition(statement.range, position)) continue;
      return locateInStatement(preset, statement, position);
    }
  }
  return undefined;
}

function locateInStatement(preset: ResolvedPreset, statement: Statement, position: Position): Located | undefined {
  switch (statement.kind) {
    case "band": {
      const resolved = preset.bands.find((band) => band.statement === statement);
      if (containsPosition(statement.keywordRange, position))
        return { kind: "bandKeyword", preset, band: statement, resolved, range: statement.keywordRange };
      const parameters = statement.parameters;
      for (let index = 0; index < parameters.length; index++) {
        const parameter = parameters[index]!;
        if (!containsPosition(parameter.range, position)) continue;
        const quantity = parameter.quantity;
        if (!quantity) return { kind: "bandKeyword", preset, band: statement, resolved, range: parameter.range };
        const role = statement.slotOf(index) ?? "other";
        return { kind: "bandValue", preset, band: statement, resolved, quantity, role, range: parameter.range };
      }
      return undefined;
    }
    case "morph": {
      if (containsPosition(statement.keywordRange, position))
        return { kind: "morphKeyword", preset, statement, range: statement.keywordRange };
      for (const term of statement.terms) {
        if (containsPosition(term.wordRange, position))
          return { kind: "word", preset, statement, term, range: term.wordRange };
        if (term.weight && containsPosition(term.weight.range, position))
          return { kind: "weight", preset, statement, term, range: term.weight.range };
      }
      return undefined;
    }
    case "samplerate":
      return { kind: "sampleRate", preset, statement, range: statement.range };
    case "gain":
      return { kind: "outputGain", preset, statement, range: statement.range };
    case "use":
      return { kind: "use", preset, statement, range: statement.range };
    default:
      return undefined;
  }
}
