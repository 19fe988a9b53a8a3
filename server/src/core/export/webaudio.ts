/**
 * A Web Audio snippet: an ES module whose function builds the preset as a chain of
 * `BiquadFilterNode`s ("lowshelf" / "peaking" / "highshelf") and a `GainNode` for the output gain.
 * The browser computes the coefficients at the AudioContext's own rate. Web Audio's shelves ignore
 * Q: the specification fixes their slope at S = 1, which is Q = 1/√2 ≈ 0.7071 instead of SAFE's
 * 0.71; the warning gives what that costs in dB (a few hundredths).
 */
import { slotFacts } from "../eq/index.js";
import { formatDecimal } from "../language/index.js";
import { assessRealisation, realiseWithin, slopeOneShelves, type TargetFilter } from "./fidelity.js";
import { presetTitle, type ConcretePreset, type ExportContext, type ExportedPreset } from "./types.js";
import { writtenFrequency, writtenGain, writtenQ } from "./written.js";
import { GENERATOR_ID } from "./version.js";

const UNLIMITED = { min: -Infinity, max: Infinity };

/** `createVoCleanEq` from "VO clean"; `createPresetEq` when nothing usable is left. */
export function functionName(name: string | undefined): string {
  const words = (name ?? "")
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
  const pascal = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("");
  return `create${/^[A-Za-z]/.test(pascal) ? pascal : `Preset${pascal}`}Eq`;
}

/**
 * The node of one section. Web Audio's low- and high-pass read Q in dB (the specification's
 * alpha = sin ω0 / (2·10^(Q/20))), its notch and peaking read it as the cookbook's Q; a first-order
 * section is an IIRFilterNode whose coefficients the snippet computes at the context's rate.
 */
function nodeText(filter: TargetFilter): string {
  const frequency = formatDecimal(writtenFrequency(filter.frequencyHz), 2);
  if (filter.kind === "highpass1" || filter.kind === "lowpass1")
    return `firstOrder(context, "${filter.kind === "highpass1" ? "highpass" : "lowpass"}", ${frequency})`;
  const options = [`type: "${filter.kind}"`, `frequency: ${frequency}`];
  if (filter.kind === "highpass" || filter.kind === "lowpass")
    options.push(`Q: ${formatDecimal(20 * Math.log10(filter.q), 6)}`);
  else if (filter.kind === "notch") options.push(`Q: ${formatDecimal(writtenQ(filter.q), 3)}`);
  else {
    options.push(`gain: ${formatDecimal(writtenGain(filter.gainDb), 2)}`);
    if (filter.kind === "peaking") options.push(`Q: ${formatDecimal(writtenQ(filter.q), 3)}`);
  }
  return `new BiquadFilterNode(context, { ${options.join(", ")} })`;
}

/** The helper a snippet with a first-order section needs: the bilinear Butterworth section, corner prewarped. */
const FIRST_ORDER_HELPER = [
  "",
  "/** A first-order Butterworth high- or low-pass at the context's rate (Web Audio's biquads are second-order). */",
  "function firstOrder(context, type, frequency) {",
  "  const k = Math.tan((Math.PI * frequency) / context.sampleRate);",
  '  const feedforward = type === "lowpass" ? [k, k] : [1, -1];',
  "  return new IIRFilterNode(context, { feedforward, feedback: [1 + k, k - 1] });",
  "}",
];

export function exportWebAudio(preset: ConcretePreset, context: ExportContext = {}): ExportedPreset {
  const realisation = realiseWithin(preset, "Web Audio", {
    gain: UNLIMITED,
    frequency: { min: 0, max: Infinity },
    q: { min: 0.0001, max: 1000 },
    ...slopeOneShelves("Web Audio shelves ignore Q"),
    gainlessKinds: ["highpass", "lowpass", "notch", "highpass1", "lowpass1"],
  });
  const sections = realisation.bands.flatMap((realised) =>
    realised.filters.map((filter) => ({ filter, label: slotFacts(realised.band.slot).label })),
  );
  const warnings = assessRealisation("webaudio", preset, realisation);
  const title = JSON.stringify(presetTitle(preset));
  const lines = [
    `// ${title}${context.sourceName ? ` from ${context.sourceName}` : ""}, exported by ${GENERATOR_ID} as a Web Audio chain.`,
    "// The browser computes each filter's coefficients at the AudioContext's sample rate.",
    ...warnings.map((warning) => `// ${warning.severity}: ${warning.message}`),
    "",
    `/** Builds ${title}: connect a source to \`input\` and \`output\` to the destination. */`,
    `export function ${functionName(preset.name)}(context) {`,
    ...(sections.length === 0
      ? ["  const filters = [];"]
      : [
          "  const filters = [",
          ...sections.map(({ filter, label }) => `    ${nodeText(filter)}, // ${label}`),
          "  ];",
        ]),
    `  const output = new GainNode(context, { gain: ${formatDecimal(Math.pow(10, realisation.outputGainDb / 20), 6)} }); // ${formatDecimal(realisation.outputGainDb, 2)} dB`,
    "  filters.forEach((filter, index) => filter.connect(filters[index + 1] ?? output));",
    "  return { input: filters[0] ?? output, output, filters };",
    "}",
    ...(sections.some(({ filter }) => filter.kind.endsWith("1")) ? FIRST_ORDER_HELPER : []),
  ];
  return { format: "webaudio", preset, text: `${lines.join("\n")}\n`, warnings };
}
