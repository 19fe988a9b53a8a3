/**
 * Test signals written as WAV files: pink noise and a speech-like signal (a gliding harmonic series
 * through formant resonances, at a syllable rate, with breath noise), both from a seeded generator,
 * so every run hears the same "recording".
 */
import wavefile from "wavefile";
import { mulberry32 as seeded } from "../../server/src/core/model/index.js";

/** Pink noise (Paul Kellet's refined filter of white noise), peaking near `amplitude`. */
export function pinkNoise(frames: number, seed: number, amplitude = 0.25): Float64Array {
  const random = seeded(seed);
  const out = new Float64Array(frames);
  let b0 = 0,
    b1 = 0,
    b2 = 0,
    b3 = 0,
    b4 = 0,
    b5 = 0,
    b6 = 0;
  for (let i = 0; i < frames; i++) {
    const white = random() * 2 - 1;
    b0 = 0.99886 * b0 + white * 0.0555179;
    b1 = 0.99332 * b1 + white * 0.0750759;
    b2 = 0.969 * b2 + white * 0.153852;
    b3 = 0.8665 * b3 + white * 0.3104856;
    b4 = 0.55 * b4 + white * 0.5329522;
    b5 = -0.7616 * b5 - white * 0.016898;
    out[i] = (b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362) * 0.11 * amplitude;
    b6 = white * 0.115926;
  }
  return out;
}

const FORMANTS = [
  { hz: 600, width: 90 },
  { hz: 1400, width: 120 },
  { hz: 2600, width: 160 },
  { hz: 3400, width: 250 },
];

/** Gain of the vocal tract at `hz`: resonances on a gentle tilt (vowels move them by ±15% per syllable). */
function tract(hz: number, shift: number): number {
  let gain = 0.05;
  for (const formant of FORMANTS) {
    const centre = formant.hz * shift;
    gain += 1 / (1 + ((hz - centre) / formant.width) ** 2);
  }
  return gain / Math.sqrt(1 + hz / 500);
}

/** A voice-like signal: f0 110–150 Hz, harmonics to 16 kHz through moving formants, 4 syllables a second. */
export function speechLike(frames: number, sampleRate: number, seed: number, amplitude = 0.2): Float64Array {
  const random = seeded(seed);
  const out = new Float64Array(frames);
  const phases = new Float64Array(160);
  let peak = 0;
  for (let i = 0; i < frames; i++) {
    const t = i / sampleRate;
    const f0 = 130 + 20 * Math.sin(2 * Math.PI * 0.7 * t) + 5 * Math.sin(2 * Math.PI * 5.3 * t);
    const syllable = Math.floor(t * 4);
    const shift = 0.85 + 0.3 * ((syllable * 0.618) % 1);
    const envelope = 0.15 + 0.85 * Math.abs(Math.sin(Math.PI * 4 * t));
    let sum = 0;
    for (let k = 1; k <= phases.length && k * f0 < 16000; k++) {
      phases[k - 1] = (phases[k - 1]! + (2 * Math.PI * k * f0) / sampleRate) % (2 * Math.PI);
      sum += tract(k * f0, shift) * Math.sin(phases[k - 1]!);
    }
    const breath = (random() * 2 - 1) * 0.004;
    out[i] = envelope * sum + breath;
    peak = Math.max(peak, Math.abs(out[i]!));
  }
  return out.map((value) => (value / peak) * amplitude);
}

/** 16-bit (or `bitDepth`) WAV bytes of channels of floats in [-1, 1]. */
export function wavBytes(channels: Float64Array[], sampleRate: number, bitDepth = "16"): Uint8Array {
  const scale = bitDepth.endsWith("f") || bitDepth === "64" ? 1 : bitDepth === "8" ? 128 : 2 ** (Number(bitDepth) - 1);
  const offset = bitDepth === "8" ? 128 : 0;
  const stored = channels.map((channel) =>
    Array.from(channel, (value) => (scale === 1 ? value : Math.round(value * scale) + offset)),
  );
  const wav = new wavefile.WaveFile();
  wav.fromScratch(stored.length, sampleRate, bitDepth, stored.length === 1 ? stored[0]! : stored);
  return wav.toBuffer();
}
