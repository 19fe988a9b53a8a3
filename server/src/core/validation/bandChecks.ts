/** Checks of one band line: units, repeated parameters, and each value against the SAFE plug-in's ranges. */
import { ABSURD_GAIN_DB, AUDIBLE_RANGE, GAIN_RANGE, Q_RANGE, clamp, inRange, type NumericRange } from "../eq/index.js";
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
      if (band.bandType !== "bell") {
        out.add(
          parameter.range,
          "warning",
          DiagnosticCode.ShelfQ,
          "The SAFE EQ's shelves have a fixed Q of 0.71: this q is ignored",
          { fix: "replace", replacements: [""] },
        );
        continue;
      }
      checkQ(parameter.quantity, out);
      continue;
    }
    const quantity = parameter.quantity;
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
    if (isGain) {
      seenGain = true;
      checkBandGain(quantity, out);
    } else {
      seenFrequency = true;
    }
  }
  const example =
    band.bandType === "bell"
      ? "bell 2.5kHz +3dB q 1.2"
      : band.bandType === "lowshelf"
        ? "lowshelf 120Hz -2dB"
        : "highshelf 8kHz +2dB";
  if (!band.hasSlot("frequency")) {
    const what = band.hasSlot("gain") ? "a frequency" : "a frequency and a gain";
    out.add(
      band.keywordRange,
      "error",
      DiagnosticCode.MissingFrequency,
      `This ${band.bandType} needs ${what}, e.g. ${example}`,
    );
  } else if (!band.hasSlot("gain")) {
    out.add(
      band.keywordRange,
      "error",
      DiagnosticCode.MissingGain,
      `This ${band.bandType} needs a gain, e.g. ${example}`,
    );
  }
}

function checkQ(value: Quantity, out: DiagnosticSink): void {
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
      `Q must be a positive number; the SAFE EQ allows ${Q_RANGE.min}–${Q_RANGE.max}`,
      {
        fix: "clamp",
        replacement: writePlain(Q_RANGE.min),
        value: Q_RANGE.min,
      },
    );
    return;
  }
  if (!inRange(value.value, Q_RANGE)) {
    const clamped = clamp(value.value, Q_RANGE);
    out.add(
      value.range,
      "warning",
      DiagnosticCode.QOutOfRange,
      `Q ${value.text} is outside the SAFE EQ's range ${Q_RANGE.min}–${Q_RANGE.max}`,
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
