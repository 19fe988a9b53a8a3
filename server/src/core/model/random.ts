/**
 * Seeded pseudo-random numbers, so that one seed always gives the same initial weights and the
 * same batch order (and therefore bit-identical trained weights on a given backend).
 *
 * Math.random cannot be seeded, hence this small generator. Everything that training draws goes
 * through {@link SeededRandom}; initial weights use only uniform draws (integer arithmetic plus one
 * division), which are exact in every JavaScript engine.
 */

/** mulberry32: a 32-bit state generator, fast and good enough for initialisation and shuffling. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SeededRandom {
  private readonly nextUniform: () => number;
  /** Box–Muller yields normal samples in pairs; the second one is kept for the next call. */
  private spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    this.nextUniform = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUniform();
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.nextUniform();
  }

  /** Integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.nextUniform() * bound);
  }

  /** Standard normal sample (Box–Muller). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const value = this.spareNormal;
      this.spareNormal = undefined;
      return value;
    }
    // 1 - u keeps the logarithm's argument in (0, 1].
    const radius = Math.sqrt(-2 * Math.log(1 - this.nextUniform()));
    const angle = 2 * Math.PI * this.nextUniform();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Shuffles in place (Fisher–Yates) and returns the same array. */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const item = items[i];
      items[i] = items[j];
      items[j] = item;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return this.shuffle(order);
  }
}
