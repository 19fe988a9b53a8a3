/**
 * The WAV encoder's rounding (core/audio/wavFormat.ts roundHalfUp) against Math.round, which the
 * files were written with before: the same integer for halves, their neighbours and random doubles.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { roundHalfUp } from "../../server/src/core/audio/index.js";
import { SeededRandom } from "../../server/src/core/model/index.js";

/** The doubles `steps` ulps either side of `value`. */
function neighbours(value: number, steps: number): number[] {
  const buffer = new Float64Array(1);
  const bits = new BigInt64Array(buffer.buffer);
  const out: number[] = [];
  for (let step = -steps; step <= steps; step++) {
    buffer[0] = value;
    bits[0]! += BigInt(step) * (value < 0 ? -1n : 1n);
    out.push(buffer[0]!);
  }
  return out;
}

describe("roundHalfUp", () => {
  it("rounds every half, its neighbours and the format limits as Math.round does", () => {
    const values = [0, 0.25, 0.75, 2 ** 31, 2 ** 52, 2 ** 53, 8388607.5, 2147483647.5, Infinity, NaN];
    for (let k = -40000; k <= 40000; k++) values.push(k + 0.5);
    for (const value of [...values]) for (const sign of [1, -1]) values.push(...neighbours(sign * value, 3));
    for (const value of values) {
      const want = Math.round(value);
      // -0 and +0 store the same integer.
      assert.ok(
        Object.is(roundHalfUp(value), want) || roundHalfUp(value) === want,
        `${value}: ${roundHalfUp(value)} ≠ ${want}`,
      );
    }
    assert.equal(roundHalfUp(0.49999999999999994), 0);
  });

  it("agrees with Math.round on a million random samples of every scale", () => {
    const random = new SeededRandom(7);
    for (let i = 0; i < 1_000_000; i++) {
      const value = (random.next() - 0.5) * 2 ** (random.next() * 70 - 20);
      if (roundHalfUp(value) !== Math.round(value))
        assert.fail(`${value}: ${roundHalfUp(value)} ≠ ${Math.round(value)}`);
    }
  });
});
