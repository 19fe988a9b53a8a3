/**
 * Runs a CommonJS bundle with V8's code cache, so that a start after the first skips most of the
 * compiling: the server's bundle took ~170 ms to load on the 2-core machine, ~75 ms with its cache
 * (a third of the time from start to first diagnostics). Node 20 has no `module.enableCompileCache`,
 * so this does what it does: compile through `vm.Script` with the cached data, and write the cache
 * (after the start, so that it holds the functions the start compiled) when there was none or V8
 * refused it (another Node, another bundle).
 *
 * The cache lives in the user's own cache folder (not the shared temporary folder: V8 trusts what
 * it reads), one file per bundle text, V8 version and architecture, with a hash of its data so
 * that a damaged file is ignored. The hashes are FNV-1a in plain JS (digest), not node:crypto:
 * they guard against accidents (an upgrade, a cut-short file), not an attacker (who could write
 * the user's cache folder could write anything of theirs), and loading node:crypto cost
 * `eqp apply` ~1-2 MB of its peak memory. When the cache cannot be read or written the bundle
 * runs as `require` runs it.
 * `EQPRESET_CODE_CACHE=off` turns it off; `EQPRESET_CACHE_DIR` moves it.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import Module, { createRequire } from "node:module";
import { homedir } from "node:os";
import * as path from "node:path";
import { Script } from "node:vm";

/**
 * How a start used the cache: `used` it; `compiled` without one, or with a damaged one (and writes
 * it); `refused` a cache V8 would not take, made by another V8 or for another text (and rewrites
 * it); `off` by the setting; `failed` to read the bundle its way (then a plain `require` ran it).
 */
export type CodeCacheUse = "off" | "compiled" | "used" | "refused" | "failed";

/** How long after the bundle has run its cache is written: by then the start has compiled what it needs. */
const WRITE_DELAY_MS = 3000;

/** The user's cache folder for this project. */
export function codeCacheFolder(env: NodeJS.ProcessEnv = process.env): string {
  if (env["EQPRESET_CACHE_DIR"]) return env["EQPRESET_CACHE_DIR"];
  const base =
    process.platform === "win32"
      ? (env["LOCALAPPDATA"] ?? path.join(homedir(), "AppData", "Local"))
      : process.platform === "darwin"
        ? path.join(homedir(), "Library", "Caches")
        : (env["XDG_CACHE_HOME"] ?? path.join(homedir(), ".cache"));
  return path.join(base, "eqpreset", "code-cache");
}

export const DIGEST_BYTES = 8;

/**
 * A 64-bit hash of the text's UTF-16 code units or of the bytes: two 32-bit FNV-1a lanes (JS has
 * no cheap 64-bit multiply), the second from another offset and also fed the first's top bits so
 * that the two do not run in step.
 */
export function digest(data: string | Uint8Array): Buffer {
  let low = 0x811c9dc5;
  let high = 0xcbf29ce4;
  // Two loops, each with one kind of element access, so that V8 optimises each: the server bundle's
  // 2.7 MB in 5-16 ms on the busy 2-core machine, about what loading node:crypto and SHA-1 took.
  if (typeof data === "string") {
    for (let i = 0; i < data.length; i++) {
      const unit = data.charCodeAt(i);
      low = Math.imul(low ^ unit, 0x01000193);
      high = Math.imul(high ^ unit ^ (low >>> 24), 0x01000193);
    }
  } else {
    for (let i = 0; i < data.length; i++) {
      const unit = data[i]!;
      low = Math.imul(low ^ unit, 0x01000193);
      high = Math.imul(high ^ unit ^ (low >>> 24), 0x01000193);
    }
  }
  const result = Buffer.allocUnsafe(DIGEST_BYTES);
  result.writeUInt32BE(high >>> 0, 0);
  result.writeUInt32BE(low >>> 0, 4);
  return result;
}

/**
 * The cache file of this bundle's text under this V8. Named by a hash of the text: V8 checks only
 * the length of the source against cached data, and an upgrade can keep a bundle's size and, from
 * npm, its file time too; it would then run the old version's code.
 */
function cacheFileFor(bundle: string, source: string): string {
  const name = `${path.basename(bundle, ".js")}-${digest(source).toString("hex").slice(0, 16)}`;
  return path.join(codeCacheFolder(), `v8-${process.versions.v8}-${process.arch}`, `${name}.cache`);
}

/**
 * The cached data, if the file is whole: it starts with a hash of the rest. V8 does not check its
 * cached data for damage in release builds, and damaged data that passes its header checks could
 * crash every start.
 */
function readCache(file: string): Buffer | undefined {
  try {
    const content = readFileSync(file);
    const data = content.subarray(DIGEST_BYTES);
    return content.length > DIGEST_BYTES && digest(data).equals(content.subarray(0, DIGEST_BYTES)) ? data : undefined;
  } catch {
    return undefined;
  }
}

function mkdirQuietly(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch {
    // As in writeCache.
  }
}

/** The bytes on disk before the rename (boot/ imports nothing of the core's atomic writer). */
function writeFlushed(file: string, bytes: Buffer): void {
  const descriptor = openSync(file, "w");
  try {
    writeFileSync(descriptor, bytes);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Written to a temporary name, flushed and renamed, so that two servers starting at once never read half a
 * file; the caches of this bundle's earlier versions are removed, so that upgrades leave nothing.
 */
function writeCache(file: string, makeData: () => Buffer): void {
  try {
    const folder = path.dirname(file);
    mkdirSync(folder, { recursive: true });
    const data = makeData();
    const partial = `${file}.${process.pid}.partial`;
    writeFlushed(partial, Buffer.concat([digest(data), data]));
    renameSync(partial, file);
    const bundleName = path.basename(file).replace(/-[0-9a-f]+\.cache$/, "-");
    for (const other of readdirSync(folder))
      if (other.startsWith(bundleName) && other.endsWith(".cache") && path.join(folder, other) !== file)
        rmSync(path.join(folder, other), { force: true });
  } catch {
    // A read-only home or a full disk: the next start compiles again.
  }
}

/**
 * Runs `bundle` (a CommonJS file) as `require` would, with its code cache; returns how the cache was
 * used. `onWritten` is for tests: it is called once the cache has been written.
 */
export function runWithCodeCache(bundle: string, onWritten?: () => void): CodeCacheUse {
  const plainRequire = createRequire(bundle);
  if (process.env["EQPRESET_CODE_CACHE"] === "off") {
    plainRequire(bundle);
    return "off";
  }
  let script: Script;
  let cacheFile: string;
  let cachedData: Buffer | undefined;
  try {
    const source = readFileSync(bundle, "utf8");
    cacheFile = cacheFileFor(bundle, source);
    cachedData = readCache(cacheFile);
    script = new Script(Module.wrap(source), { filename: bundle, cachedData });
  } catch {
    plainRequire(bundle);
    return "failed";
  }
  // V8 checks the cached data as it compiles: whether it is needed again is known before the run
  // (which may end the process: `eqp --help` exits inside it).
  const use: CodeCacheUse = !cachedData ? "compiled" : script.cachedDataRejected ? "refused" : "used";
  if (use !== "used") {
    // Making the cached data costs more than a short command saves (~60 ms of a 0.6 s `eqp check`),
    // so a command writes it as it exits only where eqp has run before: the folder exists. A fresh
    // CI container runs eqp once and pays nothing; a developer's machine has the cache from its
    // second run on. A server writes it a while after its start either way.
    const seenBefore = existsSync(path.dirname(cacheFile));
    let done = false;
    const write = (atExit: boolean) => {
      if (done) return;
      done = true;
      if (atExit && !seenBefore) mkdirQuietly(path.dirname(cacheFile));
      else writeCache(cacheFile, () => script.createCachedData());
      onWritten?.();
    };
    // The timer must not keep a process alive that is otherwise done.
    setTimeout(() => write(false), WRITE_DELAY_MS).unref();
    process.once("exit", () => write(true));
  }
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {}, filename: bundle, id: bundle, loaded: false };
  run.call(module.exports, module.exports, plainRequire, module, bundle, path.dirname(bundle));
  module.loaded = true;
  return use;
}
