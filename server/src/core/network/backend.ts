/**
 * Chooses and initialises the tfjs backend for the model: the WebAssembly backend (XNNPACK with
 * SIMD, single-threaded under Node) when its binaries can be found, else the pure-JavaScript cpu
 * backend. Training on cpu is ~10× slower; inference works on both.
 *
 * Where the .wasm binaries are looked for, in order:
 *   1. the folder named by the environment variable EQPRESET_TFJS_WASM_DIR;
 *   2. the folder of the running CommonJS bundle (dist/): the shipped layout, for which the build
 *      copies tfjs-backend-wasm-simd.wasm and tfjs-backend-wasm.wasm next to the bundles;
 *   3. the installed package's dist/ folder (node_modules/@tensorflow/tfjs-backend-wasm/dist),
 *      resolved from the bundle, or from the working directory when running TypeScript sources
 *      as ES modules (tsx), where neither __dirname nor a CommonJS require exists.
 * The core avoids import.meta on purpose: esbuild empties it in CommonJS bundles.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { registerFusedAdamKernel } from "./fusedAdam.js";

export type BackendName = "wasm" | "cpu";

export interface BackendStatus {
  /** The active tfjs backend. */
  name: string;
  /** Why the preferred backend is not the active one (e.g. the .wasm files were not found). */
  fallbackReason?: string;
  /** The folder the .wasm binaries were loaded from, when the wasm backend is active. */
  wasmDirectory?: string;
}

/** The binary used under Node (SIMD, no threads); the plain one is the fallback without SIMD. */
export const WASM_BINARIES = ["tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm.wasm"] as const;
export const WASM_DIRECTORY_ENV = "EQPRESET_TFJS_WASM_DIR";

let wasmPathsSet: string | undefined;
let wasmFailure: string | undefined;
let status: BackendStatus | undefined;
let pending: Promise<BackendStatus> | undefined;

/** Folders that may hold the .wasm binaries, best first (see the file comment). */
export function wasmDirectoryCandidates(): string[] {
  const candidates: string[] = [];
  const fromEnvironment = process.env[WASM_DIRECTORY_ENV];
  if (fromEnvironment) candidates.push(path.resolve(fromEnvironment));
  const bundleFile = typeof __filename === "string" ? __filename : undefined;
  if (bundleFile !== undefined) candidates.push(path.dirname(bundleFile));
  const resolveFrom = [bundleFile, path.join(process.cwd(), "package.json")];
  for (const base of resolveFrom) {
    if (base === undefined) continue;
    try {
      const packageJson = createRequire(base).resolve("@tensorflow/tfjs-backend-wasm/package.json");
      candidates.push(path.join(path.dirname(packageJson), "dist"));
    } catch {
      // Not installed where this base resolves from: try the next one.
    }
  }
  return [...new Set(candidates)];
}

export function findWasmDirectory(): string | undefined {
  return wasmDirectoryCandidates().find((dir) => WASM_BINARIES.every((file) => existsSync(path.join(dir, file))));
}

/**
 * Initialises a backend (the wasm one unless `preferred` is "cpu") and makes it the active one.
 * Idempotent: calling it again with the same preference returns at once; with another preference
 * it switches backends (tensors already made move over lazily). Returns the active backend name;
 * see {@link backendStatus} for the reason of a fallback.
 */
export async function initBackend(preferred: BackendName = "wasm"): Promise<string> {
  while (pending) await pending;
  if (status && (status.name === preferred || (preferred === "wasm" && wasmFailure !== undefined))) {
    if (tf.getBackend() !== status.name) await tf.setBackend(status.name);
    return status.name;
  }
  pending = activate(preferred);
  try {
    status = await pending;
  } finally {
    pending = undefined;
  }
  // The trainer's Adam kernel, for the backend just activated: explicit, once per backend.
  registerFusedAdamKernel(status.name);
  return status.name;
}

/** The state left by the last {@link initBackend}, or undefined before it. */
export function backendStatus(): BackendStatus | undefined {
  return status ? { ...status } : undefined;
}

async function activate(preferred: BackendName): Promise<BackendStatus> {
  let fallbackReason: string | undefined;
  if (preferred === "wasm") {
    const outcome = await tryWasm();
    if (outcome.ok) return { name: "wasm", wasmDirectory: outcome.directory };
    fallbackReason = outcome.reason;
  }
  if (!(await tf.setBackend("cpu"))) throw new Error("the tfjs cpu backend failed to initialise");
  await tf.ready();
  silenceTfjsNodeBanner();
  return fallbackReason === undefined ? { name: "cpu" } : { name: "cpu", fallbackReason };
}

async function tryWasm(): Promise<{ ok: true; directory: string } | { ok: false; reason: string }> {
  if (wasmFailure !== undefined) return { ok: false, reason: wasmFailure };
  const directory = wasmPathsSet ?? findWasmDirectory();
  if (directory === undefined) {
    wasmFailure = `tfjs wasm binaries (${WASM_BINARIES.join(", ")}) not found in: ${wasmDirectoryCandidates().join(", ") || "(no candidate folder)"}`;
    return { ok: false, reason: wasmFailure };
  }
  try {
    if (wasmPathsSet === undefined) {
      // A prefix, not a file map: tfjs concatenates it with the binary's name.
      setWasmPaths(directory.endsWith(path.sep) ? directory : directory + path.sep);
      wasmPathsSet = directory;
    }
    await withoutNewProcessListeners(async () => {
      if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') returned false");
      await tf.ready();
    });
    return { ok: true, directory };
  } catch (error) {
    wasmFailure = `the tfjs wasm backend failed to initialise from ${directory}: ${error instanceof Error ? error.message : JSON.stringify(error)}`;
    return { ok: false, reason: wasmFailure };
  }
}

/**
 * Runs `initialise` and removes the `uncaughtException` / `unhandledRejection` listeners it added.
 * The wasm backend's Emscripten glue installs listeners that rethrow, so with it any rejected
 * promise or stray exception anywhere in the process ends the process (exit code 7): the language
 * server must decide for itself what an error elsewhere means.
 */
async function withoutNewProcessListeners(initialise: () => Promise<void>): Promise<void> {
  const exceptionListeners = new Set(process.listeners("uncaughtException"));
  const rejectionListeners = new Set(process.listeners("unhandledRejection"));
  try {
    await initialise();
  } finally {
    for (const listener of process.listeners("uncaughtException"))
      if (!exceptionListeners.has(listener)) process.removeListener("uncaughtException", listener);
    for (const listener of process.listeners("unhandledRejection"))
      if (!rejectionListeners.has(listener)) process.removeListener("unhandledRejection", listener);
  }
}

/**
 * The cpu backend prints a "install tfjs-node to speed things up" banner on its first use under
 * Node. tfjs-node cannot be installed here, so the banner is noise on the CLI's stderr. It is
 * guarded by a private flag; if a tfjs update renames it, the banner merely comes back.
 */
function silenceTfjsNodeBanner(): void {
  const cpu = tf.findBackend("cpu") as unknown as { firstUse?: boolean } | null;
  if (cpu && typeof cpu.firstUse === "boolean") cpu.firstUse = false;
}
