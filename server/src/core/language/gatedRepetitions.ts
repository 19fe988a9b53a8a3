/**
 * Chevrotain's MANY and OPTION with a GATE, without their garbage. Chevrotain 11 joins the gate
 * to the lookahead in a new closure at every MANY or OPTION that has a GATE. This grammar gates
 * every argument on "same line", so a parse made two or three such closures per line: a good part
 * of what the parser itself allocated, and garbage that made the collector run during the parse
 * (and copy the half-built tree each time).
 *
 * Here the joined lookahead is made once per grammar position (Chevrotain's lookahead key: one DSL
 * call site, so one gate) and put in Chevrotain's own lookahead cache; Chevrotain then runs the
 * repetition or option as written, given the same definition without its GATE. Recovery re-enters
 * through the same key, so it sees the same gated lookahead.
 */
import { EmbeddedActionsParser } from "chevrotain";

type Action = () => unknown;
type Definition = Action | { DEF: Action; GATE?: () => boolean };

/** The parts of Chevrotain's recognizer used here (its looksahead and recognizer_engine traits). */
interface Recognizer {
  getLaFuncFromCache(key: number): (this: unknown) => boolean;
  setLaFuncCache(key: number, lookahead: (this: unknown) => boolean): void;
  optionInternalLogic(definition: Definition, occurrence: number, key: number): unknown;
  manyInternalLogic(prodOccurrence: number, definition: Definition, key: number): void;
}

const recognizer = EmbeddedActionsParser.prototype as unknown as Recognizer;

export abstract class GatedRepetitionsParser extends EmbeddedActionsParser {
  /** Each gated definition without its GATE, and the gate installed at each key. */
  private readonly ungatedDefinitions = new Map<object, Definition>();
  private readonly installedGates = new Map<number, () => boolean>();

  private ungated(definition: Definition, key: number): Definition {
    if (typeof definition === "function" || definition.GATE === undefined) return definition;
    const gate = definition.GATE;
    const installed = this.installedGates.get(key);
    if (installed === undefined) {
      const lookahead = recognizer.getLaFuncFromCache.call(this, key);
      recognizer.setLaFuncCache.call(this, key, function (this: unknown) {
        return gate.call(this) && lookahead.call(this);
      });
      this.installedGates.set(key, gate);
    } else if (installed !== gate) {
      throw new Error("GatedRepetitionsParser: two gates at one grammar position");
    }
    let ungated = this.ungatedDefinitions.get(definition);
    if (!ungated) {
      ungated = { DEF: definition.DEF };
      this.ungatedDefinitions.set(definition, ungated);
    }
    return ungated;
  }

  protected optionInternalLogic(definition: Definition, occurrence: number, key: number): unknown {
    return recognizer.optionInternalLogic.call(this, this.ungated(definition, key), occurrence, key);
  }

  protected manyInternalLogic(prodOccurrence: number, definition: Definition, key: number): void {
    recognizer.manyInternalLogic.call(this, prodOccurrence, this.ungated(definition, key), key);
  }
}
