/**
 * Long-term average spectra, as a match EQ measures them. Welch's method: the signal (channels
 * mixed to mono) cut into segments of `WELCH_FFT_SIZE` samples with 50% overlap, each through a
 * Hann window and an FFT, their power spectra averaged. 8192 points resolve 5.9 Hz at 48 kHz,
 * enough for a 1/3-octave band at 40 Hz (9 Hz wide) to hold whole bins. Then fractional-octave
 * smoothing, as a designer sets an analyser: each point of a log grid is the mean power of the bins
 * within ±1/(2N) octave of it. Fed a block at a time: memory does not grow with the file.
 */

export const WELCH_FFT_SIZE = 8192;

/** In-place radix-2 complex FFT (length a power of two). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const angle = (-2 * Math.PI) / size;
    for (let k = 0; k < half; k++) {
      const wr = Math.cos(angle * k);
      const wi = Math.sin(angle * k);
      for (let start = k; start < n; start += size) {
        const other = start + half;
        const tr = wr * re[other]! - wi * im[other]!;
        const ti = wr * im[other]! + wi * re[other]!;
        re[other] = re[start]! - tr;
        im[other] = im[start]! - ti;
        re[start]! += tr;
        im[start]! += ti;
      }
    }
  }
}

/** Welch's averaged power spectrum, fed interleaved blocks of any size. */
export class WelchSpectrum {
  private readonly window = new Float64Array(WELCH_FFT_SIZE);
  /** The last FFT size of mono samples, a ring that a segment is copied out of every hop. */
  private readonly history = new Float64Array(WELCH_FFT_SIZE);
  private readonly re = new Float64Array(WELCH_FFT_SIZE);
  private readonly im = new Float64Array(WELCH_FFT_SIZE);
  private readonly power = new Float64Array(WELCH_FFT_SIZE / 2 + 1);
  private filled = 0;
  private sinceSegment = 0;
  segments = 0;
  /** Sum of squares of the mono signal, for the silence check. */
  energy = 0;
  samples = 0;

  constructor(private readonly channels: number) {
    for (let i = 0; i < WELCH_FFT_SIZE; i++) this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / WELCH_FFT_SIZE);
  }

  push(interleaved: Float64Array, frames: number): void {
    const { channels, history } = this;
    const hop = WELCH_FFT_SIZE / 2;
    for (let frame = 0; frame < frames; frame++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += interleaved[frame * channels + c]!;
      const mono = sum / channels;
      history[this.filled % WELCH_FFT_SIZE] = mono;
      this.filled++;
      this.energy += mono * mono;
      this.sinceSegment++;
      if (this.filled >= WELCH_FFT_SIZE && this.sinceSegment >= hop) {
        this.segment();
        this.sinceSegment = 0;
      }
    }
    this.samples += frames;
  }

  private segment(): void {
    const { re, im, history, window, power } = this;
    const start = this.filled % WELCH_FFT_SIZE;
    for (let i = 0; i < WELCH_FFT_SIZE; i++) {
      re[i] = history[(start + i) % WELCH_FFT_SIZE]! * window[i]!;
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k < power.length; k++) power[k]! += re[k]! * re[k]! + im[k]! * im[k]!;
    this.segments++;
  }

  /** Mean power per bin (bin k at k·rate/size Hz), scaled so a full-scale sine's bins sum to about 0.5. */
  average(): Float64Array {
    let windowSquares = 0;
    for (const value of this.window) windowSquares += value * value;
    const scale = 1 / (Math.max(1, this.segments) * windowSquares * (WELCH_FFT_SIZE / 2));
    return this.power.map((value) => value * scale);
  }

  /** Root mean square of the mono mix over everything pushed. */
  rms(): number {
    return Math.sqrt(this.energy / Math.max(1, this.samples));
  }
}

/** "1/3" → 3; the N of a 1/N-octave smoothing, from 1 to 48. */
export function octaveFraction(text: string): number | undefined {
  const match = /^\s*1\s*\/\s*(\d+)\s*$/.exec(text);
  const n = match ? Number(match[1]) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 48 ? n : undefined;
}

/**
 * The power of a 1/`fraction`-octave band around each frequency, in dB (10·log10 of the mean bin
 * power; −Infinity where the band holds no power). A band narrower than a bin takes its nearest bin.
 */
export function smoothedLevelsDb(
  power: Float64Array,
  sampleRate: number,
  frequencies: ArrayLike<number>,
  fraction: number,
): Float64Array {
  const binHz = sampleRate / WELCH_FFT_SIZE;
  const prefix = new Float64Array(power.length + 1);
  for (let k = 0; k < power.length; k++) prefix[k + 1] = prefix[k]! + power[k]!;
  const halfBand = Math.pow(2, 1 / (2 * fraction));
  const out = new Float64Array(frequencies.length);
  for (let i = 0; i < frequencies.length; i++) {
    const f = frequencies[i]!;
    const last = power.length - 1;
    let low = Math.max(1, Math.ceil(f / halfBand / binHz));
    let high = Math.min(last, Math.floor((f * halfBand) / binHz));
    if (high < low) low = high = Math.min(last, Math.max(1, Math.round(f / binHz)));
    out[i] = 10 * Math.log10((prefix[high + 1]! - prefix[low]!) / (high - low + 1));
  }
  return out;
}
