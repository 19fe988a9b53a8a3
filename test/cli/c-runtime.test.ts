/**
 * The C runtime (runtime/c/eqp_runtime.h) with the tables `eqp export --format c` writes, compiled
 * by the system's C compiler as a user's engine would build it (C99, every warning an error): its
 * impulse responses against the core's curves, a WAV against `eqp apply`, and a preset switch.
 * Without `cc` the suite is skipped, loudly; with EQP_REQUIRE_E2E=1 (CI) that is a failure.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import wavefile from "wavefile";
import { logFrequencies, responseDb, type EqBand } from "../../server/src/core/eq/index.js";
import type { Filter, PresetDocument } from "../../runtime/src/types.js";
import { eqp, temporaryFolder, writeFileIn } from "../support/cli.js";
import { pinkNoise } from "../support/signals.js";

const RUNTIME_DIR = path.resolve("runtime", "c");
const SAMPLES = path.resolve("samples");
const IMPULSE_FRAMES = 1 << 16;

/** Presets with every filter the samples lack: Butterworth passes of odd and even order, a notch, odd names. */
const PASS_FILTERS = `samplerate 48kHz

preset "Passes ?? \\"odd\\" Émile" {
  highpass 40Hz 18dB/oct
  notch 50Hz q 10
  bell 1kHz +3dB q 2
  lowpass 12kHz 48dB/oct
  gain -2dB
}

preset "2nd order" {
  highpass 120Hz 12dB/oct q 1.2
  lowpass 6kHz 6dB/oct
  notch 3kHz q 30
}

preset "Steep" {
  highpass 300Hz 36dB/oct
  lowpass 5kHz 24dB/oct
}
`;

/** The test program: impulses of every preset, a raw float file through one preset, a switch on a sine. */
const PROGRAM = `#define EQP_RUNTIME_IMPLEMENTATION
#include "eqp_runtime.h"
#include "presets.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float buffer[${IMPULSE_FRAMES}];

static const eqp_preset *named(const char *name) {
  size_t i;
  for (i = 0; i < EQP_PRESET_COUNT; i++)
    if (strcmp(eqp_presets[i].name, name) == 0) return &eqp_presets[i];
  fprintf(stderr, "no preset %s\\n", name);
  exit(2);
}

static void check(int result, const char *what) {
  if (result != EQP_OK) {
    fprintf(stderr, "%s failed: %d\\n", what, result);
    exit(3);
  }
}

static void impulses(double rate) {
  size_t i;
  eqp_state state;
  for (i = 0; i < EQP_PRESET_COUNT; i++) {
    check(eqp_init(&state, &eqp_presets[i], rate), "eqp_init");
    memset(buffer, 0, sizeof buffer);
    buffer[0] = 1.0f;
    eqp_process_f32(&state, buffer, ${IMPULSE_FRAMES}, 1);
    fwrite(buffer, sizeof(float), ${IMPULSE_FRAMES}, stdout);
  }
}

static void raw_file(const char *name, double rate, int channels, const char *in, const char *out) {
  eqp_state state;
  FILE *input = fopen(in, "rb"), *output = fopen(out, "wb");
  size_t frames;
  if (input == NULL || output == NULL) exit(4);
  check(eqp_init(&state, named(name), rate), "eqp_init");
  /* Blocks of 300 frames: an audio callback's size that divides nothing. */
  while ((frames = fread(buffer, sizeof(float) * (size_t)channels, 300, input)) > 0) {
    eqp_process_f32(&state, buffer, frames, channels);
    fwrite(buffer, sizeof(float) * (size_t)channels, frames, output);
  }
  fclose(input);
  fclose(output);
}

static void switched(const char *from, const char *to, double ramp_ms, size_t at) {
  const double rate = 48000.0;
  const size_t frames = 48000;
  size_t i;
  eqp_state state;
  float *sine = malloc(sizeof(float) * frames);
  if (sine == NULL) exit(4);
  for (i = 0; i < frames; i++) sine[i] = (float)(0.5 * sin(2.0 * 3.14159265358979323846 * 200.0 * (double)i / rate));
  check(eqp_init(&state, named(from), rate), "eqp_init");
  eqp_process_f32(&state, sine, at, 1);
  check(eqp_set_preset(&state, named(to), ramp_ms), "eqp_set_preset");
  eqp_process_f32(&state, sine + at, frames - at, 1);
  fwrite(sine, sizeof(float), frames, stdout);
  free(sine);
}

/* What eqp_init and eqp_set_preset say of presets they cannot run, and that they keep the state. */
static void errors(void) {
  static const eqp_filter too_high[] = {{EQP_PEAKING, 30000.0, 3.0, 1.0, 0}};
  static const eqp_filter bad_slope[] = {{EQP_HIGHPASS, 100.0, 0.0, 0.0, 30}};
  static eqp_filter many[EQP_MAX_SECTIONS / 4 + 1]; /* 4 sections each: one too many */
  eqp_preset preset = {"x", 0.0, 1, too_high};
  eqp_state state;
  size_t i;
  for (i = 0; i < EQP_MAX_SECTIONS / 4 + 1; i++) {
    many[i].type = EQP_LOWPASS;
    many[i].frequency_hz = 1000.0;
    many[i].slope_db_per_oct = 48;
  }
  printf("%d ", eqp_init(&state, &preset, 48000.0));
  printf("%d ", eqp_init(&state, &preset, 96000.0));
  preset.filters = bad_slope;
  printf("%d ", eqp_set_preset(&state, &preset, 10.0));
  preset.filters = many;
  preset.filter_count = EQP_MAX_SECTIONS / 4 + 1;
  printf("%d ", eqp_set_preset(&state, &preset, 10.0));
  printf("%d ", eqp_init(&state, &preset, 0.0));
  printf("%d %g\\n", (int)state.chains[state.active].section_count, state.sample_rate);
}

/* An impulse, then a minute of silence: after how many blocks the filter memory held subnormals. */
static void silence(const char *name) {
  eqp_state state;
  size_t block, s;
  int i, subnormal_blocks = 0;
  check(eqp_init(&state, named(name), 48000.0), "eqp_init");
  for (block = 0; block < 60 * 48000 / 256; block++) {
    int subnormal = 0;
    memset(buffer, 0, 256 * sizeof(float));
    buffer[0] = block == 0 ? 1.0f : 0.0f;
    eqp_process_f32(&state, buffer, 256, 1);
    for (s = 0; s < state.chains[state.active].section_count; s++)
      for (i = 0; i < 4; i++)
        if (fpclassify(state.chains[state.active].memory[0][s][i]) == FP_SUBNORMAL) subnormal = 1;
    subnormal_blocks += subnormal;
  }
  printf("%d\\n", subnormal_blocks);
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "errors") == 0) errors();
  else if (argc == 3 && strcmp(argv[1], "silence") == 0) silence(argv[2]);
  else if (argc == 3 && strcmp(argv[1], "impulses") == 0) impulses(atof(argv[2]));
  else if (argc == 7 && strcmp(argv[1], "file") == 0) raw_file(argv[2], atof(argv[3]), atoi(argv[4]), argv[5], argv[6]);
  else if (argc == 6 && strcmp(argv[1], "switch") == 0) switched(argv[2], argv[3], atof(argv[4]), (size_t)atol(argv[5]));
  else return 1;
  return 0;
}
`;

const BAND_SLOTS: Record<Filter["type"], EqBand["slot"]> = {
  lowshelf: "lowShelf",
  peaking: "bell1",
  highshelf: "highShelf",
  highpass: "highpass",
  lowpass: "lowpass",
  notch: "notch",
};

/** A document filter as the core's band, for the core's curve (the inverse of `documentFilters`). */
function bandOf(filter: Filter): EqBand {
  return {
    slot: BAND_SLOTS[filter.type],
    frequencyHz: filter.frequencyHz,
    gainDb: "gainDb" in filter ? filter.gainDb : 0,
    q: filter.q ?? Math.SQRT1_2,
    ...("slopeDbPerOct" in filter ? { slopeDbPerOctave: filter.slopeDbPerOct } : {}),
  };
}

/** |Σ h[n] e^{-jωn}| in dB: the impulse response's spectrum at one frequency. */
function dftMagnitudeDb(impulse: Float32Array, frequencyHz: number, sampleRate: number): number {
  const w = (2 * Math.PI * frequencyHz) / sampleRate;
  const stepCos = Math.cos(w);
  const stepSin = Math.sin(w);
  // e^{-jωn} by rotation, resynchronised every 1024 samples so rounding cannot build up.
  let cos = 1;
  let sin = 0;
  let real = 0;
  let imaginary = 0;
  for (let n = 0; n < impulse.length; n++) {
    if (n % 1024 === 0) [cos, sin] = [Math.cos(w * n), Math.sin(w * n)];
    real += impulse[n]! * cos;
    imaginary -= impulse[n]! * sin;
    [cos, sin] = [cos * stepCos - sin * stepSin, sin * stepCos + cos * stepSin];
  }
  return 10 * Math.log10(real * real + imaginary * imaginary);
}

function float32s(bytes: Buffer): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** The largest |x[n] − x[n−1]| over [start, end). */
function largestStep(samples: Float32Array, start: number, end: number): number {
  let largest = 0;
  for (let n = Math.max(start, 1); n < end; n++) largest = Math.max(largest, Math.abs(samples[n]! - samples[n - 1]!));
  return largest;
}

const compilerMissing = spawnSync("cc", ["--version"]).status !== 0;
if (compilerMissing) {
  const line = "=".repeat(100);
  const message = "SKIPPING the C runtime tests: no `cc` (install gcc: scripts/setup-code-server.sh does)";
  if (process.env["EQP_REQUIRE_E2E"] === "1") throw new Error(`${message}; EQP_REQUIRE_E2E=1 makes this a failure`);
  process.stderr.write(`\n${line}\n${message} (set EQP_REQUIRE_E2E=1 to make this a failure)\n${line}\n`);
}

describe("the C runtime with exported presets", { skip: compilerMissing }, () => {
  const work = temporaryFolder("c-runtime");
  const passes = writeFileIn(work, "passes.eqp", PASS_FILTERS);
  const program = path.join(work, "eqp-test");
  let document: PresetDocument;

  const run = (...args: string[]): Buffer => {
    const result = spawnSync(program, args, { maxBuffer: 1 << 28 });
    assert.equal(result.status, 0, `eqp-test ${args.join(" ")}: ${result.stderr.toString()}`);
    return result.stdout;
  };

  before(() => {
    const header = eqp("export", SAMPLES, passes, "--format", "c");
    assert.equal(header.status, 0, header.stderr);
    writeFileIn(work, "presets.h", header.stdout);
    const json = eqp("export", SAMPLES, passes, "--format", "json");
    assert.equal(json.status, 0, json.stderr);
    document = JSON.parse(json.stdout) as PresetDocument;
    const source = writeFileIn(work, "main.c", PROGRAM);
    const flags = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", `-I${RUNTIME_DIR}`, `-I${work}`];
    const compiled = spawnSync("cc", [...flags, "-o", program, source, "-lm"], { encoding: "utf8" });
    assert.equal(compiled.status, 0, `cc failed:\n${compiled.stderr}`);
  });

  for (const rate of [48000, 44100]) {
    it(`gives every preset the core's response at ${rate} Hz, within 0.01 dB above -60 dB`, () => {
      const output = float32s(run("impulses", String(rate)));
      assert.equal(output.length, document.presets.length * IMPULSE_FRAMES);
      const frequencies = logFrequencies(120, 20, 20000);
      let worst = 0;
      document.presets.forEach((preset, index) => {
        const impulse = output.subarray(index * IMPULSE_FRAMES, (index + 1) * IMPULSE_FRAMES);
        const expected = responseDb(preset.filters.map(bandOf), frequencies, rate, preset.outputGainDb);
        frequencies.forEach((frequency, i) => {
          if (expected[i]! < -60) return;
          const difference = Math.abs(dftMagnitudeDb(impulse, frequency, rate) - expected[i]!);
          assert.ok(difference <= 0.01, `${preset.name} at ${frequency.toFixed(1)} Hz: off by ${difference} dB`);
          worst = Math.max(worst, difference);
        });
      });
      assert.ok(document.presets.length >= 20, "the samples and the pass filters were all exported");
      process.stderr.write(`C runtime at ${rate} Hz: worst difference from the core ${worst.toExponential(2)} dB\n`);
    });
  }

  for (const name of ["VO clean", 'Passes ?? "odd" Émile']) {
    it(`filters a float WAV as eqp apply does ("${name}")`, () => {
      const rate = 48000;
      const left = pinkNoise(rate, 7, 0.5);
      const right = pinkNoise(rate, 11, 0.5);
      const wav = new wavefile.WaveFile();
      wav.fromScratch(2, rate, "32f", [Array.from(left), Array.from(right)]);
      const input = writeFileIn(work, "in.wav", wav.toBuffer());
      const applied = path.join(work, "applied.wav");
      const file = name === "VO clean" ? path.join(SAMPLES, "dialogue.eqp") : passes;
      const result = eqp("apply", file, "--preset", name, input, applied);
      assert.equal(result.status, 0, result.stderr);

      const interleaved = Float32Array.from({ length: 2 * rate }, (_, i) => (i % 2 === 0 ? left : right)[i >> 1]!);
      const raw = path.join(work, "in.raw");
      writeFileSync(raw, interleaved);
      const filtered = path.join(work, "out.raw");
      run("file", name, String(rate), "2", raw, filtered);
      const fromC = float32s(readFileSync(filtered));

      const expected = new wavefile.WaveFile(readFileSync(applied));
      const channels = expected.getSamples(false, Float64Array) as unknown as Float64Array[];
      assert.equal(fromC.length, 2 * rate);
      let worst = 0;
      for (let i = 0; i < fromC.length; i++) worst = Math.max(worst, Math.abs(fromC[i]! - channels[i % 2]![i >> 1]!));
      assert.ok(worst <= 1e-6, `largest sample difference from eqp apply: ${worst}`);
      process.stderr.write(`C runtime vs eqp apply ("${name}"): largest sample difference ${worst.toExponential(2)}\n`);
    });
  }

  it("compiles one C file that includes several per-preset headers of --out (names made per file)", () => {
    const out = path.join(work, "headers");
    const more = writeFileIn(work, "more.eqp", 'preset "Steep" {\n  lowpass 2kHz\n}\n');
    const exported = eqp("export", passes, more, "--format", "c", "--out", out);
    assert.equal(exported.status, 0, exported.stderr);
    const main = writeFileIn(
      work,
      "two-headers.c",
      `#define EQP_RUNTIME_IMPLEMENTATION
#include "eqp_runtime.h"
#include "steep.h"
#include "steep-2.h"
#include "2nd-order.h"
#include "steep.h"
#include <stdio.h>

int main(void) {
  eqp_state state;
  printf("%s %d %u|", eqp_presets_steep[0].name, EQP_PRESETS_STEEP_COUNT, (unsigned)eqp_presets_steep[0].filter_count);
  printf("%s %u|", eqp_presets_steep_2[EQP_PRESET_STEEP_2].name, (unsigned)eqp_presets_steep_2[0].filter_count);
  printf("%s|", eqp_presets_preset_2nd_order[EQP_PRESET_PRESET_2ND_ORDER].name);
  printf("%d\\n", eqp_init(&state, &eqp_presets_steep_2[0], 48000.0));
  return 0;
}
`,
    );
    const binary = path.join(work, "two-headers");
    const flags = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", `-I${RUNTIME_DIR}`, `-I${out}`];
    const compiled = spawnSync("cc", [...flags, "-o", binary, main, "-lm"], { encoding: "utf8" });
    assert.equal(compiled.status, 0, `cc failed:\n${compiled.stderr}`);
    const ran = spawnSync(binary, { encoding: "utf8" });
    assert.equal(ran.stdout, "Steep 1 2|Steep 1|2nd order|0\n");
  });

  it("refuses a filter above Nyquist, an unknown slope, too many sections and no rate, keeping the state", () => {
    // 48 kHz: the 30 kHz bell is above Nyquist; 96 kHz: it is fine, and stays when the rest fail.
    assert.equal(run("errors").toString(), "-2 0 -2 -3 -1 1 96000\n");
  });

  it("never leaves subnormal numbers in the filter memory through a minute of silence", () => {
    assert.equal(run("silence", 'Passes ?? "odd" Émile').toString(), "0\n");
  });

  it("switches presets on a sine with no step larger than the steady signal's", () => {
    // A 200 Hz sine at its peak when the switch comes (0.5 s + a quarter period).
    const at = 24000 + 60;
    const steadyStep = (samples: Float32Array) =>
      Math.max(largestStep(samples, at - 4800, at), largestStep(samples, 48000 - 4800, 48000));
    const ramped = float32s(run("switch", "Radio chatter", "VO clean", "30", String(at)));
    const instant = float32s(run("switch", "Radio chatter", "VO clean", "0", String(at)));
    const steady = steadyStep(ramped);
    const rampedStep = largestStep(ramped, at - 10, at + 1440 + 10);
    const instantStep = largestStep(instant, at - 10, at + 10);
    process.stderr.write(
      `C runtime switch: steady step ${steady.toFixed(4)}, with a 30 ms ramp ${rampedStep.toFixed(4)}, instant ${instantStep.toFixed(4)}\n`,
    );
    assert.ok(rampedStep <= steady * 1.05, `ramped switch step ${rampedStep} vs steady ${steady}`);
    assert.ok(instantStep > steady * 2, `an instant switch clicks (${instantStep} vs ${steady}): the test can tell`);
  });
});
