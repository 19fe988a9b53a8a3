/**
 * The grammar, as one Chevrotain parser with error recovery on. Statements are line-based: the
 * arguments of `morph` and of a band must stay on the keyword's line, so that a broken or
 * half-typed line never swallows the next one.
 *
 * The parser builds the syntax tree itself, through its actions (astBuilder.ts): building a CST
 * and then walking it cost five times the recognition. Chevrotain's recovery (and so every syntax
 * error) follows from the rules that can fail (document, preset) and the rule stack above a
 * failure; the choice of statement, a morph's words and a band's parameters are read inside the
 * rule around them rather than by a rule each, since nothing in them can fail. The alternatives and repetition bodies are
 * built once, not at each rule call, as Chevrotain's performance guide advises.
 */
import {
  type IToken,
  type ILexingError,
  type IOrAlt,
  type IRecognitionException,
  type ITokenGrammarPath,
  type TokenType,
} from "chevrotain";
import type { BandType, PresetBlock, Statement } from "./ast.js";
import { TreeBuilder } from "./astBuilder.js";
import { GatedRepetitionsParser } from "./gatedRepetitions.js";
import * as t from "./lexer.js";
import { scan } from "./scanner.js";
import { syntaxMessages } from "./syntaxMessages.js";

type Alternatives = IOrAlt<IToken | void>[];

class EqPresetParser extends GatedRepetitionsParser {
  /** What the actions build; read after each parse. */
  readonly tree = new TreeBuilder();

  constructor() {
    super(t.allTokens, { recoveryEnabled: true, maxLookahead: 2, errorMessageProvider: syntaxMessages });
    this.performSelfAnalysis();
  }

  private readonly nextTokenTypes = new Map<string, TokenType[]>();

  /**
   * Chevrotain walks the grammar again for every recovered error to find the tokens that may come
   * next; the answer depends only on the grammar path, so it is computed once per path. Without
   * this, text full of errors parsed at a tenth of the speed of clean text.
   */
  protected override getNextPossibleTokenTypes(path: ITokenGrammarPath): TokenType[] {
    const key = `${path.ruleStack.join(">")}|${path.occurrenceStack.join(">")}|${path.lastTok.name}|${path.lastTokOccurrence}`;
    let next = this.nextTokenTypes.get(key);
    if (!next) {
      next = super.getNextPossibleTokenTypes(path);
      this.nextTokenTypes.set(key, next);
    }
    return next;
  }

  /** True while the next token sits on the line of the token consumed last. */
  private sameLine(): boolean {
    const previous = this.LA(0);
    const next = this.LA(1);
    return previous.endLine !== undefined && next.startLine === previous.endLine;
  }

  /** Actions run only while parsing: Chevrotain also calls the rules once to record the grammar. */
  private get building(): boolean {
    return !this.RECORDING_PHASE;
  }

  /** Before an item at file level: whatever preset was open has ended. */
  private readonly fileLevel = (): void => {
    if (this.building) this.tree.atFileLevel();
  };
  private readonly insidePreset = (): void => undefined;

  /**
   * The statements, as alternatives of the file's and a preset's items rather than a rule of their
   * own: a statement cannot fail once chosen, and the rule call per line cost more than the choice.
   */
  private statementAlternatives(before: () => void): Alternatives {
    return [
      { ALT: () => (before(), this.SUBRULE(this.morph)) },
      { ALT: () => (before(), this.SUBRULE(this.band)) },
      { ALT: () => (before(), this.SUBRULE(this.sampleRate)) },
      { ALT: () => (before(), this.SUBRULE(this.outputGain)) },
      { ALT: () => (before(), this.SUBRULE(this.tags)) },
      { ALT: () => (before(), this.SUBRULE(this.use)) },
      { ALT: () => (before(), this.SUBRULE(this.unknownStatement)) },
      {
        ALT: () => {
          before();
          const semicolon = this.CONSUME(t.Semicolon);
          if (this.building) this.tree.emptyStatement(semicolon);
        },
      },
    ];
  }

  private readonly fileItems: Alternatives = [
    { ALT: () => this.SUBRULE(this.preset) },
    ...this.statementAlternatives(this.fileLevel),
    {
      ALT: () => {
        this.fileLevel();
        this.SUBRULE(this.stray);
      },
    },
    {
      ALT: () => {
        const close = this.CONSUME(t.RCurly);
        this.fileLevel();
        if (this.building) this.tree.stray(close);
      },
    },
  ];

  public document = this.RULE("document", () => {
    this.MANY(() => {
      this.OR(this.fileItems);
    });
  });

  private readonly strayTokens: Alternatives = [
    { ALT: () => this.CONSUME(t.Quantity) },
    { ALT: () => this.CONSUME(t.LCurly) },
    { ALT: () => this.CONSUME(t.StringLiteral) },
    { ALT: () => this.CONSUME(t.UnterminatedString) },
    { ALT: () => this.CONSUME(t.QKeyword) },
    { ALT: () => this.CONSUME(t.From) },
  ];

  /**
   * A token that cannot start a statement. Consumed here, so that one stray token costs one
   * error instead of ending the parse; the document reports it.
   */
  public stray = this.RULE("stray", () => {
    const token = this.OR(this.strayTokens) as IToken;
    if (this.building) this.tree.stray(token);
  });

  private readonly presetNames: Alternatives = [
    { ALT: () => this.CONSUME(t.StringLiteral) },
    { ALT: () => this.CONSUME(t.UnterminatedString) },
  ];
  private readonly presetName = (): void => {
    const name = this.OR(this.presetNames) as IToken;
    if (this.building) this.tree.presetName(name);
  };
  private readonly presetItems: Alternatives = [
    ...this.statementAlternatives(this.insidePreset),
    { ALT: () => this.SUBRULE(this.stray) },
  ];
  private readonly presetItem = (): void => {
    this.OR2(this.presetItems);
  };

  public preset = this.RULE("preset", () => {
    const keyword = this.CONSUME(t.Preset);
    if (this.building) this.tree.beginPreset(keyword);
    // Optional here so that a preset without a name still parses; validation reports it.
    this.OPTION(this.presetName);
    const open = this.CONSUME(t.LCurly);
    if (this.building) this.tree.presetOpen(open);
    this.MANY(this.presetItem);
    const close = this.CONSUME(t.RCurly);
    if (this.building) this.tree.presetClose(close);
  });

  /** A word and its weight. Not a rule of its own: nothing in it can fail, and a rule call per word cost more than the word. */
  private readonly morphTerms = {
    GATE: () => this.sameLine(),
    DEF: () => {
      const word = this.CONSUME(t.Identifier);
      const weight = this.OPTION(this.sameLineQuantity);
      if (this.building) this.tree.morphTerm(word, weight);
    },
  };

  public morph = this.RULE("morph", () => {
    const keyword = this.CONSUME(t.Morph);
    if (this.building) this.tree.beginMorph(keyword);
    this.MANY(this.morphTerms);
  });

  private readonly tagWords = {
    GATE: () => this.sameLine(),
    DEF: () => {
      const word = this.CONSUME(t.Identifier);
      if (this.building) this.tree.tag(word);
    },
  };

  /** `tags punchy intimate`: the preset is an example of each word (the team's own vocabulary). */
  public tags = this.RULE("tags", () => {
    const keyword = this.CONSUME(t.Tags);
    if (this.building) this.tree.beginTags(keyword);
    this.MANY(this.tagWords);
  });

  private readonly usedNames: Alternatives = [
    { ALT: () => this.CONSUME(t.StringLiteral) },
    { ALT: () => this.CONSUME(t.UnterminatedString) },
  ];
  private readonly usedFiles: Alternatives = [
    { ALT: () => this.CONSUME2(t.StringLiteral) },
    { ALT: () => this.CONSUME2(t.UnterminatedString) },
  ];
  private readonly usedName = {
    GATE: () => this.sameLine(),
    DEF: () => {
      const name = this.OR(this.usedNames) as IToken;
      if (this.building) this.tree.useName(name);
    },
  };
  private readonly usedFileName = { GATE: () => this.sameLine(), DEF: () => this.OR2(this.usedFiles) as IToken };
  private readonly usedFile = {
    GATE: () => this.sameLine(),
    DEF: () => {
      const keyword = this.CONSUME(t.From);
      if (this.building) this.tree.useFrom(keyword);
      const file = this.OPTION3(this.usedFileName) as IToken | undefined;
      if (this.building && file) this.tree.useFile(file);
    },
  };

  /** `use "VO clean" [from "dialogue.eqp"]`: every part after the keyword optional, so a half-typed line parses. */
  public use = this.RULE("use", () => {
    const keyword = this.CONSUME(t.Use);
    if (this.building) this.tree.beginUse(keyword);
    this.OPTION(this.usedName);
    this.OPTION2(this.usedFile);
  });

  /** A value on the line of the token before it (a weight, a rate, a level). */
  private readonly sameLineQuantity = { GATE: () => this.sameLine(), DEF: () => this.CONSUME(t.Quantity) };

  private readonly bandKeywords: Alternatives = [
    { ALT: () => this.CONSUME(t.LowShelf) },
    { ALT: () => this.CONSUME(t.Bell) },
    { ALT: () => this.CONSUME(t.HighShelf) },
    { ALT: () => this.CONSUME(t.HighPass) },
    { ALT: () => this.CONSUME(t.LowPass) },
    { ALT: () => this.CONSUME(t.Notch) },
    { ALT: () => this.CONSUME(t.Bell1) },
    { ALT: () => this.CONSUME(t.Bell2) },
    { ALT: () => this.CONSUME(t.Bell3) },
  ];

  private readonly qValue = { GATE: () => this.sameLine(), DEF: () => this.CONSUME2(t.Quantity) };
  private readonly parameterKinds: Alternatives = [
    {
      ALT: () => {
        const value = this.CONSUME(t.Quantity);
        if (this.building) this.tree.bandValue(value);
      },
    },
    {
      ALT: () => {
        const keyword = this.CONSUME(t.QKeyword);
        const value = this.OPTION(this.qValue);
        if (this.building) this.tree.bandQ(keyword, value);
      },
    },
  ];

  /** A value or `q` with its value. Not a rule of its own, for the reason given at morphTerms. */
  private readonly bandParameters = { GATE: () => this.sameLine(), DEF: () => this.OR2(this.parameterKinds) };

  public band = this.RULE("band", () => {
    const keyword = this.OR(this.bandKeywords) as IToken;
    if (this.building) this.tree.beginBand(keyword, bandTypeOf(keyword), replacedBellOf(keyword));
    this.MANY(this.bandParameters);
  });

  public sampleRate = this.RULE("sampleRate", () => {
    const keyword = this.CONSUME(t.SampleRate);
    const value = this.OPTION(this.sameLineQuantity);
    if (this.building) this.tree.setting("samplerate", keyword, value);
  });

  public outputGain = this.RULE("outputGain", () => {
    const keyword = this.CONSUME(t.Gain);
    const value = this.OPTION(this.sameLineQuantity);
    if (this.building) this.tree.setting("gain", keyword, value);
  });

  private readonly unknownArguments: Alternatives = [
    { ALT: () => this.CONSUME(t.Quantity) },
    { ALT: () => this.CONSUME2(t.Identifier) },
    { ALT: () => this.CONSUME(t.QKeyword) },
    { ALT: () => this.CONSUME2(t.From) },
  ];
  private readonly unknownRest = {
    GATE: () => this.sameLine(),
    DEF: () => {
      const token = this.OR(this.unknownArguments) as IToken;
      if (this.building) this.tree.took(token);
    },
  };

  /** A line that starts with a word that is no keyword (`bel 250Hz`): kept, so validation can suggest one. */
  public unknownStatement = this.RULE("unknownStatement", () => {
    const word = this.CONSUME(t.Identifier);
    if (this.building) this.tree.beginUnknown(word);
    this.MANY(this.unknownRest);
  });
}

/** The band type of each band keyword (`bell1`…`bell3` are bells), by the token type's index. */
const BAND_TYPES = new Map<TokenType, BandType>([
  [t.LowShelf, "lowshelf"],
  [t.HighShelf, "highshelf"],
  [t.HighPass, "highpass"],
  [t.LowPass, "lowpass"],
  [t.Notch, "notch"],
]);

function bandTypeOf(keyword: IToken): BandType {
  return BAND_TYPES.get(keyword.tokenType) ?? "bell";
}

/** 1–3 for `bell1`…`bell3`: the generated bell the line replaces; 0 for every other keyword. */
function replacedBellOf(keyword: IToken): number {
  const type = keyword.tokenType;
  return type === t.Bell1 ? 1 : type === t.Bell2 ? 2 : type === t.Bell3 ? 3 : 0;
}

/** The one parser instance: Chevrotain parsers are built once and reset per input. */
export const parserInstance = new EqPresetParser();

export interface ParseResult {
  /** Presets and file-level statements, in source order. */
  items: (PresetBlock | Statement)[];
  /** Tokens the grammar consumed only to skip them, in source order: each is a syntax error. */
  strays: IToken[];
  tokens: IToken[];
  comments: IToken[];
  lexErrors: ILexingError[];
  parseErrors: IRecognitionException[];
  /** The number of lines and the length of the last one, as document.ts lineExtent counts them. */
  lineCount: number;
  lastLineLength: number;
  /** The names without a closing quote, in source order. */
  unterminated: IToken[];
}

/** Lexes and parses (positions counted from `firstLine`, see `scan`); never throws for any input text. */
export function parseText(text: string, firstLine = 0): ParseResult {
  const lexed = scan(text, firstLine);
  const tree = parserInstance.tree;
  tree.reset(text, lexed.parameterTokens);
  parserInstance.input = lexed.tokens;
  // Every recovered error is an exception, and an exception's stack trace costs more than the
  // recovery itself; nobody reads these traces.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    parserInstance.document();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const items = tree.finish();
  const strays = tree.strays;
  // The builder must not keep the last document alive until the next parse.
  tree.reset();
  return {
    items,
    strays,
    tokens: lexed.tokens,
    comments: lexed.groups["comments"] ?? [],
    lexErrors: lexed.errors,
    parseErrors: parserInstance.errors,
    lineCount: lexed.lineCount,
    lastLineLength: lexed.lastLineLength,
    unterminated: lexed.unterminated,
  };
}
