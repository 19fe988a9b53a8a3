// Preloaded into a server started by a test (`node --expose-gc --require test/support/heapProbe.cjs`):
// on SIGUSR2 it collects garbage and writes the live heap to stderr, one line the test reads back
// (support/lspClient.ts, liveHeapKb). RSS alone also counts the heap V8 has not yet collected; this
// counts only what the server still holds. Plain CommonJS: the server runs without tsx.
"use strict";
process.on("SIGUSR2", () => {
  if (typeof globalThis.gc === "function") globalThis.gc();
  const { heapUsed } = process.memoryUsage();
  process.stderr.write(`heap-probe ${Math.round(heapUsed / 1024)}\n`);
});
