/**
 * Every custom request, notification and command between the extension and the language server,
 * declared once; the client, the server and the tests import these names and types from here.
 */

/** Server → client: which model is active, after every (re)load. */
export const MODEL_STATUS_NOTIFICATION = "eqpreset/modelStatus";

export interface ModelStatus {
  dir: string;
  words: number;
  network: boolean;
  loading: boolean;
  trained?: string;
  /** How the model was made (modelProvenance): "V3 trained on SAFE-DB …", "fine-tuned … from … on N tagged examples …". */
  madeHow?: string;
  warning?: string;
  /** The personal `eqpreset.modelPath` setting overrides the model of the project file. */
  personalOverride?: boolean;
  /** The project file (`eqpreset.json`) in use, if any. */
  projectFile?: string;
}

/** Client → server: a model folder in use was rewritten (by the training task or the CLI). */
export const RELOAD_MODEL_NOTIFICATION = "eqpreset/reloadModel";

/** The server's command behind the "Expand" code lens: arguments [uri, presetIndex, version]. */
export const EXPAND_PRESET_COMMAND = "eqpreset.expandPreset";
