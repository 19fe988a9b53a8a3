/** The core's language: see ARCHITECTURE.md. */
export * from "./ast.js";
export * from "./astBuilder.js";
export * from "./document.js";
export * from "./format.js";
export { KEYWORDS, keywordTokens, allTokens, eqLexer } from "./lexer.js";
export * as tokens from "./lexer.js";
export * from "./numbers.js";
export * from "./parser.js";
export * from "./syntaxMessages.js";
