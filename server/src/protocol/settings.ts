/**
 * The extension's settings as the language server takes them, typed once for the client that
 * sends them and the server that reads them. VS Code's client sends `modelPath` already resolved
 * against the workspace, at start (initialize's `initializationOptions`) and on every change
 * (`workspace/didChangeConfiguration` under {@link SETTINGS_SECTION}); other editors (Neovim, Helix)
 * may send all three.
 */

/** The section of VS Code's settings (`eqpreset.modelPath`, …) and of a configuration change. */
export const SETTINGS_SECTION = "eqpreset";

export interface ServerSettings {
  /** A model folder; relative paths are the workspace's. Empty or absent: the project file's model, else the bundled one. */
  modelPath?: string;
  /** Milliseconds between the last edit and validation. */
  validationDelay?: number;
  /** Curve pictures in hovers (default: on, except for Vim and Neovim, which show markdown as text). */
  hoverImages?: boolean;
}

/** The params of `workspace/didChangeConfiguration` as this server reads them (other clients may send null). */
export interface SettingsChange {
  settings: { [SETTINGS_SECTION]?: ServerSettings } | null | undefined;
}
