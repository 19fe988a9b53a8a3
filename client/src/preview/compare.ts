/**
 * The preview's second curve: the same preset in the file's last commit (`git show HEAD:<path>`,
 * run from the extension host with the git command line), or any preset of the workspace. The
 * texts are drawn by the language server (`eqpreset/previewText`), so a morph at HEAD gets the same
 * bands from the same model as the one in the editor.
 */
import * as vscode from "vscode";
import { gitHeadText } from "./gitHead.js";
import { checkPreviewData, type PreviewData } from "./protocol.js";

export type CompareTarget = { kind: "head" } | { kind: "preset"; uri: string; index: number; name: string | null };

export interface CompareServer {
  previewText(params: { uri: string; text: string }): Promise<unknown>;
}

/** What the page draws as the second curve: a label, and the data (null with the label saying why). */
export interface Comparison {
  label: string;
  data: PreviewData | null;
}

/** How many workspace files the picker reads at most. */
const MAX_FILES = 200;

function label(name: string | null): string {
  return name === null ? "the unnamed preset" : `"${name}"`;
}

export class CompareSource {
  constructor(private readonly server: CompareServer) {}

  /** Asks the user what to compare with: the last commit, or a preset of the workspace. */
  async pick(): Promise<CompareTarget | undefined> {
    type Item = vscode.QuickPickItem & { target: CompareTarget };
    const items: Item[] = [
      {
        label: "$(git-commit) Last commit (git HEAD)",
        description: "the same preset as committed",
        target: { kind: "head" },
      },
    ];
    const files = await vscode.workspace.findFiles("**/*.eqp", "**/node_modules/**", MAX_FILES);
    for (const file of files.sort((a, b) => a.path.localeCompare(b.path))) {
      const presets = await this.presetsOf(file.toString(), await this.textOf(file));
      presets.forEach((preset, index) =>
        items.push({
          label: preset.presetName ?? "(unnamed preset)",
          description: vscode.workspace.asRelativePath(file),
          target: { kind: "preset", uri: file.toString(), index, name: preset.presetName },
        }),
      );
    }
    const picked = await vscode.window.showQuickPick(items, {
      title: "EQ preview: compare with…",
      matchOnDescription: true,
    });
    return picked?.target;
  }

  /** The curve of `target` for the preset `shown` (at HEAD: the preset of the same name). */
  async resolve(target: CompareTarget, shown: PreviewData): Promise<Comparison> {
    if (target.kind === "head") {
      const file = vscode.Uri.parse(shown.uri);
      const head =
        file.scheme === "file" ? await gitHeadText(file.fsPath) : { error: "the file is not on disk, so not in git" };
      if ("error" in head) return { label: `No comparison: ${head.error}`, data: null };
      const presets = await this.presetsOf(`${shown.uri}@HEAD`, head.text);
      const same = presets.find((preset) => preset.presetName === shown.presetName);
      return same
        ? { label: `${label(shown.presetName)} at the last commit`, data: same }
        : { label: `${label(shown.presetName)} is not in the last commit (it is new)`, data: null };
    }
    const presets = await this.presetsOf(target.uri, await this.textOf(vscode.Uri.parse(target.uri)));
    // By index first (names may repeat), by name if the file changed meanwhile.
    const found =
      presets[target.index]?.presetName === target.name
        ? presets[target.index]
        : presets.find((preset) => preset.presetName === target.name);
    const where = vscode.workspace.asRelativePath(vscode.Uri.parse(target.uri));
    return found
      ? { label: `${label(target.name)} (${where})`, data: found }
      : { label: `${label(target.name)} is no longer in ${where}`, data: null };
  }

  /** An open document's current text (unsaved edits included), else the file on disk. */
  private async textOf(file: vscode.Uri): Promise<string> {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === file.toString());
    if (open) return open.getText();
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    } catch {
      return "";
    }
  }

  private async presetsOf(uri: string, text: string): Promise<PreviewData[]> {
    const answer = (await this.server.previewText({ uri, text })) as { presets?: unknown } | null;
    const presets = Array.isArray(answer?.presets) ? answer.presets : [];
    return presets.flatMap((preset) => {
      const checked = checkPreviewData(preset);
      return checked.ok ? [checked.value] : [];
    });
  }
}
