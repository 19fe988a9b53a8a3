/** Networks for the model tests: a small configuration, and comparing weights bit for bit. */
import type { NetworkConfig } from "../../server/src/core/network/network.js";

export const SMALL_CONFIG: NetworkConfig = {
  inputSize: 13,
  hidden: [8, 16],
  latentSize: 4,
  projectionSize: 8,
  projectionHidden: 8,
  activation: "elu",
};

/** True when both lists of parameter arrays hold the same float32 bits. */
export function sameBits(a: readonly Float32Array[], b: readonly Float32Array[]): boolean {
  return (
    a.length === b.length &&
    a.every((array, i) =>
      Buffer.from(array.buffer, array.byteOffset, array.byteLength).equals(
        Buffer.from(b[i]!.buffer, b[i]!.byteOffset, b[i]!.byteLength),
      ),
    )
  );
}
