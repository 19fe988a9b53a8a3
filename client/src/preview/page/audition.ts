/**
 * Listening to a preset: a looping source (the bundled loop, or a file the user picks) through the
 * EQ chain to the speakers, with an analyser for the level meter.
 *
 * The AudioContext runs at the preset's sample rate where the browser allows it, so the biquads
 * are the very filters the server drew (a biquad's curve near Nyquist depends on the rate); the
 * browser resamples to the device. It is made as soon as there is a preset (so the chain exists
 * and can be inspected) and kept suspended while nothing plays, which costs no CPU. A preset at
 * another rate gets a new context, but only while stopped: playback is never cut for it.
 */
import { EqChain, gainToDb, type ChainSettings, type ChainState } from "./chain.js";

export type SourceKind = "loop" | "file";

export interface SourceInfo {
  kind: SourceKind;
  name: string;
  durationS: number;
  sampleRate: number;
  channels: number;
}

export interface AuditionState {
  playing: boolean;
  /** The AudioContext's state, or "none" before the first preset. */
  contextState: AudioContextState | "none";
  currentTime: number;
  sampleRate: number | undefined;
  bypassed: boolean;
  sourceKind: SourceKind;
  /** The source's facts once it is decoded (the loop is fetched on first play). */
  source: SourceInfo | undefined;
}

/** The largest file the page decodes: beyond this, decoding would take the page's memory. */
const MAX_FILE_BYTES = 200 * 1024 * 1024;

export class Audition {
  private context: AudioContext | undefined;
  private chain: EqChain | undefined;
  private analyser: AnalyserNode | undefined;
  private player: AudioBufferSourceNode | undefined;
  private settings: ChainSettings | undefined;
  private wantedRate: number | undefined;
  /** The rate the context was asked for (the browser may have fallen back to the device's). */
  private contextRate: number | undefined;
  private starting: Promise<void> | undefined;
  private bypassed = false;
  private bandStates: { bypassed: string[]; solo: string | null } = { bypassed: [], solo: null };
  private volumeDb = 0;
  private playing = false;
  private sourceKind: SourceKind = "loop";
  private loop: AudioBuffer | undefined;
  private file: { buffer: AudioBuffer; name: string } | undefined;

  constructor(private readonly loopUrl: string) {}

  /** Sets the chain to a preset (gliding while playing) at the preset's sample rate. */
  configure(settings: ChainSettings, sampleRate: number): void {
    this.settings = settings;
    this.wantedRate = sampleRate;
    if (!this.playing) this.ensureContext();
    this.chain?.configure(settings, this.playing);
  }

  /** Per-band bypass and solo by band key, kept across presets and contexts. */
  setBandStates(bypassed: readonly string[], solo: string | null): void {
    this.bandStates = { bypassed: [...bypassed], solo };
    this.chain?.setBandStates(bypassed, solo, this.playing);
  }

  /** The listener's volume (dB), after the EQ and the A/B. */
  setVolumeDb(db: number): void {
    this.volumeDb = db;
    this.chain?.setVolumeDb(db, this.playing);
  }

  setBypassed(bypassed: boolean): void {
    this.bypassed = bypassed;
    this.chain?.setBypassed(bypassed, this.playing);
  }

  get isBypassed(): boolean {
    return this.bypassed;
  }

  async play(): Promise<void> {
    if (this.playing) return;
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<void> {
    const context = this.ensureContext();
    // Resumed first, while the user's click still counts for the browser's autoplay policy.
    await context.resume();
    let buffer: AudioBuffer;
    try {
      buffer = await this.sourceBuffer(context);
    } catch (error) {
      await context.suspend();
      throw error;
    }
    this.playing = true;
    this.startPlayer(context, buffer);
  }

  async stop(): Promise<void> {
    // A start under way finishes first, so that it cannot begin playing after the stop.
    if (this.starting) await this.starting.catch(() => undefined);
    if (!this.playing) return;
    this.playing = false;
    this.stopPlayer();
    await this.context?.suspend();
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  /** Decodes a file the user picked and plays it from now on (at once, if something plays). */
  async useFile(file: File): Promise<SourceInfo> {
    if (file.size > MAX_FILE_BYTES)
      throw new Error(
        `${file.name} is ${Math.round(file.size / 1024 / 1024)} MB; the preview plays files up to ${MAX_FILE_BYTES / 1024 / 1024} MB`,
      );
    const context = this.ensureContext();
    let buffer: AudioBuffer;
    try {
      buffer = await context.decodeAudioData(await file.arrayBuffer());
    } catch (error) {
      throw new Error(
        `could not decode ${file.name} as audio (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    this.file = { buffer, name: file.name };
    this.switchSource("file", context);
    return describe("file", file.name, buffer);
  }

  /** Back to the bundled loop (fetched now if it was never played). */
  async useLoop(): Promise<void> {
    this.sourceKind = "loop";
    const context = this.context;
    if (!this.playing || !context) return;
    const loop = await this.sourceBuffer(context);
    // Another choice (or a stop) may have come while the loop loaded.
    if (this.sourceKind === "loop" && this.playing) this.restartPlayer(context, loop);
  }

  /** Swaps the playing source without stopping; the chain and the A/B setting stay. */
  private switchSource(kind: SourceKind, context: AudioContext): void {
    this.sourceKind = kind;
    if (this.playing && kind === "file" && this.file) this.restartPlayer(context, this.file.buffer);
  }

  private restartPlayer(context: AudioContext, buffer: AudioBuffer): void {
    this.stopPlayer();
    this.startPlayer(context, buffer);
  }

  private startPlayer(context: AudioContext, buffer: AudioBuffer): void {
    const player = context.createBufferSource();
    player.buffer = buffer;
    player.loop = true;
    player.connect(this.chain!.input);
    player.start();
    this.player = player;
  }

  private stopPlayer(): void {
    this.player?.stop();
    this.player?.disconnect();
    this.player = undefined;
  }

  private async sourceBuffer(context: AudioContext): Promise<AudioBuffer> {
    if (this.sourceKind === "file" && this.file) return this.file.buffer;
    this.loop ??= await this.fetchLoop(context);
    return this.loop;
  }

  private async fetchLoop(context: AudioContext): Promise<AudioBuffer> {
    const response = await fetch(this.loopUrl);
    if (!response.ok) throw new Error(`could not load the bundled loop (HTTP ${response.status})`);
    return context.decodeAudioData(await response.arrayBuffer());
  }

  /** The context at the wanted rate: made on first use, remade for a new rate while stopped. */
  private ensureContext(): AudioContext {
    const rate = this.wantedRate;
    if (this.context && (this.playing || this.starting || rate === undefined || this.contextRate === rate))
      return this.context;
    const old = this.context;
    const context = createContext(rate);
    this.contextRate = rate;
    this.chain = new EqChain(context);
    this.analyser = context.createAnalyser();
    this.analyser.fftSize = 2048;
    this.chain.output.connect(this.analyser);
    this.chain.output.connect(context.destination);
    this.chain.setBandStates(this.bandStates.bypassed, this.bandStates.solo, false);
    this.chain.setVolumeDb(this.volumeDb, false);
    if (this.settings) this.chain.configure(this.settings, false);
    this.chain.setBypassed(this.bypassed, false);
    this.context = context;
    // Nothing plays yet: a suspended context costs nothing (where autoplay is allowed it starts running).
    if (context.state === "running") void context.suspend();
    void old?.close();
    return context;
  }

  chainState(): ChainState | undefined {
    return this.chain?.state();
  }

  chainResponseDb(frequencies: readonly number[]): number[] | undefined {
    return this.chain?.responseDb(frequencies);
  }

  /** The output's RMS level over the analyser's window, in dBFS (-Infinity for silence). */
  levelDb(): number {
    if (!this.analyser) return -Infinity;
    const samples = new Float32Array(this.analyser.fftSize);
    this.analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    return gainToDb(Math.sqrt(sum / samples.length));
  }

  state(): AuditionState {
    const buffer = this.sourceKind === "file" ? this.file?.buffer : this.loop;
    const name = this.sourceKind === "file" ? (this.file?.name ?? "") : "bundled loop";
    return {
      playing: this.playing,
      contextState: this.context?.state ?? "none",
      currentTime: this.context?.currentTime ?? 0,
      sampleRate: this.context?.sampleRate,
      bypassed: this.bypassed,
      sourceKind: this.sourceKind,
      source: buffer ? describe(this.sourceKind, name, buffer) : undefined,
    };
  }
}

function describe(kind: SourceKind, name: string, buffer: AudioBuffer): SourceInfo {
  return { kind, name, durationS: buffer.duration, sampleRate: buffer.sampleRate, channels: buffer.numberOfChannels };
}

/** An AudioContext at `rate` if the browser takes it, else at the device's rate. */
function createContext(rate: number | undefined): AudioContext {
  if (rate !== undefined) {
    try {
      return new AudioContext({ sampleRate: rate, latencyHint: "playback" });
    } catch {
      // A rate the browser does not support (Chromium takes 3 kHz to 768 kHz): the device's rate
      // then, and the filters are computed at that rate.
    }
  }
  return new AudioContext({ latencyHint: "playback" });
}
