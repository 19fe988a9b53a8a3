/**
 * The language service: takes a document, returns LSP values. One provider per feature; the
 * server's handlers are thin wrappers around these methods.
 */
import type {
  CodeAction,
  CodeActionParams,
  CodeLens,
  CompletionItem,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  Hover,
  InlayHint,
  Location,
  Position,
  Range,
  TextEdit,
} from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { EqServices, type ValidationContext } from "../../core/index.js";
import {
  type EditBandParams,
  type EditBandResult,
  type MatchReferenceParams,
  type MatchReferenceResult,
  type PreviewTextResult,
} from "../../protocol/index.js";
import { bandEdit } from "./bandEdit.js";
import { matchReference } from "./matchReference.js";
import { CodeActionProvider } from "./codeActions.js";
import { WorkspaceActionProvider } from "./workspaceActions.js";
import { CodeLensProvider } from "./codeLens.js";
import { CompletionProvider } from "./completion.js";
import { DiagnosticsProvider } from "./diagnostics.js";
import { DocumentStore, type ParsedDocument } from "./documentStore.js";
import { FoldingProvider } from "./folding.js";
import { FormattingProvider } from "./formatting.js";
import { HoverProvider } from "./hover.js";
import { InlayHintProvider } from "./inlayHints.js";
import { CurveRenderer, PreviewProvider, type PreviewResult } from "./preview.js";
import { SymbolProvider } from "./symbols.js";
import { WordCatalogue } from "./wordInfo.js";
import { typedUsedName, usedNameCompletions, usedPresetLocation } from "./uses.js";

/** A line of a parsed document, without its line end. */
function lineText(parsed: ParsedDocument, line: number): string {
  const start = parsed.lineStarts[line] ?? parsed.text.length;
  const end = parsed.lineStarts[line + 1] ?? parsed.text.length;
  return parsed.text.slice(start, end).replace(/\r?\n$|\r$/, "");
}

export class EqLanguageService {
  readonly store = new DocumentStore();
  private readonly diagnosticsProvider: DiagnosticsProvider;
  private readonly hoverProvider: HoverProvider;
  private readonly completionProvider: CompletionProvider;
  private readonly symbolProvider = new SymbolProvider();
  private readonly foldingProvider = new FoldingProvider();
  private readonly formattingProvider = new FormattingProvider();
  private readonly codeActionProvider: CodeActionProvider;
  private readonly workspaceActions: WorkspaceActionProvider;
  private readonly inlayHintProvider: InlayHintProvider;
  private readonly codeLensProvider: CodeLensProvider;
  private readonly previewProvider: PreviewProvider;
  /** Diagnostics per URI and version, so code actions and validation share one run. */
  private readonly diagnosticsCache = new Map<string, { version: number; diagnostics: Diagnostic[] }>();

  constructor(readonly services: EqServices = new EqServices()) {
    // Words with their summary and confidence from the model's metadata (see wordInfo.ts).
    const words = new WordCatalogue(this.services);
    const vocabulary = () => words;
    this.diagnosticsProvider = new DiagnosticsProvider(this.services);
    const curves = new CurveRenderer();
    this.hoverProvider = new HoverProvider(this.services, curves);
    this.inlayHintProvider = new InlayHintProvider(this.services);
    this.codeLensProvider = new CodeLensProvider(this.services);
    this.previewProvider = new PreviewProvider(this.services, curves);
    this.completionProvider = new CompletionProvider(vocabulary);
    this.workspaceActions = new WorkspaceActionProvider(this.services);
    this.codeActionProvider = new CodeActionProvider((parsed) => this.cachedDiagnostics(parsed), this.services);
  }

  /** Curve images in hovers: on for editors that render markdown images, off for those that show text. */
  set hoverImages(enabled: boolean) {
    this.hoverProvider.images = enabled;
  }

  /** The model host of the services: the server reloads it when the settings change. */
  get model(): EqServices["model"] {
    return this.services.model;
  }

  validationContext(): ValidationContext {
    return this.services.validationContext();
  }

  /** Call after the model changes: cached diagnostics depend on its vocabulary. */
  modelChanged(): void {
    this.diagnosticsCache.clear();
  }

  /** A preset that `uri` may use changed: its diagnostics of this version are stale. */
  usedPresetsChanged(uri: string): void {
    this.diagnosticsCache.delete(uri);
  }

  diagnostics(document: TextDocument): Diagnostic[] {
    return this.cachedDiagnostics(this.store.get(document));
  }

  hover(document: TextDocument, position: Position): Hover | null {
    return this.hoverProvider.hover(this.store.get(document), position);
  }

  completion(document: TextDocument, position: Position): CompletionItem[] {
    const parsed = this.store.get(document);
    const line = lineText(parsed, position.line);
    if (typedUsedName(line.slice(0, position.character)) !== undefined)
      return usedNameCompletions(parsed, position, this.services, line.slice(position.character));
    return this.completionProvider.complete(parsed, position);
  }

  /** From a `use` line to the preset it uses. */
  definition(document: TextDocument, position: Position): Location | null {
    return usedPresetLocation(this.store.get(document), position, this.services);
  }

  documentSymbols(document: TextDocument): DocumentSymbol[] {
    return this.symbolProvider.documentSymbols(this.store.get(document));
  }

  foldingRanges(document: TextDocument): FoldingRange[] {
    return this.foldingProvider.foldingRanges(this.store.get(document));
  }

  format(document: TextDocument): TextEdit[] {
    return this.formattingProvider.format(this.store.get(document));
  }

  codeActions(document: TextDocument, params: CodeActionParams): CodeAction[] {
    const parsed = this.store.get(document);
    return [
      ...this.codeActionProvider.codeActions(parsed, params),
      ...this.workspaceActions.codeActions(parsed, params),
    ];
  }

  inlayHints(document: TextDocument, range: Range): InlayHint[] {
    const parsed = this.store.get(document);
    this.services.prefetchMorphs(parsed.presets);
    return this.inlayHintProvider.inlayHints(parsed, range);
  }

  codeLenses(document: TextDocument): CodeLens[] {
    return this.codeLensProvider.codeLenses(this.store.get(document));
  }

  /** The edit of the "Expand" code lens, or why it cannot be made. */
  expandPreset(
    document: TextDocument,
    presetIndex: unknown,
    version: unknown,
  ): { edit: TextEdit } | { refused: string } {
    return this.codeLensProvider.expandEdit(this.store.get(document), presetIndex, version);
  }

  preview(document: TextDocument, position: Position): PreviewResult | null {
    return this.previewProvider.preview(this.store.get(document), position);
  }

  /** The edit a drag in the preview panel makes (see bandEdit.ts). */
  editBand(document: TextDocument, params: EditBandParams): EditBandResult {
    return bandEdit(this.store.get(document), params);
  }

  /** "Match to a reference…" in the preview panel (see matchReference.ts). */
  matchReference(
    document: () => ParsedDocument | undefined,
    params: MatchReferenceParams,
  ): Promise<MatchReferenceResult> {
    return matchReference(document, this.services, params);
  }

  /** Every preset of a text that is not an open document, for the preview's comparison curve. */
  previewText(uri: string, text: string): PreviewTextResult {
    return this.previewProvider.previewText(uri, text);
  }

  close(uri: string): void {
    this.store.forget(uri);
    this.diagnosticsCache.delete(uri);
  }

  private cachedDiagnostics(parsed: ParsedDocument): Diagnostic[] {
    const cached = this.diagnosticsCache.get(parsed.uri);
    if (cached && cached.version === parsed.version) return cached.diagnostics;
    const diagnostics = this.diagnosticsProvider.diagnostics(parsed);
    this.diagnosticsCache.set(parsed.uri, { version: parsed.version, diagnostics });
    return diagnostics;
  }
}
