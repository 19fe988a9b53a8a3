/**
 * A preset as a Web Audio chain that can move to another preset while it plays. Only the
 * context's factory methods are used (no constructors, no DOM), so the chain also runs in React
 * Native's Web Audio implementations.
 *
 * Each filter becomes BiquadFilterNodes where Web Audio's own filter is exactly the preset's
 * (bells, notches, Butterworth sections, shelves at Q = 1/√2, Web Audio's fixed shelf slope) and
 * an IIRFilterNode otherwise (shelves at another Q, a first-order section). BiquadFilterNodes can be
 * ramped; IIRFilterNodes cannot, so a switch that involves one crossfades two chains instead.
 */
import { butterworthQs, filterSections, firstOrderSection } from "./coefficients.js";
import type { Filter, Preset } from "./types.js";

type BiquadStage = { kind: "biquad"; type: BiquadFilterType; frequency: number; gain: number; Q: number };
type IirStage = { kind: "iir"; feedforward: number[]; feedback: number[] };
type Stage = BiquadStage | IirStage;

interface Chain {
  nodes: AudioNode[];
  stages: Stage[];
  /** The preset's output gain, and the crossfade. */
  fader: GainNode;
}

/** What createEqNode returns: connect a source to `input` and `output` onward. */
export interface EqNode {
  readonly context: BaseAudioContext;
  readonly input: AudioNode;
  readonly output: AudioNode;
  /** The preset the chain is playing (or moving to). */
  readonly preset: Preset;
}

interface EqNodeState extends EqNode {
  preset: Preset;
  chain: Chain;
  /** Chains faded out, disconnected once their fade has ended. */
  retired: { chain: Chain; until: number }[];
}

const states = new WeakMap<EqNode, EqNodeState>();
const SHELF_SLOPE_ONE_Q = Math.SQRT1_2;

function qDb(q: number): number {
  // Web Audio's low- and high-pass read Q in dB.
  return 20 * Math.log10(q);
}

function passStages(filter: Filter & { type: "highpass" | "lowpass" }, sampleRate: number): Stage[] {
  const order = filter.slopeDbPerOct / 6;
  const base = { kind: "biquad" as const, type: filter.type, frequency: filter.frequencyHz, gain: 0 };
  if (order === 2) return [{ ...base, Q: qDb(filter.q ?? SHELF_SLOPE_ONE_Q) }];
  const { qs, firstOrder } = butterworthQs(order);
  const sections: Stage[] = qs.map((q) => ({ ...base, Q: qDb(q) }));
  if (!firstOrder) return sections;
  const first = firstOrderSection(filter.type, (2 * Math.PI * filter.frequencyHz) / sampleRate);
  return [{ kind: "iir", feedforward: [first.b0, first.b1], feedback: [1, first.a1] }, ...sections];
}

function filterStages(filter: Filter, sampleRate: number): Stage[] {
  const at = { kind: "biquad" as const, frequency: filter.frequencyHz };
  switch (filter.type) {
    case "peaking":
      return [{ ...at, type: "peaking", gain: filter.gainDb, Q: filter.q }];
    case "notch":
      return [{ ...at, type: "notch", gain: 0, Q: filter.q }];
    case "highpass":
    case "lowpass":
      return passStages(filter, sampleRate);
    default: {
      if (Math.abs(filter.q - SHELF_SLOPE_ONE_Q) < 1e-12)
        return [{ ...at, type: filter.type, gain: filter.gainDb, Q: 1 }];
      const [s] = filterSections(filter, sampleRate);
      return [{ kind: "iir", feedforward: [s!.b0, s!.b1, s!.b2], feedback: [1, s!.a1, s!.a2] }];
    }
  }
}

/** The stages of a preset in order, at the context's rate (IIR coefficients depend on it). */
export function stagesOf(preset: Preset, sampleRate: number): Stage[] {
  return preset.filters.flatMap((filter) => filterStages(filter, sampleRate));
}

function stageNode(context: BaseAudioContext, stage: Stage): AudioNode {
  if (stage.kind === "iir") return context.createIIRFilter(stage.feedforward, stage.feedback);
  const node = context.createBiquadFilter();
  node.type = stage.type;
  node.frequency.value = stage.frequency;
  node.gain.value = stage.gain;
  node.Q.value = stage.Q;
  return node;
}

function linearGain(db: number): number {
  return Math.pow(10, db / 20);
}

function buildChain(state: Pick<EqNodeState, "context" | "input" | "output">, preset: Preset, gain: number): Chain {
  const stages = stagesOf(preset, state.context.sampleRate);
  const nodes = stages.map((stage) => stageNode(state.context, stage));
  const fader = state.context.createGain();
  fader.gain.value = gain;
  [state.input, ...nodes].forEach((node, index) => node.connect(nodes[index] ?? fader));
  fader.connect(state.output);
  return { nodes, stages, fader };
}

/** Builds the preset's chain: connect a source to `input` and `output` to the destination. */
export function createEqNode(context: BaseAudioContext, preset: Preset): EqNode {
  const input = context.createGain();
  const output = context.createGain();
  const state = { context, input, output, preset, retired: [] } as unknown as EqNodeState;
  state.chain = buildChain(state, preset, linearGain(preset.outputGainDb));
  const node: EqNode = {
    context,
    input,
    output,
    get preset() {
      return state.preset;
    },
  };
  states.set(node, state);
  return node;
}

/**
 * Freezes a parameter at its value now, whatever ramp it was on, with an explicit event there: a
 * ramp without an event before it would start from time 0 and jump.
 */
function hold(param: AudioParam, now: number): void {
  const value = param.value;
  if (typeof param.cancelAndHoldAtTime === "function") param.cancelAndHoldAtTime(now);
  else param.cancelScheduledValues(now);
  param.setValueAtTime(value, now);
}

function rampTo(param: AudioParam, value: number, now: number, end: number, exponential = false): void {
  hold(param, now);
  if (end <= now) param.setValueAtTime(value, now);
  else if (exponential) param.exponentialRampToValueAtTime(value, end);
  else param.linearRampToValueAtTime(value, end);
}

function rampable(from: Stage[], to: Stage[]): boolean {
  return (
    from.length === to.length &&
    from.every((stage, index) => {
      const other = to[index]!;
      return stage.kind === "biquad" && other.kind === "biquad" && stage.type === other.type;
    })
  );
}

function rampChain(chain: Chain, stages: Stage[], gain: number, now: number, end: number): void {
  chain.nodes.forEach((node, index) => {
    const stage = stages[index] as BiquadStage;
    const filter = node as BiquadFilterNode;
    rampTo(filter.frequency, stage.frequency, now, end, true);
    rampTo(filter.gain, stage.gain, now, end);
    rampTo(filter.Q, stage.Q, now, end);
  });
  chain.stages = stages;
  rampTo(chain.fader.gain, gain, now, end);
}

function disconnect(state: EqNodeState, chain: Chain): void {
  state.input.disconnect(chain.nodes[0] ?? chain.fader);
  for (const node of chain.nodes) node.disconnect();
  chain.fader.disconnect();
}

/**
 * Moves a playing chain to another preset over `rampMs` (default 30 ms): parameter ramps when both
 * presets have the same BiquadFilterNode structure, else a linear crossfade of two chains (both
 * filter the same input, so the sum holds its level). Faded-out chains are disconnected at the
 * next call after their fade.
 */
export function setPreset(node: EqNode, preset: Preset, options: { rampMs?: number } = {}): void {
  const state = states.get(node);
  if (!state) throw new TypeError("setPreset needs a node made by createEqNode");
  const now = state.context.currentTime;
  const end = now + Math.max(0, options.rampMs ?? 30) / 1000;
  for (const old of state.retired.filter((retired) => retired.until < now)) disconnect(state, old.chain);
  state.retired = state.retired.filter((retired) => retired.until >= now);
  const gain = linearGain(preset.outputGainDb);
  const stages = stagesOf(preset, state.context.sampleRate);
  if (rampable(state.chain.stages, stages)) rampChain(state.chain, stages, gain, now, end);
  else {
    const incoming = buildChain(state, preset, 0);
    rampTo(incoming.fader.gain, gain, now, end);
    rampTo(state.chain.fader.gain, 0, now, end);
    state.retired.push({ chain: state.chain, until: end });
    state.chain = incoming;
  }
  state.preset = preset;
}
