/**
 * Code actions of the workspace's words and lock: keep or accept a morph whose bands moved since
 * `eqpreset.lock`; define an unknown word by tagging this preset; tag a preset written as bands
 * with the words `describe` finds in it.
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from "vscode-languageserver";
import {
  DiagnosticCode,
  effectiveBands,
  expansionEdits,
  LOCK_FILE_NAME,
  lockEntries,
  lockfileText,
  usesEntries,
  pathOfUri,
  presetAt,
  presetLabel,
  type EqBand,
  type EqServices,
  type ResolvedPreset,
} from "../../core/index.js";
import { ACCEPT_LOCK_COMMAND } from "../../protocol/index.js";
import type { ParsedDocument } from "./documentStore.js";

/** What "define this word" writes into a preset without bands: a bell to shape by ear. */
const STARTING_BELL = "bell 1kHz +3dB q 1";

export class WorkspaceActionProvider {
  constructor(private readonly services: EqServices) {}

  codeActions(parsed: ParsedDocument, params: CodeActionParams): CodeAction[] {
    const actions: CodeAction[] = [];
    for (const diagnostic of params.context.diagnostics) {
      const preset = presetAt(parsed.presets, diagnostic.range.start);
      if (!preset) continue;
      if (diagnostic.code === DiagnosticCode.LockChanged) actions.push(...this.lockActions(parsed, preset, diagnostic));
      if (diagnostic.code === DiagnosticCode.UnknownWord) {
        const define = this.defineByTagging(parsed, preset, diagnostic);
        if (define) actions.push(define);
      }
    }
    const here = presetAt(parsed.presets, params.range.start);
    if (here && !here.morph && here.bands.length > 0) actions.push(...this.tagAs(parsed, here));
    return actions;
  }

  private lockActions(parsed: ParsedDocument, preset: ResolvedPreset, diagnostic: Diagnostic): CodeAction[] {
    const data = diagnostic.data as { fix?: string; lockedBands?: EqBand[] } | undefined;
    const actions: CodeAction[] = [];
    if (data?.fix === "lock" && data.lockedBands) {
      const locked = data.lockedBands;
      const edit = expansionEdits(parsed.text, [preset], () => locked).get(preset);
      if (edit)
        actions.push({
          title: "Keep the locked bands (expand them into band lines)",
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: { changes: { [parsed.uri]: [{ range: edit.range, newText: edit.newText }] } },
        });
    }
    const file = pathOfUri(parsed.uri);
    const lockfile = this.services.lockfile;
    const key = file ? this.services.lockKey(file) : undefined;
    if (lockfile && key !== undefined && (preset.morph || preset.uses.length > 0)) {
      const entries = lockEntries([preset], (p) => (p.morph ? this.services.resolveMorph(p.morph) : undefined));
      const lock = structuredClone(lockfile.lock);
      lock.presets[key] = { ...(lock.presets[key] ?? {}), ...entries };
      const used = usesEntries([preset], (p) => this.services.usedChainOf(p, parsed));
      if (Object.keys(used).length > 0) lock.uses = { ...lock.uses, [key]: { ...(lock.uses?.[key] ?? {}), ...used } };
      lock.model = this.services.modelIdentity();
      const lockUri = pathToFileURL(path.join(lockfile.root, LOCK_FILE_NAME)).toString();
      const whole = { start: { line: 0, character: 0 }, end: { line: 1_000_000, character: 0 } };
      actions.push({
        title: `Accept the new bands (update ${LOCK_FILE_NAME})`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: true,
        edit: { changes: { [lockUri]: [{ range: whole, newText: lockfileText(lock) }] } },
      });
      // Every moved morph at once, for a deliberate upgrade: the editor's command lists them first.
      actions.push({
        title: "Accept all lock changes (lists what moved, then rewrites the lock)",
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: "Accept all lock changes", command: ACCEPT_LOCK_COMMAND },
      });
    }
    return actions;
  }

  /**
   * `morph punchy` in a preset with bands: make this preset punchy's first example instead. In a
   * preset of the morph alone, the tag comes with a bell to shape into what the word means.
   */
  private defineByTagging(
    parsed: ParsedDocument,
    preset: ResolvedPreset,
    diagnostic: Diagnostic,
  ): CodeAction | undefined {
    if (!preset.morph) return undefined;
    const term = preset.morph.terms.find((t) => t.wordRange.start.character === diagnostic.range.start.character);
    if (!term) return undefined;
    const morph = preset.morph;
    const indent = /^[ \t]*/.exec(parsed.text.split(/\r\n|\r|\n/)[morph.range.start.line] ?? "")![0];
    const others = morph.terms.filter((t) => t !== term);
    const hasBands = preset.bands.length > 0;
    const tags = `tags ${term.word}${hasBands ? "" : `\n${indent}${STARTING_BELL}`}`;
    const newText =
      others.length > 0
        ? `morph ${others.map((t) => (t.weight ? `${t.word} ${t.weight.text}` : t.word)).join(" ")}\n${indent}${tags}`
        : tags;
    return {
      title: hasBands
        ? `Define '${term.word}' by tagging this preset (its bands become an example)`
        : `Define '${term.word}' by tagging this preset: write its bands (a bell to shape, listen in the preview)`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: { changes: { [parsed.uri]: [{ range: morph.range, newText }] } },
    };
  }

  /** "Tag as warm, bright": the words the model hears in these bands. */
  private tagAs(parsed: ParsedDocument, preset: ResolvedPreset): CodeAction[] {
    const words = this.services.model.describe(effectiveBands(preset, undefined)) ?? [];
    const existing = new Set(preset.tags.map((tag) => tag.word));
    const fresh = words.map((term) => term.word).filter((word) => !existing.has(word));
    if (fresh.length === 0) return [];
    const anchor = preset.block?.openRange ?? preset.range;
    const line = anchor.start.line;
    const lineText = parsed.text.split(/\r\n|\r|\n/)[preset.bands[0]!.statement.range.start.line] ?? "";
    const indent = /^[ \t]*/.exec(lineText)![0];
    const at = preset.block ? { line: line + 1, character: 0 } : { line, character: 0 };
    return fresh.slice(0, 3).map((word, index) => ({
      title: `Tag ${presetLabel(preset)} as '${word}'${index === 0 ? " (the word describe hears first)" : ""}`,
      kind: CodeActionKind.RefactorRewrite,
      edit: { changes: { [parsed.uri]: [{ range: { start: at, end: at }, newText: `${indent}tags ${word}\n` }] } },
    }));
  }
}
