/**
 * What the "Train EQ model" task learns from, asked on every run: the CSVs of the workspace with
 * their format explained, a file elsewhere, and what the workspace's tagged presets already do.
 * The last choice comes preselected (kept in VS Code's workspace state, never in the workspace's
 * files); it is written to the settings only on an explicit "remember", because a wrongly picked
 * file saved silently would be reused on every later run.
 */
import { readFile } from "node:fs/promises";
import * as vscode from "vscode";
import { DATA_FORMATS, sniffCsv, type DataFormat, type Sniffed } from "./dataFormats.js";
import { pickOne, separator } from "./quickPick.js";
import { samePath, toWorkspaceSetting } from "./settingsPaths.js";

/** CSVs to train a new model on, or (`tagged`) the workspace's tagged presets to fine-tune on. */
export type TrainingData = { data: string; socialFx?: string } | { tagged: true };

export type DataChoice =
  | { kind: "train"; training: TrainingData }
  /** Nothing to train: the message says why (for the task's terminal). */
  | { kind: "stop"; message: string };

const LAST_CHOICE_KEY = "eqpreset.training.lastChoice";

interface DataItem extends vscode.QuickPickItem {
  /** What the item trains on when that is known without asking more (for preselection). */
  choice?: TrainingData;
  /** The data to train on, or a message to end the run with. */
  choose(): Promise<TrainingData | string>;
}

interface FoundCsv {
  file: string;
  sniffed: Sniffed;
}

const folderPath = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
const shown = (file: string) => vscode.workspace.asRelativePath(file, false);

async function sniffFile(file: string): Promise<Sniffed> {
  try {
    return sniffCsv(await readFile(file, "utf8"));
  } catch (error) {
    return { format: undefined, reason: error instanceof Error ? error.message : String(error) };
  }
}

async function workspaceCsvs(): Promise<FoundCsv[]> {
  const uris = await vscode.workspace.findFiles("**/*.csv", "**/{node_modules,.git}/**", 200);
  const found = await Promise.all(
    uris.map(async (uri) => ({ file: uri.fsPath, sniffed: await sniffFile(uri.fsPath) })),
  );
  return found.sort((a, b) => a.file.localeCompare(b.file));
}

/** The words of the workspace's `tags` statements, and how many statements there are. */
async function taggedWords(): Promise<{ statements: number; words: string[] }> {
  const uris = await vscode.workspace.findFiles("**/*.eqp", "**/{node_modules,.git}/**", 5000);
  const words = new Set<string>();
  let statements = 0;
  for (const uri of uris) {
    const text = await readFile(uri.fsPath, "utf8").catch(() => "");
    for (const line of text.split(/\r?\n/)) {
      const match = /^\s*tags\s+(.*)$/i.exec(line.replace(/(#|\/\/).*$/, ""));
      if (!match?.[1]?.trim()) continue;
      statements++;
      for (const word of match[1].trim().split(/\s+/)) words.add(word.toLowerCase());
    }
  }
  return { statements, words: [...words].sort() };
}

function formatDetail(format: DataFormat): string {
  return `${DATA_FORMATS[format].holds}. ${DATA_FORMATS[format].source}`;
}

async function browse(format: DataFormat): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: `${DATA_FORMATS[format].name}: ${DATA_FORMATS[format].holds}`,
    canSelectMany: false,
    filters: { "CSV files": ["csv"] },
  });
  return picked?.[0]?.fsPath;
}

/** A file the user browsed to, checked to be of the format asked for; a string is why not. */
async function checked(file: string | undefined, format: DataFormat): Promise<string | undefined> {
  if (!file) return "No file chosen: nothing was trained.";
  const sniffed = await sniffFile(file);
  if (sniffed.format === format) return undefined;
  const what = sniffed.format ? `a ${DATA_FORMATS[sniffed.format].name}` : `not a training file: ${sniffed.reason}`;
  return `${file} is ${what}, not a ${DATA_FORMATS[format].name}: nothing was trained.`;
}

function dataItems(csvs: FoundCsv[]): DataItem[] {
  const safe = csvs.filter((csv) => csv.sniffed.format === "safe-db");
  const crowd = csvs.filter((csv) => csv.sniffed.format === "socialfx");
  const rows = (csv: FoundCsv) => (csv.sniffed.format ? csv.sniffed.rows : 0);
  const items: DataItem[] = safe.map((csv) => ({
    label: `$(table) ${shown(csv.file)}`,
    description: `${DATA_FORMATS["safe-db"].name} · ${rows(csv).toLocaleString("en-US")} settings`,
    detail: formatDetail("safe-db"),
    choice: { data: csv.file },
    choose: async () => ({ data: csv.file }),
  }));
  for (const s of safe)
    for (const c of crowd)
      items.push({
        label: `$(table) ${shown(s.file)} + ${shown(c.file)}`,
        description: "SAFE-DB + SocialFX",
        detail: `Both crowds: SocialFX's ${DATA_FORMATS.socialfx.holds} add words, each kept by how well its contributors agree; SAFE-DB's settings set the dB scale.`,
        choice: { data: s.file, socialFx: c.file },
        choose: async () => ({ data: s.file, socialFx: c.file }),
      });
  if (safe.length === 0)
    for (const c of crowd)
      items.push({
        label: `$(table) ${shown(c.file)}`,
        description: `${DATA_FORMATS.socialfx.name} · needs a SAFE-DB CSV too`,
        detail: `${formatDetail("socialfx")} Choosing it asks for the SAFE-DB file next.`,
        choose: async () => {
          const data = await browse("safe-db");
          return (await checked(data, "safe-db")) ?? { data: data!, socialFx: c.file };
        },
      });
  return items;
}

function browseItems(): DataItem[] {
  return [
    {
      label: "$(folder-opened) Browse for a SAFE-DB CSV…",
      description: DATA_FORMATS["safe-db"].name,
      detail: formatDetail("safe-db"),
      choose: async () => {
        const data = await browse("safe-db");
        return (await checked(data, "safe-db")) ?? { data: data! };
      },
    },
    {
      label: "$(folder-opened) Browse for a SocialFX CSV (and then a SAFE-DB CSV)…",
      description: DATA_FORMATS.socialfx.name,
      detail: formatDetail("socialfx"),
      choose: async () => {
        const socialFx = await browse("socialfx");
        const wrongCrowd = await checked(socialFx, "socialfx");
        if (wrongCrowd) return wrongCrowd;
        const data = await browse("safe-db");
        return (await checked(data, "safe-db")) ?? { data: data!, socialFx: socialFx! };
      },
    },
  ];
}

function sameChoice(a: TrainingData, b: TrainingData | undefined): boolean {
  if (!b || "tagged" in a || "tagged" in b) return b !== undefined && "tagged" in a && "tagged" in b;
  if (!samePath(a.data, b.data)) return false;
  return a.socialFx && b.socialFx ? samePath(a.socialFx, b.socialFx) : !a.socialFx && !b.socialFx;
}

/**
 * Asks what to train on; `state` keeps the last choice for preselection: the workspace's CSVs,
 * its tagged presets (fine-tuning), then files elsewhere.
 */
export async function pickTrainingData(state: vscode.Memento): Promise<DataChoice> {
  const [csvs, tagged] = await Promise.all([workspaceCsvs(), taggedWords()]);
  const last = state.get<TrainingData>(LAST_CHOICE_KEY);
  const found = dataItems(csvs);
  let active = found.find((item) => item.choice && sameChoice(item.choice, last));
  const items: (DataItem | vscode.QuickPickItem)[] = [];
  if (last && !("tagged" in last) && !active) {
    // The last choice lies outside the workspace (or was moved): still offer it first.
    active = {
      label: `$(history) ${shown(last.data)}${last.socialFx ? ` + ${shown(last.socialFx)}` : ""}`,
      description: "last used",
      detail: "The data of the last run",
      choice: last,
      choose: async () => last,
    };
    items.push(active);
  }
  if (found.length > 0) items.push(separator("In this workspace"), ...found);
  if (tagged.statements > 0) {
    // After the workspace's CSVs (first when it has none, as in most teams' repositories).
    const taggedItem: DataItem = {
      label: "$(tag) Fine-tune on this workspace's tagged presets",
      description: `${tagged.statements} tagged: ${tagged.words.join(", ")}`,
      detail:
        "Team words work in morph as soon as a preset is tagged; fine-tuning teaches the bundled model your presets, so each team word decodes closer to them, while the bundled words keep their sound. Writes a new model folder; nothing changes until you use it.",
      choice: { tagged: true },
      choose: async () => ({ tagged: true }),
    };
    items.push(separator("Tagged presets"), taggedItem);
    if (last && "tagged" in last) active = taggedItem;
  }
  items.push(separator(found.length > 0 ? "Elsewhere" : "No training CSV in this workspace"), ...browseItems());
  const picked = await pickOne<DataItem>(items, {
    title: "Train EQ model: what should it learn from?",
    placeholder: "Your tagged presets, a SAFE-DB CSV, or SAFE-DB with SocialFX",
    active,
  });
  if (!picked) return { kind: "stop", message: "No training data chosen: nothing was trained." };
  const chosen = await picked.choose();
  if (typeof chosen === "string") return { kind: "stop", message: chosen };
  await state.update(LAST_CHOICE_KEY, chosen);
  // Tagged presets need no path, so there is nothing to remember in the settings.
  if ("tagged" in chosen) return { kind: "train", training: chosen };
  return (await confirmRemember(chosen))
    ? { kind: "train", training: chosen }
    : { kind: "stop", message: "Cancelled: nothing was trained." };
}

interface ConfirmItem extends vscode.QuickPickItem {
  remember: boolean;
}

/** The second step: train once, or train and save the choice in the workspace settings. */
async function confirmRemember(chosen: { data: string; socialFx?: string }): Promise<boolean> {
  const folder = folderPath();
  const dataSetting = toWorkspaceSetting(chosen.data, folder);
  const crowdSetting = chosen.socialFx ? toWorkspaceSetting(chosen.socialFx, folder) : "";
  const once: ConfirmItem = {
    label: "$(play) Train",
    detail: "The next run asks again, with this choice preselected",
    remember: false,
  };
  const remember: ConfirmItem = {
    label: "$(pin) Train and remember for this workspace",
    detail: `Saves eqpreset.training.dataPath = "${dataSetting}"${crowdSetting ? ` and eqpreset.training.socialFxPath = "${crowdSetting}"` : ""} in the workspace settings; later runs use it without asking`,
    remember: true,
  };
  const picked = await pickOne<ConfirmItem>([once, remember], {
    title: `Train on ${shown(chosen.data)}${chosen.socialFx ? ` + ${shown(chosen.socialFx)}` : ""}`,
    active: once,
  });
  if (!picked) return false;
  if (picked.remember) {
    const config = vscode.workspace.getConfiguration("eqpreset");
    await config.update("training.dataPath", dataSetting, vscode.ConfigurationTarget.Workspace);
    await config.update("training.socialFxPath", crowdSetting || undefined, vscode.ConfigurationTarget.Workspace);
  }
  return true;
}
