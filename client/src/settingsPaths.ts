/**
 * How the extension writes paths into workspace settings, kept free of the vscode module so the
 * unit tests can check it. A path inside the workspace is saved relative to it, with "/" on every
 * OS: .vscode/settings.json is committed, and an absolute path would break on every other clone.
 */
import * as path from "node:path";

/** True when `file` is `folder` itself or somewhere below it. */
export function isInside(file: string, folder: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(file));
  // A relative path that climbs out, or one on another drive (Windows gives an absolute path), is outside.
  return relative === "" || (!relative.startsWith(`..${path.sep}`) && relative !== ".." && !path.isAbsolute(relative));
}

/**
 * The value to store for `file` in a workspace setting: workspace-relative ("data/safe.csv", "."
 * for the folder itself) when inside `folder`, else the absolute path, since a "../.." path would
 * depend on where each clone happens to sit.
 */
export function toWorkspaceSetting(file: string, folder: string | undefined): string {
  const absolute = path.resolve(file);
  if (!folder || !isInside(absolute, folder)) return absolute;
  const relative = path.relative(path.resolve(folder), absolute);
  return relative === "" ? "." : relative.split(path.sep).join("/");
}

/** A path from a setting or a task: `${workspaceFolder}` expanded, relative paths taken from `folder`. */
export function resolveSetting(value: string, folder: string | undefined): string {
  const expanded = value.trim().replace(/\$\{workspaceFolder\}/g, folder ?? "");
  if (expanded === "" || path.isAbsolute(expanded) || !folder) return expanded;
  return path.join(folder, expanded);
}

/** Two settings name the same place (both already resolved; trailing separators ignored). */
export function samePath(a: string, b: string): boolean {
  return a !== "" && b !== "" && path.resolve(a) === path.resolve(b);
}
