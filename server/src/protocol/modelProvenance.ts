/**
 * How a model was made, in one line for the status bar and the model picker, read from its
 * metadata.json: the V3 network trained on SAFE-DB (and SocialFX) with how many settings, or
 * fine-tuned from such a model on a team's tagged examples. Not the training file's name: a
 * fine-tuned model was labelled "trained on SAFEEqualiserUserData.csv", which says nothing of the
 * team's examples it learnt from. Plain JSON in, a string out: the server and the extension share it.
 */

interface ModelData {
  file?: unknown;
  rowsUsed?: unknown;
  crowds?: { socialfx?: { rowsUsed?: unknown } };
  fineTuned?: { base?: { createdAt?: unknown }; teamExamples?: { word?: unknown }[] };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function day(value: unknown): string | undefined {
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined;
}

/** "V3 trained on SAFE-DB (1169 settings) and SocialFX (541)", from the data the network learnt from. */
function trainedOn(data: ModelData): string | undefined {
  const safeRows = typeof data.rowsUsed === "number" ? data.rowsUsed : undefined;
  const crowdRows = data.crowds?.socialfx?.rowsUsed;
  if (safeRows === undefined && typeof data.file !== "string") return undefined;
  const safe = `SAFE-DB${safeRows !== undefined ? ` (${plural(safeRows, "setting")})` : ""}`;
  const crowd = data.crowds ? ` and SocialFX${typeof crowdRows === "number" ? ` (${crowdRows})` : ""}` : "";
  return `V3 trained on ${safe}${crowd}`;
}

/** How the model in this metadata was made, or undefined when the metadata does not say. */
export function modelProvenance(metadata: unknown): string | undefined {
  const model = (metadata as { model?: { createdAt?: unknown; data?: ModelData } } | null)?.model;
  const data = model?.data;
  if (!data) return undefined;
  const base = trainedOn(data);
  const created = day(model.createdAt);
  const tuned = data.fineTuned;
  if (tuned) {
    const examples = Array.isArray(tuned.teamExamples) ? tuned.teamExamples : [];
    const words = [...new Set(examples.map((example) => example.word).filter((word) => typeof word === "string"))];
    const baseDay = day(tuned.base?.createdAt);
    const from = `${base ?? "a V3 model"}${baseDay ? ` (${baseDay})` : ""}`;
    const on = `${plural(examples.length, "tagged example")}${words.length > 0 ? ` of ${words.join(", ")}` : ""}`;
    return `fine-tuned${created ? ` ${created}` : ""} from ${from} on ${on}`;
  }
  return base ? `${base}${created ? `, ${created}` : ""}` : undefined;
}
