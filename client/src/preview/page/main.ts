/**
 * The preview panel's page script (bundled into dist/preview.js, an IIFE for the webview). It
 * draws the preset the extension sends, fills the bands table and drives the audition.
 *
 * Every message is checked before use (protocol.ts); one that does not fit is dropped and
 * reported to the extension, never half-applied. `window.__eqpPreview` exposes the live state
 * (read back from the Web Audio nodes themselves) for the browser test.
 */
import { Audition } from "./audition.js";
import { EqChain, gainToDb } from "./chain.js";
import { curveGeometry, renderCurve, type CurveScale } from "./curve.js";
import { attachDrag } from "./drag.js";
import { loudnessMatchDb } from "./loudness.js";
import { renderBandTable, type BandListening } from "./table.js";
import {
  checkToPageMessage,
  type FromPageMessage,
  type PreviewBand,
  type PreviewData,
  type StatusKind,
} from "../protocol.js";
import { responseDb } from "#core/eq/index.js";
import { displayFrequency, formatDecimal } from "#core/language/index.js";

interface VsCodeApi {
  postMessage(message: FromPageMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives the page being reloaded (VS Code keeps it for the panel). */
interface PageState {
  bypassed: boolean;
  volumeDb?: number;
}

const vscode = acquireVsCodeApi();

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`the preview page has no #${id}`);
  return found;
}

const ui = {
  name: element("preset-name", HTMLElement),
  facts: element("preset-facts", HTMLElement),
  status: element("status", HTMLElement),
  curve: element("curve", HTMLElement),
  play: element("play", HTMLButtonElement),
  bypass: element("bypass", HTMLButtonElement),
  level: element("level", HTMLMeterElement),
  levelReadout: element("level-readout", HTMLOutputElement),
  volume: element("volume", HTMLInputElement),
  volumeReadout: element("volume-readout", HTMLOutputElement),
  compare: element("compare", HTMLButtonElement),
  compareClear: element("compare-clear", HTMLButtonElement),
  matchReference: element("match-reference", HTMLButtonElement),
  matchResult: element("match-result", HTMLElement),
  listenB: element("listen-b", HTMLButtonElement),
  compareLegend: element("compare-legend", HTMLElement),
  compareLabel: element("compare-label", HTMLElement),
  source: element("source", HTMLElement),
  file: element("file", HTMLInputElement),
  useLoop: element("use-loop", HTMLButtonElement),
  match: element("match", HTMLElement),
  auditionStatus: element("audition-status", HTMLElement),
  table: element("bands", HTMLTableElement),
};

const audition = new Audition(document.body.dataset["loopUri"] ?? "");
let current: { data: PreviewData; matchGainDb: number } | undefined;
/** The band being dragged, drawn and heard before the document has it. */
let dragged: PreviewBand | undefined;
let comparison: { label: string; data: PreviewData | null } | undefined;
/** A/B between this preset (A) and the comparison (B). */
let hearingB = false;
/** Band keys (PreviewBand.key). */
const bypassedBands = new Set<string>();
let soloBand: string | null = null;

function report(message: string): void {
  vscode.postMessage({ type: "problem", message });
}

function showStatus(kind: StatusKind | "info", message: string): void {
  ui.status.textContent = message;
  ui.status.dataset["kind"] = kind;
}

/** The preset's bands with the dragged one at its dragged values. */
function shownBands(data: PreviewData): PreviewBand[] {
  return data.bands.map((band) => (dragged?.key === band.key ? dragged : band));
}

/** The response of `bands` as the server computes it (the core's RBJ maths), for a drag under way. */
function localResponse(data: PreviewData, bands: readonly PreviewBand[]): number[] {
  const grid = Float64Array.from(data.frequencies);
  return Array.from(responseDb(bands, grid, data.sampleRate, data.outputGainDb));
}

const listening: BandListening = {
  get bypassed() {
    return bypassedBands;
  },
  get solo() {
    return soloBand;
  },
  toggleBypass(key) {
    if (!bypassedBands.delete(key)) bypassedBands.add(key);
    applyListening();
  },
  toggleSolo(key) {
    soloBand = soloBand === key ? null : key;
    applyListening();
  },
};

function applyListening(): void {
  audition.setBandStates([...bypassedBands], soloBand);
  render();
}

/** Which preset the audio plays: this one (A) or the comparison (B). */
function configureAudio(): void {
  if (!current) return;
  const b = hearingB ? comparison?.data : undefined;
  const data = b ?? current.data;
  const bands = b ? b.bands : shownBands(current.data);
  const matchGainDb = b ? loudnessMatchDb(b.frequencies, b.responseDb) : current.matchGainDb;
  audition.configure({ bands, outputGainDb: data.outputGainDb, matchGainDb }, data.sampleRate);
}

let scale: CurveScale | undefined;

/** Whether a band is heard: not bypassed, and the soloed one while a band is soloed. */
function isHeard(key: string): boolean {
  return soloBand !== null ? key === soloBand : !bypassedBands.has(key);
}

/**
 * The curve of what is heard: the preset's response, less the bands bypassed or not soloed; with
 * the whole EQ bypassed, the dry signal at its loudness match (a flat line). Undefined when that is
 * the preset's curve itself.
 */
function heardResponse(data: PreviewData, bands: readonly PreviewBand[], matchGainDb: number): number[] | undefined {
  if (audition.isBypassed) return data.frequencies.map(() => matchGainDb);
  if (bands.every((band) => isHeard(band.key))) return undefined;
  return localResponse(
    data,
    bands.filter((band) => isHeard(band.key)),
  );
}

function render(): void {
  if (!current) return;
  const { data, matchGainDb } = current;
  const bands = shownBands(data);
  const response = dragged ? localResponse(data, bands) : data.responseDb;
  const heard = heardResponse(data, bands, matchGainDb);
  const silent = new Set(data.bands.map((band) => band.key).filter((key) => !isHeard(key)));
  const compare = comparison?.data ? curveInputOf(comparison.data) : undefined;
  const focused = document.activeElement?.closest?.(".handle")?.getAttribute("data-key");
  // What is heard is the curve drawn; the whole preset stays beside it, faint, while part of it is muted.
  const input = {
    frequencies: data.frequencies,
    responseDb: heard ?? response,
    bands,
    ...(dragged || heard ? {} : { extremesDb: [data.peakDb, data.troughDb] }),
  };
  const whole = heard ? { ...input, responseDb: response } : undefined;
  ui.curve.replaceChildren(
    renderCurve(document, input, `Response of ${data.presetName ?? "the unnamed preset"}`, {
      compare,
      silent,
      ...(whole ? { whole, heard: audition.isBypassed ? "bypassed" : "part" } : {}),
    }),
  );
  scale = curveGeometry(input, compare, whole).scale;
  // A redraw replaces the handles: keep the keyboard on the one it was on.
  if (focused) ui.curve.querySelector<SVGGElement>(`.handle[data-key="${focused}"]`)?.focus();
  renderBandTable(ui.table, { ...data, bands }, matchGainDb, listening);
  ui.compareLegend.hidden = !comparison;
  ui.compareLabel.textContent = comparison?.label ?? "";
  ui.compareClear.hidden = !comparison;
  ui.listenB.hidden = !comparison?.data;
  ui.listenB.textContent = hearingB ? "Hearing B (the comparison)" : "Hearing A (this preset)";
  ui.listenB.setAttribute("aria-pressed", String(hearingB));
}

/** A preview as a curve to draw (the comparison). */
function curveInputOf(data: PreviewData) {
  return {
    frequencies: data.frequencies,
    responseDb: data.responseDb,
    bands: data.bands,
    extremesDb: [data.peakDb, data.troughDb],
  };
}

/** "5 bands (3 from used presets)": every band heard, the used presets' counted in. */
function bandCountText(bands: readonly PreviewBand[]): string {
  const used = bands.filter((band) => band.from !== undefined).length;
  const count = `${bands.length} band${bands.length === 1 ? "" : "s"}`;
  return used > 0 ? `${count} (${used} from used preset${used === 1 ? "" : "s"})` : count;
}

function showPreview(data: PreviewData): void {
  const matchGainDb = loudnessMatchDb(data.frequencies, data.responseDb);
  current = { data, matchGainDb };
  // The document now says what the drag said (or something newer): draw the document.
  dragged = undefined;
  document.body.classList.remove("stale");
  ui.name.textContent = data.presetName ?? "Unnamed preset";
  const bandCount = bandCountText(data.bands);
  ui.facts.textContent = `${displayFrequency(data.sampleRate)} · ${bandCount} · line ${data.range.start.line + 1}`;
  const notes = [
    data.pending ? "The model is still loading: the morph's bands are not in yet." : "",
    data.message ?? "",
  ].filter(Boolean);
  showStatus("info", notes.join(" "));
  ui.match.textContent = `Bypass plays the dry signal at ${formatDecimal(matchGainDb, 1)} dB, the EQ's loudness on pink noise (K-weighted, as LUFS).`;
  render();
  configureAudio();
}

attachDrag(ui.curve, {
  // A used preset's bands have no handle: their lines are in that preset.
  bands: () => (current ? shownBands(current.data).filter((band) => band.from === undefined) : []),
  scale: () => scale,
  preview: (band) => {
    dragged = band;
    render();
    configureAudio();
  },
  commit: (band) => {
    dragged = band;
    render();
    const version = current?.data.version;
    if (version === undefined) {
      report("a band was dragged, but the preview does not say which document version it shows");
      return;
    }
    // The document answers with a new preview; until then the dragged values stay drawn.
    vscode.postMessage({
      type: "edit",
      version,
      key: band.key,
      slot: band.slot,
      frequencyHz: band.frequencyHz,
      gainDb: band.gainDb,
      q: band.q,
    });
  },
});

window.addEventListener("message", (event: MessageEvent<unknown>) => {
  const checked = checkToPageMessage(event.data);
  if (!checked.ok) {
    report(`ignored a message the preview page cannot read: ${checked.error}`);
    return;
  }
  const message = checked.value;
  if (message.type === "preview") {
    showPreview(message.data);
  } else if (message.type === "matched") {
    ui.matchResult.textContent = message.message;
    ui.matchResult.dataset["kind"] = message.ok ? "info" : "error";
    ui.matchReference.disabled = false;
  } else if (message.type === "compare") {
    comparison = message.label || message.data ? { label: message.label, data: message.data } : undefined;
    if (!comparison?.data) hearingB = false;
    render();
    configureAudio();
  } else {
    // The last curve stays, dimmed, so the panel does not flash while the cursor crosses a gap.
    document.body.classList.toggle("stale", current !== undefined);
    showStatus(message.kind, message.message);
  }
});

// --- audition controls -------------------------------------------------------------------------------
function showAuditionError(error: unknown): void {
  ui.auditionStatus.textContent = error instanceof Error ? error.message : String(error);
  ui.auditionStatus.dataset["kind"] = "error";
}

function showAudition(): void {
  const state = audition.state();
  ui.play.textContent = state.playing ? "Stop" : "Play";
  ui.play.setAttribute("aria-pressed", String(state.playing));
  ui.bypass.textContent = state.bypassed ? "Bypassed (loudness-matched)" : "EQ on";
  ui.bypass.setAttribute("aria-pressed", String(state.bypassed));
  const source = state.source;
  ui.source.textContent =
    state.sourceKind === "file" && source
      ? `Source: ${source.name} (${formatDecimal(source.durationS, 1)} s)`
      : "Source: bundled loop";
  ui.useLoop.hidden = state.sourceKind !== "file";
}

function meter(): void {
  if (!audition.isPlaying) {
    ui.level.value = ui.level.min;
    ui.levelReadout.textContent = "−∞ dBFS";
    return;
  }
  const level = audition.levelDb();
  ui.level.value = Number.isFinite(level) ? Math.max(ui.level.min, level) : ui.level.min;
  ui.levelReadout.textContent = Number.isFinite(level) ? `${formatDecimal(level, 1)} dBFS` : "−∞ dBFS";
  requestAnimationFrame(meter);
}

/** The volume the user set, if any (the state holds only what was chosen). */
let chosenVolumeDb: number | undefined;

function saveState(): void {
  const state: PageState = { bypassed: audition.isBypassed };
  if (chosenVolumeDb !== undefined) state.volumeDb = chosenVolumeDb;
  vscode.setState(state);
}

function showVolume(db: number): void {
  ui.volume.value = String(db);
  ui.volumeReadout.textContent = `${db > 0 ? "+" : ""}${formatDecimal(db, 1)} dB`;
}

ui.volume.addEventListener("input", () => {
  const db = Number(ui.volume.value);
  if (!Number.isFinite(db)) return;
  audition.setVolumeDb(db);
  showVolume(db);
  chosenVolumeDb = db;
  saveState();
});

ui.compare.addEventListener("click", () => vscode.postMessage({ type: "pickCompare" }));
ui.compareClear.addEventListener("click", () => vscode.postMessage({ type: "clearCompare" }));
ui.matchReference.addEventListener("click", () => {
  ui.matchResult.textContent = "Pick the reference recording, then the recording to match to it…";
  delete ui.matchResult.dataset["kind"];
  ui.matchReference.disabled = true;
  vscode.postMessage({ type: "pickMatch" });
});
ui.listenB.addEventListener("click", () => {
  hearingB = !hearingB && comparison?.data !== undefined && comparison.data !== null;
  render();
  configureAudio();
});

ui.play.addEventListener("click", () => {
  ui.auditionStatus.textContent = "";
  const action = audition.isPlaying ? audition.stop() : audition.play();
  action.then(
    () => {
      showAudition();
      if (audition.isPlaying) requestAnimationFrame(meter);
    },
    (error: unknown) => {
      showAuditionError(error);
      showAudition();
    },
  );
});

ui.bypass.addEventListener("click", () => {
  audition.setBypassed(!audition.isBypassed);
  saveState();
  showAudition();
  // The curve shows what is heard: bypassed, the dry signal at its loudness match.
  render();
});

ui.file.addEventListener("change", () => {
  const file = ui.file.files?.[0];
  if (!file) return;
  ui.auditionStatus.textContent = `Decoding ${file.name}…`;
  delete ui.auditionStatus.dataset["kind"];
  audition.useFile(file).then(
    (source) => {
      ui.auditionStatus.textContent = `${source.name}: ${formatDecimal(source.durationS, 1)} s, ${source.channels} channel${source.channels === 1 ? "" : "s"}, ${displayFrequency(source.sampleRate)}`;
      showAudition();
    },
    (error: unknown) => showAuditionError(error),
  );
  // Picking the same file again should decode it again.
  ui.file.value = "";
});

ui.useLoop.addEventListener("click", () => {
  ui.auditionStatus.textContent = "";
  audition.useLoop().then(showAudition, (error: unknown) => {
    showAuditionError(error);
    showAudition();
  });
  showAudition();
});

const saved = vscode.getState() as Partial<PageState> | undefined;
if (saved?.bypassed === true) audition.setBypassed(true);
if (typeof saved?.volumeDb === "number" && Number.isFinite(saved.volumeDb)) {
  chosenVolumeDb = saved.volumeDb;
  audition.setVolumeDb(saved.volumeDb);
  showVolume(saved.volumeDb);
}
showAudition();

// --- for the browser test ---------------------------------------------------------------------------
/**
 * Renders a sine through a copy of the chain (same code, same settings, same bypass) in an
 * OfflineAudioContext and returns its gain in dB: what the chain does to the sound, measured on
 * samples rather than read from parameters.
 */
async function measureGainDb(frequencyHz: number, bypassed: boolean): Promise<number> {
  if (!current) throw new Error("no preset yet");
  const rate = audition.state().sampleRate ?? current.data.sampleRate;
  const seconds = 0.5;
  const context = new OfflineAudioContext(1, Math.round(rate * seconds), rate);
  const chain = new EqChain(context);
  // Per-band bypass and solo as the live chain has them, so the measurement hears what the listener does.
  chain.setBandStates([...bypassedBands], soloBand, false);
  chain.configure(
    { bands: current.data.bands, outputGainDb: current.data.outputGainDb, matchGainDb: current.matchGainDb },
    false,
  );
  chain.setBypassed(bypassed, false);
  const sine = new OscillatorNode(context, { type: "sine", frequency: frequencyHz });
  sine.connect(chain.input);
  chain.output.connect(context.destination);
  sine.start();
  const rendered = (await context.startRendering()).getChannelData(0);
  // The second half only: the filters' start-up transient is over by then.
  const settled = rendered.subarray(rendered.length / 2);
  let sum = 0;
  for (const sample of settled) sum += sample * sample;
  // A unit sine's RMS is 1/√2.
  return gainToDb(Math.sqrt(sum / settled.length) * Math.SQRT2);
}

Object.assign(window, {
  __eqpPreview: {
    data: () => current?.data,
    matchGainDb: () => current?.matchGainDb,
    chain: () => audition.chainState(),
    comparison: () => comparison,
    hearingB: () => hearingB,
    chainResponseDb: (frequencies: number[]) => audition.chainResponseDb(frequencies),
    audition: () => audition.state(),
    levelDb: () => audition.levelDb(),
    measureGainDb,
  },
});

vscode.postMessage({ type: "ready" });
