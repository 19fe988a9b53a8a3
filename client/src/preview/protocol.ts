/**
 * What the preview panel exchanges: the language server's `eqpreset/preview` answer, and the
 * messages between the extension and the panel's page. Shared by both sides (the page bundle
 * imports it too), so it imports nothing from vscode.
 *
 * Everything that crosses a boundary is checked here before use: the server's answer (another
 * process, maybe another version) and every message the page posts (a webview is untrusted).
 */
import { CHAIN_BANDS, SLOTS, type BandId } from "#core/eq/index.js";

export type { PreviewBand, PreviewData, PreviewParams, PreviewPosition, PreviewRange } from "#protocol/index.js";
import type { PreviewBand, PreviewData, PreviewPosition, PreviewRange } from "#protocol/index.js";
import type { PreviewFilterType as FilterType } from "#protocol/index.js";
export type { FilterType };

/** Why the panel shows no curve (or an old one): nothing under the cursor, or a failure. */
export type StatusKind = "empty" | "error" | "waiting";

/** Extension → page: the preset to show, why there is none, or the curve to compare it with (null: none). */
export type ToPageMessage =
  | { type: "preview"; data: PreviewData }
  | { type: "status"; kind: StatusKind; message: string }
  | { type: "compare"; label: string; data: PreviewData | null }
  /** The outcome of "Match to a reference…": what was inserted, or why nothing was. */
  | { type: "matched"; ok: boolean; message: string };

/** A drag on the curve, finished: the band's new values, for the document version the page showed. */
export interface BandEditMessage {
  type: "edit";
  version: number;
  /** The band's PreviewBand.key. */
  key: string;
  slot: BandId;
  frequencyHz: number;
  gainDb: number;
  q: number;
}

/**
 * Page → extension: the page has loaded (send it the latest state), something went wrong in it, a
 * band was dragged, or the user wants to pick (or drop) a curve to compare with.
 */
export type FromPageMessage =
  | { type: "ready" }
  | { type: "problem"; message: string }
  | BandEditMessage
  | { type: "pickCompare" }
  | { type: "clearCompare" }
  | { type: "pickMatch" };

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** Longest text accepted from the page or the server for display (a name, a message). */
const MAX_TEXT = 2_000;
/** More points than any response grid needs; bounds the work a bad answer can cause. */
const MAX_POINTS = 16_384;
const FILTER_TYPES: readonly FilterType[] = ["lowshelf", "peaking", "highshelf", "highpass", "lowpass", "notch"];
const SLOT_IDS: readonly string[] = [...SLOTS, ...CHAIN_BANDS].map((slot) => slot.id);
/** More bands than a preset sensibly has; bounds the work a bad answer can cause. */
const MAX_BANDS = 64;
const KEY_PATTERN = /^(?:[A-Za-z0-9]{1,16}|(?:chain|used)-\d{1,4})$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function isShortText(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_TEXT;
}

function isPosition(value: unknown): value is PreviewPosition {
  return (
    isRecord(value) &&
    Number.isInteger(value["line"]) &&
    Number.isInteger(value["character"]) &&
    (value["line"] as number) >= 0 &&
    (value["character"] as number) >= 0
  );
}

function isRange(value: unknown): value is PreviewRange {
  return isRecord(value) && isPosition(value["start"]) && isPosition(value["end"]);
}

function checkBand(value: unknown, index: number): Checked<PreviewBand> {
  const where = `bands[${index}]`;
  if (!isRecord(value)) return { ok: false, error: `${where} is not an object` };
  const { key, slot, type, frequencyHz, gainDb, q, slopeDbPerOctave, from } = value;
  if (typeof key !== "string" || !KEY_PATTERN.test(key))
    return { ok: false, error: `${where}.key is not a band's key` };
  if (typeof slot !== "string" || !SLOT_IDS.includes(slot))
    return { ok: false, error: `${where}.slot is ${JSON.stringify(slot)}, not one of ${SLOT_IDS.join(", ")}` };
  if (typeof type !== "string" || !FILTER_TYPES.includes(type as FilterType))
    return { ok: false, error: `${where}.type is ${JSON.stringify(type)}, not one of ${FILTER_TYPES.join(", ")}` };
  if (!isFiniteNumber(frequencyHz) || frequencyHz <= 0)
    return { ok: false, error: `${where}.frequencyHz is not a positive number` };
  if (!isFiniteNumber(gainDb)) return { ok: false, error: `${where}.gainDb is not a number` };
  if (!isFiniteNumber(q) || q <= 0) return { ok: false, error: `${where}.q is not a positive number` };
  if (slopeDbPerOctave !== undefined && !(isFiniteNumber(slopeDbPerOctave) && slopeDbPerOctave > 0))
    return { ok: false, error: `${where}.slopeDbPerOctave is not a positive number` };
  if (from !== undefined && !isShortText(from)) return { ok: false, error: `${where}.from is not a use line` };
  const band: PreviewBand = { key, slot: slot as BandId, type: type as FilterType, frequencyHz, gainDb, q };
  if (slopeDbPerOctave !== undefined) band.slopeDbPerOctave = slopeDbPerOctave;
  if (from !== undefined) band.from = from;
  return { ok: true, value: band };
}

/** Checks the server's `eqpreset/preview` answer (not null) field by field. */
export function checkPreviewData(value: unknown): Checked<PreviewData> {
  if (!isRecord(value)) return { ok: false, error: "the answer is not an object" };
  const {
    uri,
    version,
    presetName,
    range,
    sampleRate,
    outputGainDb,
    bands,
    frequencies,
    responseDb,
    peakDb,
    troughDb,
    suggestedPreGainDb,
    svg,
    pending,
    message,
  } = value;
  if (!isShortText(uri)) return { ok: false, error: "uri is not a string" };
  if (version !== undefined && !(Number.isInteger(version) && (version as number) >= 0))
    return { ok: false, error: "version is not a whole number" };
  if (presetName !== null && !isShortText(presetName))
    return { ok: false, error: "presetName is neither a string nor null" };
  if (!isRange(range)) return { ok: false, error: "range is not a range" };
  if (!isFiniteNumber(sampleRate) || sampleRate <= 0)
    return { ok: false, error: "sampleRate is not a positive number" };
  if (!isFiniteNumber(outputGainDb)) return { ok: false, error: "outputGainDb is not a number" };
  if (!Array.isArray(bands) || bands.length > MAX_BANDS)
    return { ok: false, error: `bands is not a list of at most ${MAX_BANDS} bands` };
  const checkedBands: PreviewBand[] = [];
  for (const [index, band] of bands.entries()) {
    const checked = checkBand(band, index);
    if (!checked.ok) return checked;
    if (checkedBands.some((other) => other.key === checked.value.key))
      return { ok: false, error: `bands has key ${checked.value.key} twice` };
    checkedBands.push(checked.value);
  }
  if (
    !Array.isArray(frequencies) ||
    frequencies.length < 2 ||
    frequencies.length > MAX_POINTS ||
    !frequencies.every((f) => isFiniteNumber(f) && f > 0)
  ) {
    return { ok: false, error: `frequencies is not a list of 2 to ${MAX_POINTS} positive numbers` };
  }
  if (!frequencies.every((f, i) => i === 0 || f > (frequencies[i - 1] as number)))
    return { ok: false, error: "frequencies do not increase" };
  if (!Array.isArray(responseDb) || responseDb.length !== frequencies.length || !responseDb.every(isFiniteNumber)) {
    return { ok: false, error: "responseDb is not a list of numbers as long as frequencies" };
  }
  if (!isFiniteNumber(peakDb)) return { ok: false, error: "peakDb is not a number" };
  if (!isFiniteNumber(troughDb)) return { ok: false, error: "troughDb is not a number" };
  if (!isFiniteNumber(suggestedPreGainDb)) return { ok: false, error: "suggestedPreGainDb is not a number" };
  // The SVG is not shown by the page (it draws its own curve) but is part of the answer.
  if (typeof svg !== "string") return { ok: false, error: "svg is not a string" };
  if (typeof pending !== "boolean") return { ok: false, error: "pending is not a boolean" };
  if (message !== undefined && !isShortText(message)) return { ok: false, error: "message is not a string" };
  const data: PreviewData = {
    uri,
    presetName,
    range,
    sampleRate,
    outputGainDb,
    bands: checkedBands,
    frequencies: frequencies as number[],
    responseDb: responseDb,
    peakDb,
    troughDb,
    suggestedPreGainDb,
    svg,
    pending,
  };
  if (message !== undefined) data.message = message;
  if (version !== undefined) data.version = version as number;
  return { ok: true, value: data };
}

/** A message the page posted, or undefined for anything else (which the extension ignores). */
export function parseFromPageMessage(value: unknown): FromPageMessage | undefined {
  if (!isRecord(value)) return undefined;
  if (value["type"] === "ready" && Object.keys(value).length === 1) return { type: "ready" };
  if (value["type"] === "problem" && isShortText(value["message"]) && Object.keys(value).length === 2)
    return { type: "problem", message: value["message"] };
  if (
    (value["type"] === "pickCompare" || value["type"] === "clearCompare" || value["type"] === "pickMatch") &&
    Object.keys(value).length === 1
  )
    return { type: value["type"] };
  if (value["type"] === "edit") return parseBandEdit(value);
  return undefined;
}

/** A dragged band's values from the (untrusted) page: a known slot, finite positive numbers, a version. */
function parseBandEdit(value: Record<string, unknown>): BandEditMessage | undefined {
  const { version, key, slot, frequencyHz, gainDb, q } = value;
  if (Object.keys(value).length !== 7) return undefined;
  if (!Number.isInteger(version) || (version as number) < 0) return undefined;
  if (typeof key !== "string" || !KEY_PATTERN.test(key)) return undefined;
  if (typeof slot !== "string" || !SLOT_IDS.includes(slot)) return undefined;
  if (!isFiniteNumber(frequencyHz) || frequencyHz <= 0 || !isFiniteNumber(gainDb) || !isFiniteNumber(q) || q <= 0)
    return undefined;
  return { type: "edit", version: version as number, key, slot: slot as BandId, frequencyHz, gainDb, q };
}

/** A message for the page, checked the same way the extension's inputs are. */
export function checkToPageMessage(value: unknown): Checked<ToPageMessage> {
  if (!isRecord(value)) return { ok: false, error: "not an object" };
  if (value["type"] === "preview") {
    const data = checkPreviewData(value["data"]);
    return data.ok
      ? { ok: true, value: { type: "preview", data: data.value } }
      : { ok: false, error: `preview: ${data.error}` };
  }
  if (value["type"] === "status") {
    const kind = value["kind"];
    if ((kind === "empty" || kind === "error" || kind === "waiting") && isShortText(value["message"]))
      return { ok: true, value: { type: "status", kind, message: value["message"] } };
    return { ok: false, error: "status: expected a kind (empty, error, waiting) and a message" };
  }
  if (value["type"] === "compare") {
    if (!isShortText(value["label"])) return { ok: false, error: "compare: the label is not a string" };
    if (value["data"] === null) return { ok: true, value: { type: "compare", label: value["label"], data: null } };
    const data = checkPreviewData(value["data"]);
    return data.ok
      ? { ok: true, value: { type: "compare", label: value["label"], data: data.value } }
      : { ok: false, error: `compare: ${data.error}` };
  }
  if (value["type"] === "matched") {
    if (typeof value["ok"] === "boolean" && isShortText(value["message"]))
      return { ok: true, value: { type: "matched", ok: value["ok"], message: value["message"] } };
    return { ok: false, error: "matched: expected ok (a boolean) and a message" };
  }
  return { ok: false, error: `unknown message type ${JSON.stringify(value["type"])}` };
}

/** A position from a command's arguments (the server's code lens sends plain JSON). */
export function parsePosition(value: unknown): PreviewPosition | undefined {
  return isPosition(value) ? { line: value.line, character: value.character } : undefined;
}
