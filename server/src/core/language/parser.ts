/**
 * The grammar, as one Chevrotain CstParser with error recovery on. Statements are line-based:
 * the arguments of `morph` and of a band must stay on the keyword's line, so that a broken or
 * half-typed line never swallows the next one.
 */
import {
  CstParser,
  type CstNode,
  type IToken,
  type ILexingError,
  type IRecognitionException,
  type ITokenGrammarPath,
  type TokenType,
} from "chevrotain";
import * as t from "./lexer.js";
import { syntaxMessages } from "./syntaxMessages.js";

class EqPresetParser extends CstParser {
  constructor() {
    super(t.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 2,
      errorMessageProvider: syntaxMessages,
      nodeLocationTracking: "full",
    });
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

  public document = this.RULE("document", () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.preset) },
        { ALT: () => this.SUBRULE(this.statement) },
        { ALT: () => this.SUBRULE(this.stray) },
        { ALT: () => this.CONSUME(t.RCurly) },
      ]);
    });
  });

  /**
   * A token that cannot start a statement. Consumed here, so that one stray token costs one
   * error instead of ending the parse; the AST builder reports it.
   */
  public stray = this.RULE("stray", () => {
    this.OR([
      { ALT: () => this.CONSUME(t.Quantity) },
      { ALT: () => this.CONSUME(t.LCurly) },
      { ALT: () => this.CONSUME(t.StringLiteral) },
      { ALT: () => this.CONSUME(t.UnterminatedString) },
      { ALT: () => this.CONSUME(t.QKeyword) },
    ]);
  });

  public preset = this.RULE("preset", () => {
    this.CONSUME(t.Preset);
    // Optional here so that a preset without a name still parses; validation reports it.
    this.OPTION(() => {
      this.OR([{ ALT: () => this.CONSUME(t.StringLiteral) }, { ALT: () => this.CONSUME(t.UnterminatedString) }]);
    });
    this.CONSUME(t.LCurly);
    this.MANY(() => {
      this.OR2([{ ALT: () => this.SUBRULE(this.statement) }, { ALT: () => this.SUBRULE(this.stray) }]);
    });
    this.CONSUME(t.RCurly);
  });

  public statement = this.RULE("statement", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.morph) },
      { ALT: () => this.SUBRULE(this.band) },
      { ALT: () => this.SUBRULE(this.sampleRate) },
      { ALT: () => this.SUBRULE(this.outputGain) },
      { ALT: () => this.SUBRULE(this.tags) },
      { ALT: () => this.SUBRULE(this.unknownStatement) },
      { ALT: () => this.CONSUME(t.Semicolon) },
    ]);
  });

  public morph = this.RULE("morph", () => {
    this.CONSUME(t.Morph);
    this.MANY({ GATE: () => this.sameLine(), DEF: () => this.SUBRULE(this.morphTerm) });
  });

  /** `tags punchy intimate`: the preset is an example of each word (the team's own vocabulary). */
  public tags = this.RULE("tags", () => {
    this.CONSUME(t.Tags);
    this.MANY({ GATE: () => this.sameLine(), DEF: () => this.CONSUME(t.Identifier) });
  });

  public morphTerm = this.RULE("morphTerm", () => {
    this.CONSUME(t.Identifier);
    this.OPTION({ GATE: () => this.sameLine(), DEF: () => this.CONSUME(t.Quantity) });
  });

  public band = this.RULE("band", () => {
    this.OR([
      { ALT: () => this.CONSUME(t.LowShelf) },
      { ALT: () => this.CONSUME(t.Bell) },
      { ALT: () => this.CONSUME(t.HighShelf) },
    ]);
    this.MANY({ GATE: () => this.sameLine(), DEF: () => this.SUBRULE(this.bandParameter) });
  });

  public bandParameter = this.RULE("bandParameter", () => {
    this.OR([
      { ALT: () => this.CONSUME(t.Quantity) },
      {
        ALT: () => {
          this.CONSUME(t.QKeyword);
          this.OPTION({ GATE: () => this.sameLine(), DEF: () => this.CONSUME2(t.Quantity) });
        },
      },
    ]);
  });

  public sampleRate = this.RULE("sampleRate", () => {
    this.CONSUME(t.SampleRate);
    this.OPTION({ GATE: () => this.sameLine(), DEF: () => this.CONSUME(t.Quantity) });
  });

  public outputGain = this.RULE("outputGain", () => {
    this.CONSUME(t.Gain);
    this.OPTION({ GATE: () => this.sameLine(), DEF: () => this.CONSUME(t.Quantity) });
  });

  /** A line that starts with a word that is no keyword (`bel 250Hz`): kept, so validation can suggest one. */
  public unknownStatement = this.RULE("unknownStatement", () => {
    this.CONSUME(t.Identifier);
    this.MANY({
      GATE: () => this.sameLine(),
      DEF: () => {
        this.OR([
          { ALT: () => this.CONSUME(t.Quantity) },
          { ALT: () => this.CONSUME2(t.Identifier) },
          { ALT: () => this.CONSUME(t.QKeyword) },
        ]);
      },
    });
  });
}

/** The one parser instance: Chevrotain parsers are built once and reset per input. */
export const parserInstance = new EqPresetParser();

export interface CstParseResult {
  cst: CstNode;
  tokens: IToken[];
  comments: IToken[];
  lexErrors: ILexingError[];
  parseErrors: IRecognitionException[];
}

/** Lexes and parses; never throws for any input text. */
export function parseCst(text: string): CstParseResult {
  const lexed = t.eqLexer.tokenize(text);
  parserInstance.input = lexed.tokens;
  // Every recovered error is an exception, and an exception's stack trace costs more than the
  // recovery itself; nobody reads these traces.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let cst: CstNode;
  try {
    cst = parserInstance.document();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return {
    cst,
    tokens: lexed.tokens,
    comments: lexed.groups["comments"] ?? [],
    lexErrors: lexed.errors,
    parseErrors: [...parserInstance.errors],
  };
}
