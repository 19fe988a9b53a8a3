/** Checks of one band line: units, repeated parameters, and each value against the SAFE plug-in's ranges. */
import {
  ABSURD_GAIN_DB,
  AUDIBLE_RANGE,
  DEFAULT_PASS_SLOPE,
  GAIN_RANGE,
  NOTCH_Q_RANGE,
  PASS_SLOPES,
  Q_RANGE,
  clamp,
  inRange,
  type NumericRange,
} from "../eq/index.js";
import type { BandStatement, Quantity } from "../language/index.js";
import { displayFrequency, writeFrequency, writeGain, writePlain } from "../language/index.js";
import { DiagnosticCode } from "./diagnostics.js";
import type { DiagnosticSink } from "./sink.js";

/** False when the unit is wrong (and says so). */
export function checkUnit(value: Quantity, expected: "dB" | "Hz", out: DiagnosticSink): boolean {
  const isFrequency = value.unit === "Hz" || value.unit === "kHz";
  if (expected === "dB" ? value.unit === "dB" : isFrequency) return true;
  if (value.unit === undefined) {
    const replacements = expected === "dB" ? [`${value.text}dB`] : [`${value.text}Hz`, `${value.text}kHz`];
    out.add(
      value.range,
      "error",
      DiagnosticCode.MissingUnit,
      `${value.text} needs a unit: ${expected === "dB" ? "dB" : "Hz or kHz"}`,
      { fix: "replace", replacements },
    );
  } else {
    out.add(
      value.range,
      "error",
      DiagnosticCode.WrongUnit,
      `Expected ${expected === "dB" ? "a level in dB" : "a frequency in Hz or kHz"}, found ${value.text}`,
    );
  }
  return false;
}

export function checkAbsurdGain(value: Quantity, out: DiagnosticSink): boolean {
  if (Number.isFinite(value.value) && Math.abs(value.value) <= ABSURD_GAIN_DB) return false;
  out.add(
    value.range,
    "error",
    DiagnosticCode.GainAbsurd,
    `${value.text} is not a usable gain: levels beyond ±${ABSURD_GAIN_DB} dB are a typo, not a setting`,
  );
  return true;
}

export function checkBandParameters(band: BandStatement, out: DiagnosticSink): void {
  if (!parametersPass(band)) checkEachParameter(band, out);
  checkMissingParameters(band, out);
}

/**
 * True when {@link checkEachParameter} would find nothing: each parameter is the first of its slot
 * and its value is in range. Read from the slots, without making a node per parameter, as nearly
 * every band of a file passes (making them was a fifth of what a validation allocated).
 */
function parametersPass(band: BandStatement): boolean {
  for (let index = 0; index < band.parameterCount; index++) if (band.slotOf(index) === undefined) return false;
  const gain = band.slotValue("gain");
  if (gain !== undefined && !(takesGain(band) && Math.abs(gain) <= ABSURD_GAIN_DB && inRange(gain, GAIN_RANGE)))
    return false;
  const slope = band.slotValue("slope");
  if (slope !== undefined && !(isPass(band) && PASS_SLOPES.includes(slope))) return false;
  if (!band.hasSlot("q")) return true;
  if (isPass(band) && (slope ?? DEFAULT_PASS_SLOPE) !== DEFAULT_PASS_SLOPE) return false;
  if (band.bandType === "lowshelf" || band.bandType === "highshelf") return false;
  const q = band.q!;
  const range = band.bandType === "notch" ? NOTCH_Q_RANGE : Q_RANGE;
  return q.unit === undefined && q.value > 0 && Number.isFinite(q.value) && inRange(q.value, range);
}

function checkEachParameter(band: BandStatement, out: DiagnosticSink): void {
  // Three flags rather than an object indexed by name: this runs for every band of the file.
  let seenQ = false;
  let seenFrequency = false;
  let seenGain = false;
  for (const parameter of band.parameters) {
    if (parameter.kind === "q") {
      if (!parameter.quantity) {
        out.add(parameter.keywordRange, "error", DiagnosticCode.MissingValue, "'q' needs a value, e.g. q 1.4");
        continue;
      }
      if (seenQ) {
        out.add(parameter.range, "error", DiagnosticCode.DuplicateParameter, "This band already has a Q");
        continue;
      }
      seenQ = true;
      if (isPass(band) && (band.slotValue("slope") ?? DEFAULT_PASS_SLOPE) !== DEFAULT_PASS_SLOPE) {
        out.add(
          parameter.range,
          "warning",
          DiagnosticCode.FilterQIgnored,
          `A q sets a pass filter's resonance at 12 dB/oct only: at ${writePlain(band.slotValue("slope")!)} dB/oct the Butterworth sections have their own Qs, and this q is ignored`,
          { fix: "replace", replacements: [""] },
        );
        continue;
      }
      if (band.bandType === "lowshelf" || band.bandType === "highshelf") {
        out.add(
          parameter.range,
          "warning",
          DiagnosticCode.ShelfQ,
          "The SAFE EQ's shelves have a fixed Q of 0.71: this q is ignored",
          { fix: "replace", replacements: [""] },
        );
        continue;
      }
      checkQ(parameter.quantity, out, band.bandType === "notch" ? NOTCH_Q_RANGE : Q_RANGE);
      continue;
    }
    const quantity = parameter.quantity;
    if (quantity.unit === "dB/oct") {
      checkSlope(band, quantity, out);
      continue;
    }
    if (quantity.unit === undefined) {
      out.add(
        quantity.range,
        "error",
        DiagnosticCode.MissingUnit,
        `${quantity.text} needs a unit: Hz or kHz for a frequency, dB for a gain`,
        {
          fix: "replace",
          // Offer first what the band still lacks.
          replacements:
            band.hasSlot("frequency") && !band.hasSlot("gain")
              ? [`${quantity.text}dB`, `${quantity.text}Hz`, `${quantity.text}kHz`]
              : [`${quantity.text}Hz`, `${quantity.text}kHz`, `${quantity.text}dB`],
        },
      );
      continue;
    }
    const isGain = quantity.unit === "dB";
    if (isGain ? seenGain : seenFrequency) {
      out.add(
        quantity.range,
        "error",
        DiagnosticCode.DuplicateParameter,
        `This band already has a ${isGain ? "gain" : "frequency"}`,
      );
      continue;
    }
    if (isGain && !takesGain(band)) {
      out.add(
        quantity.range,
        "error",
        DiagnosticCode.FilterGain,
        `A ${band.bandType} has no gain: ${quantity.text} does nothing`,
        {
          fix: "replace",
          replacements: [""],
        },
      );
    } else if (isGain) {
      seenGain = true;
      checkBandGain(quantity, out);
    } else {
      seenFrequency = true;
    }
  }
}

/** A band needs a frequency, and a gain when its type takes one. */
function checkMissingParameters(band: BandStatement, out: DiagnosticSink): void {
  const example = EXAMPLES[band.bandType];
  if (!band.hasSlot("frequency")) {
    const what = band.hasSlot("gain") || !takesGain(band) ? "a frequency" : "a frequency and a gain";
    out.add(
      band.keywordRange,
      "error",
      DiagnosticCode.MissingFrequency,
      `This ${band.bandType} needs ${what}, e.g. ${example}`,
    );
  } else if (!band.hasSlot("gain") && takesGain(band)) {
    out.add(
      band.keywordRange,
      "error",
      DiagnosticCode.MissingGain,
      `This ${band.bandType} needs a gain, e.g. ${example}`,
    );
  }
}

const EXAMPLES: Record<BandStatement["bandType"], string> = {
  bell: "bell 2.5kHz +3dB q 1.2",
  lowshelf: "lowshelf 120Hz -2dB",
  highshelf: "highshelf 8kHz +2dB",
  highpass: "highpass 80Hz 24dB/oct",
  lowpass: "lowpass 8kHz 12dB/oct",
  notch: "notch 50Hz q 30",
};

function isPass(band: BandStatement): boolean {
  return band.bandType === "highpass" || band.bandType === "lowpass";
}

/** Shelves and bells take a gain; pass filters and notches have none. */
function takesGain(band: BandStatement): boolean {
  return !isPass(band) && band.bandType !== "notch";
}

/** A slope belongs on a pass filter, once, and is one of the Butterworth orders' slopes. */
function checkSlope(band: BandStatement, value: Quantity, out: DiagnosticSink): void {
  if (!isPass(band)) {
    out.add(value.range, "error", DiagnosticCode.WrongUnit, `Only a highpass or lowpass has a slope: ${value.text}`);
    return;
  }
  if (band.slope && band.slope.range.start.character !== value.range.start.character) {
    out.add(value.range, "error", DiagnosticCode.DuplicateParameter, "This filter already has a slope");
    return;
  }
  if (PASS_SLOPES.includes(value.value)) return;
  const nearest = [...PASS_SLOPES].sort((a, b) => Math.abs(a - value.value) - Math.abs(b - value.value));
  out.add(
    value.range,
    "error",
    DiagnosticCode.SlopeInvalid,
    `${value.text} is not a slope the filters have: ${PASS_SLOPES.join(", ")} dB/oct (Butterworth, 6 dB/oct per order)`,
    { fix: "replace", replacements: nearest.slice(0, 2).map((slope) => `${slope}dB/oct`) },
  );
}

function checkQ(value: Quantity, out: DiagnosticSink, range: NumericRange = Q_RANGE): void {
  if (value.unit !== undefined) {
    out.add(value.range, "error", DiagnosticCode.WrongUnit, `Q is a plain number, not ${value.text}`, {
      fix: "replace",
      replacements: [writePlain(value.number)],
    });
    return;
  }
  if (!(value.value > 0) || !Number.isFinite(value.value)) {
    out.add(
      value.range,
      "error",
      DiagnosticCode.QInvalid,
      `Q must be a positive number; the SAFE EQ allows ${range.min}–${range.max}`,
      {
        fix: "clamp",
        replacement: writePlain(range.min),
        value: range.min,
      },
    );
    return;
  }
  if (!inRange(value.value, range)) {
    const clamped = clamp(value.value, range);
    out.add(
      value.range,
      "warning",
      DiagnosticCode.QOutOfRange,
      `Q ${value.text} is outside the SAFE EQ's range ${range.min}–${range.max}`,
      {
        fix: "clamp",
        replacement: writePlain(clamped),
        value: clamped,
      },
    );
  }
}

function checkBandGain(value: Quantity, out: DiagnosticSink): void {
  if (checkAbsurdGain(value, out)) return;
  if (!inRange(value.value, GAIN_RANGE)) {
    const clamped = clamp(value.value, GAIN_RANGE);
    out.add(
      value.range,
      "warning",
      DiagnosticCode.GainOutOfRange,
      `Gain ${value.text} is outside the SAFE EQ's ±${GAIN_RANGE.max} dB`,
      {
        fix: "clamp",
        replacement: writeGain(clamped),
        value: clamped,
      },
    );
  }
}

/** True when {@link checkFrequency} has nothing to say about a frequency of `hz`. */
export function frequencyPasses(hz: number, bandRange: NumericRange, sampleRate: number): boolean {
  return Number.isFinite(hz) && inRange(hz, AUDIBLE_RANGE) && hz < sampleRate / 2 && inRange(hz, bandRange);
}

/** Nyquist and audible range are errors; the band's plug-in range is a warning. */
export function checkFrequency(
  value: Quantity,
  bandRange: NumericRange,
  label: string,
  sampleRate: number,
  out: DiagnosticSink,
): void {
  const hz = value.value;
  const nyquist = sampleRate / 2;
  const audibleMax = Math.min(AUDIBLE_RANGE.max, bandRange.max, nyquist * 0.999);
  if (!Number.isFinite(hz) || !inRange(hz, AUDIBLE_RANGE)) {
    const target = clamp(Number.isFinite(hz) ? hz : bandRange.min, { min: bandRange.min, max: audibleMax });
    out.add(
      value.range,
      "error",
      DiagnosticCode.FrequencyInaudible,
      `${value.text} is outside the audible range 20 Hz–20 kHz`,
      {
        fix: "clamp",
        replacement: writeFrequency(roundFrequency(target)),
        value: roundFrequency(target),
      },
    );
    return;
  }
  if (hz >= nyquist) {
    const target = roundFrequency(clamp(hz, { min: bandRange.min, max: audibleMax }));
    out.add(
      value.range,
      "error",
      DiagnosticCode.FrequencyAboveNyquist,
      `${value.text} is at or above the Nyquist frequency ${displayFrequency(nyquist)} of the sample rate ${displayFrequency(sampleRate)}`,
      { fix: "clamp", replacement: writeFrequency(target), value: target },
    );
    return;
  }
  if (!inRange(hz, bandRange)) {
    const target = roundFrequency(clamp(hz, bandRange));
    out.add(
      value.range,
      "warning",
      DiagnosticCode.FrequencyOutsideBand,
      `${value.text} is outside the ${label}'s range ${displayFrequency(bandRange.min)}–${displayFrequency(bandRange.max)} in the SAFE EQ`,
      { fix: "clamp", replacement: writeFrequency(target), value: target },
    );
  }
}

/** Clamp targets are written with at most 4 significant digits. */
function roundFrequency(hz: number): number {
  return Number(hz.toPrecision(4));
}
