/** The core's language: see ARCHITECTURE.md. */
export * from "./ast.js";
export * from "./astBuilder.js";
export { SourceRange } from "./compactNodes.js";
export * from "./display.js";
export * from "./document.js";
export * from "./format.js";
export * from "./incremental.js";
export {
  KEYWORDS,
  KEYWORD_SPECS,
  STATEMENT_KEYWORDS,
  keywordTokens,
  allTokens,
  eqLexer,
  type Keyword,
} from "./lexer.js";
export * as tokens from "./lexer.js";
export * from "./numbers.js";
export * from "./parser.js";
export * from "./sourceText.js";
export * from "./syntaxMessages.js";
