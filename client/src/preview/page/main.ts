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
import { renderCurve } from "./curve.js";
import { loudnessMatchDb } from "./loudness.js";
import { renderBandTable } from "./table.js";
import { checkToPageMessage, type FromPageMessage, type PreviewData, type StatusKind } from "../protocol.js";
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
  source: element("source", HTMLElement),
  file: element("file", HTMLInputElement),
  useLoop: element("use-loop", HTMLButtonElement),
  match: element("match", HTMLElement),
  auditionStatus: element("audition-status", HTMLElement),
  table: element("bands", HTMLTableElement),
};

const audition = new Audition(document.body.dataset["loopUri"] ?? "");
let current: { data: PreviewData; matchGainDb: number } | undefined;

function report(message: string): void {
  vscode.postMessage({ type: "problem", message });
}

function showStatus(kind: StatusKind | "info", message: string): void {
  ui.status.textContent = message;
  ui.status.dataset["kind"] = kind;
}

function showPreview(data: PreviewData): void {
  const matchGainDb = loudnessMatchDb(data.frequencies, data.responseDb);
  current = { data, matchGainDb };
  document.body.classList.remove("stale");
  ui.name.textContent = data.presetName ?? "Unnamed preset";
  const bandCount = `${data.bands.length} band${data.bands.length === 1 ? "" : "s"}`;
  ui.facts.textContent = `${displayFrequency(data.sampleRate)} · ${bandCount} · line ${data.range.start.line + 1}`;
  const notes = [
    data.pending ? "The model is still loading: the morph's bands are not in yet." : "",
    data.message ?? "",
  ].filter(Boolean);
  showStatus("info", notes.join(" "));
  ui.curve.replaceChildren(renderCurve(document, data, `Response of ${data.presetName ?? "the unnamed preset"}`));
  renderBandTable(ui.table, data, matchGainDb);
  ui.match.textContent = `Bypass plays the dry signal at ${formatDecimal(matchGainDb, 1)} dB, the EQ's loudness on pink noise (K-weighted, as LUFS).`;
  audition.configure({ bands: data.bands, outputGainDb: data.outputGainDb, matchGainDb }, data.sampleRate);
}

window.addEventListener("message", (event: MessageEvent<unknown>) => {
  const checked = checkToPageMessage(event.data);
  if (!checked.ok) {
    report(`ignored a message the preview page cannot read: ${checked.error}`);
    return;
  }
  const message = checked.value;
  if (message.type === "preview") {
    showPreview(message.data);
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
    return;
  }
  const level = audition.levelDb();
  ui.level.value = Number.isFinite(level) ? Math.max(ui.level.min, level) : ui.level.min;
  requestAnimationFrame(meter);
}

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
  vscode.setState({ bypassed: audition.isBypassed } satisfies PageState);
  showAudition();
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
    chainResponseDb: (frequencies: number[]) => audition.chainResponseDb(frequencies),
    audition: () => audition.state(),
    levelDb: () => audition.levelDb(),
    measureGainDb,
  },
});

vscode.postMessage({ type: "ready" });
