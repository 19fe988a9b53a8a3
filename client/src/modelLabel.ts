/**
 * How the status bar and the model picker name a model folder: "bundled", a workspace-relative
 * path, or the folder's own name. Free of the vscode module, for the unit tests; the status
 * itself is the server's `eqpreset/modelStatus` notification.
 */
import * as path from "node:path";
import type { ModelStatus } from "#protocol/index.js";
import { isInside, samePath, toWorkspaceSetting } from "./settingsPaths.js";

export interface ModelPlaces {
  bundledDir: string;
  workspaceFolder: string | undefined;
}

export function modelName(dir: string, places: ModelPlaces): string {
  if (samePath(dir, places.bundledDir)) return "bundled";
  if (places.workspaceFolder && isInside(dir, places.workspaceFolder))
    return toWorkspaceSetting(dir, places.workspaceFolder);
  // Outside the workspace: "…/parent/model" says more than a bare "model".
  return path.basename(dir) === "model" ? `${path.basename(path.dirname(dir))}/model` : path.basename(dir);
}

/** The status bar item's text and tooltip for the server's last model status. */
export function modelStatusText(
  status: ModelStatus | undefined,
  places: ModelPlaces,
): { text: string; tooltip: string } {
  if (!status) return { text: "$(pulse) EQ model: starting", tooltip: "The language server is starting" };
  const state = status.loading ? " (loading)" : status.network ? "" : " (words only)";
  const personal = status.personalOverride ? " (personal setting)" : "";
  const text = `${status.warning ? "$(warning)" : "$(pulse)"} EQ model: ${modelName(status.dir, places)}${state}${personal}`;
  const tooltip = [
    status.dir,
    status.personalOverride
      ? `Your eqpreset.modelPath setting overrides the model of ${status.projectFile ?? "the project file"}`
      : status.projectFile
        ? `From ${status.projectFile}`
        : "",
    `${status.words} words`,
    status.madeHow ?? (status.trained ? `trained ${status.trained}` : ""),
    status.warning ?? "",
    "Click to choose the model",
  ]
    .filter(Boolean)
    .join("\n");
  return { text, tooltip };
}
