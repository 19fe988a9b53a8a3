/**
 * One hover through the language service, in its own process: for a case that may loop or run out
 * of memory, so the test that runs it survives and reports it.
 * Usage: node --import tsx test/fuzz/hoverOnce.ts <text as JSON> <line> <character>
 * Prints the hover's size in characters of JSON.
 */
import { TextDocument } from "vscode-languageserver-textdocument";
import { EqLanguageService } from "../../server/src/lsp/features/languageService.js";

const [textJson, line, character] = process.argv.slice(2);
const document = TextDocument.create("file:///hover-once.eqp", "eqpreset", 1, JSON.parse(textJson ?? '""') as string);
const hover = new EqLanguageService().hover(document, { line: Number(line), character: Number(character) });
process.stdout.write(`${JSON.stringify(hover).length}\n`);
