/** Readable syntax-error messages, in the user's words rather than the grammar's token names. */
import type { IParserErrorMessageProvider, IToken, TokenType } from "chevrotain";

const TOKEN_DESCRIPTIONS: Record<string, string> = {
  Preset: "'preset'",
  Morph: "'morph'",
  LowShelf: "'lowshelf'",
  Bell: "'bell'",
  HighShelf: "'highshelf'",
  SampleRate: "'samplerate'",
  Gain: "'gain'",
  QKeyword: "'q'",
  Quantity: "a number",
  StringLiteral: "a quoted name",
  UnterminatedString: "a quoted name",
  LCurly: "'{'",
  RCurly: "'}'",
  Semicolon: "';'",
  Identifier: "a word",
  EOF: "the end of the file",
};

export function describeTokenType(type: TokenType): string {
  return TOKEN_DESCRIPTIONS[type.name] ?? type.name;
}

export function describeToken(token: IToken): string {
  if (token.tokenType.name === "EOF") return "the end of the file";
  return `'${token.image}'`;
}

const RULE_CONTEXT: Record<string, string> = {
  document: "a statement (morph, lowshelf, bell, highshelf, samplerate, gain) or a preset",
  statement: "a statement (morph, lowshelf, bell, highshelf, samplerate, gain)",
};

function list(items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? "something else";
  return `${unique.slice(0, -1).join(", ")} or ${unique[unique.length - 1]}`;
}

export const syntaxMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    if (ruleName === "preset" && expected.name === "RCurly") {
      return `Expected '}' to close the preset, found ${describeToken(actual)}`;
    }
    if (ruleName === "preset" && (expected.name === "StringLiteral" || expected.name === "UnterminatedString")) {
      return `Expected the preset's name in quotes, e.g. preset "Dialogue", found ${describeToken(actual)}`;
    }
    return `Expected ${describeTokenType(expected)}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    if (firstRedundant.tokenType.name === "RCurly") return "Unexpected '}': no preset is open here";
    return `Unexpected ${describeToken(firstRedundant)}: expected ${RULE_CONTEXT.document}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const found = actual[0];
    if (ruleName === "preset")
      return `Expected the preset's name in quotes, e.g. preset "Dialogue", found ${found ? describeToken(found) : "nothing"}`;
    const context = RULE_CONTEXT[ruleName];
    if (context) return `Unexpected ${found ? describeToken(found) : "input"}: expected ${context}`;
    const expected = expectedPathsPerAlt.flatMap((paths) =>
      paths.map((path) => (path[0] ? describeTokenType(path[0]) : "")),
    );
    return `Expected ${list(expected.filter(Boolean))}, found ${found ? describeToken(found) : "nothing"}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const expected = expectedIterationPaths.map((path) => (path[0] ? describeTokenType(path[0]) : ""));
    const found = actual[0];
    return `Expected at least one ${list(expected.filter(Boolean))}, found ${found ? describeToken(found) : "nothing"}`;
  },
};
