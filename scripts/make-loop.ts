// Writes media/loop.wav, the loop the preview panel auditions presets with: two bars of drums,
// bass, hi-hats and a pad at 120 BPM, so that every band of the EQ has something to act on
// (kick and bass for the low shelf, snare body and pad for the bells, hats for the high shelf).
//
// Synthesised, not sampled, so the file has no licence question and can be remade at any time.
// Deterministic: a seeded random generator for the noise, no clock; the same script always writes
// the same bytes. Mono, 22.05 kHz, 16-bit, 4 s (about 176 KB) to keep the extension small.
//
// Every note is rendered into a circular buffer (a tail past the end wraps to the start), so the
// loop repeats without a click or a gap.
//
// Usage: node --import tsx scripts/make-loop.ts [out.wav]   (default: media/loop.wav next to this script)
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import wavefile from "wavefile";
import { mulberry32 } from "../server/src/core/model/index.js";

const SAMPLE_RATE = 22050;
const BPM = 120;
const BEATS = 8; // two bars of 4/4
const BEAT = (60 / BPM) * SAMPLE_RATE; // samples per beat
const LENGTH = Math.round(BEATS * BEAT);
/** Peak level of the finished loop: -1 dBFS leaves room for resampling overshoot. */
const PEAK = Math.pow(10, -1 / 20);

const mix = new Float64Array(LENGTH);

// The same generator as model training: seeded, so the noise is the same on every run.
const random = mulberry32(0x5afe);
const noise = () => random() * 2 - 1;

/** Adds `render(t, i)` (t seconds since the note's start) for `seconds` from `startBeat`, wrapping. */
function addNote(startBeat: number, seconds: number, render: (t: number, i: number) => number): void {
  const start = Math.round(startBeat * BEAT);
  const count = Math.round(seconds * SAMPLE_RATE);
  for (let i = 0; i < count; i++) mix[(start + i) % LENGTH]! += render(i / SAMPLE_RATE, i);
}

function midiToHz(note: number): number {
  return 440 * Math.pow(2, (note - 69) / 12);
}

// --- drums --------------------------------------------------------------------------------------
function kick(beat: number, level = 0.9): void {
  let phase = 0;
  addNote(beat, 0.45, (t) => {
    // A fast downward pitch sweep gives the thump; a short click gives the attack.
    const frequency = 45 + 90 * Math.exp(-t * 30);
    phase += (2 * Math.PI * frequency) / SAMPLE_RATE;
    const body = Math.sin(phase) * Math.exp(-t * 7);
    const click = t < 0.004 ? noise() * 0.3 * (1 - t / 0.004) : 0;
    return level * (body + click);
  });
}

function snare(beat: number, level = 0.45): void {
  let low = 0;
  addNote(beat, 0.3, (t) => {
    // Noise minus its one-pole low-pass is a crude high-pass: the rattle; a 190 Hz tone: the body.
    const white = noise();
    low += 0.25 * (white - low);
    const rattle = (white - low) * Math.exp(-t * 16);
    const body = Math.sin(2 * Math.PI * 190 * t) * Math.exp(-t * 25);
    return level * (0.8 * rattle + 0.6 * body);
  });
}

function hat(beat: number, open = false, level = 0.16): void {
  let previous = 0;
  addNote(beat, open ? 0.35 : 0.06, (t) => {
    // A first difference of white noise: a bright, hissy spectrum rising towards Nyquist.
    const white = noise();
    const bright = white - previous;
    previous = white;
    return level * bright * Math.exp(-t * (open ? 9 : 70));
  });
}

// --- bass and pad -------------------------------------------------------------------------------
/** A band-limited sawtooth (harmonics below Nyquist only), so it does not alias. */
function saw(frequency: number, t: number, brightness: number): number {
  let value = 0;
  for (let k = 1; k * frequency < SAMPLE_RATE / 2 && k <= 12; k++)
    value += (Math.sin(2 * Math.PI * k * frequency * t) / k) * Math.pow(brightness, k - 1);
  return value;
}

function bass(beat: number, note: number, beats: number): void {
  const frequency = midiToHz(note);
  const seconds = (beats * BEAT) / SAMPLE_RATE;
  addNote(beat, seconds, (t) => {
    const attack = Math.min(1, t / 0.008);
    const release = Math.min(1, (seconds - t) / 0.03);
    // The filter "closes" during the note: brighter at the pluck, rounder after.
    const brightness = 0.35 + 0.4 * Math.exp(-t * 8);
    return 0.32 * attack * release * Math.exp(-t * 1.2) * saw(frequency, t, brightness);
  });
}

function pad(beat: number, notes: readonly number[], beats: number): void {
  const seconds = (beats * BEAT) / SAMPLE_RATE;
  addNote(beat, seconds + 0.4, (t) => {
    // Slow attack, release overlapping the next chord (the tail wraps round at the loop's end).
    const envelope = Math.min(1, t / 0.35) * (t > seconds ? Math.max(0, 1 - (t - seconds) / 0.4) : 1);
    let value = 0;
    for (const note of notes) {
      const frequency = midiToHz(note);
      // Two slightly detuned voices per note: the slow beating makes it a pad, not an organ.
      value += saw(frequency * 0.997, t, 0.45) + saw(frequency * 1.003, t, 0.45);
    }
    return (0.09 * envelope * value) / notes.length;
  });
}

// --- the arrangement: A minor, then F major ------------------------------------------------------
for (const beat of [0, 2, 4, 6, 6.5]) kick(beat);
for (const beat of [1, 3, 5, 7]) snare(beat);
snare(7.75, 0.2); // a ghost note leading back to the top
for (let eighth = 0; eighth < BEATS * 2; eighth++) hat(eighth / 2, eighth % 4 === 3);

const A1 = 33;
const C2 = 36;
const D2 = 38;
const E2 = 40;
const F1 = 29;
const G1 = 31;
const bassLine: [number, number, number][] = [
  [0, A1, 1],
  [1, A1, 0.5],
  [1.5, C2, 0.5],
  [2, D2, 1],
  [3, E2, 1],
  [4, F1, 1],
  [5, F1, 0.5],
  [5.5, A1, 0.5],
  [6, G1, 1],
  [7, E2, 1],
];
for (const [beat, note, beats] of bassLine) bass(beat, note, beats);

pad(0, [57, 60, 64, 69], 4); // A minor
pad(4, [53, 57, 60, 65], 4); // F major

// --- level and write ------------------------------------------------------------------------------
// A gentle tanh saturation tames the drum peaks, then the loop is normalised to PEAK.
const saturated = mix.map((sample) => Math.tanh(sample * 1.2));
const peak = saturated.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0);
const samples = Int16Array.from(saturated, (sample) => Math.round((sample / peak) * PEAK * 32767));

const out = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "media", "loop.wav");
const wav = new wavefile.WaveFile();
wav.fromScratch(1, SAMPLE_RATE, "16", samples);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, wav.toBuffer());
console.log(
  `${path.relative(process.cwd(), out)}: ${(LENGTH / SAMPLE_RATE).toFixed(2)} s, ${SAMPLE_RATE} Hz mono 16-bit`,
);
