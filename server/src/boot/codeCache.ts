/**
 * Runs a CommonJS bundle with V8's code cache, so that a start after the first skips most of the
 * compiling: the server's bundle took ~170 ms to load on the 2-core machine, ~75 ms with its cache
 * (a third of the time from start to first diagnostics). Node 20 has no `module.enableCompileCache`,
 * so this does what it does: compile through `vm.Script` with the cached data, and write the cache
 * (after the start, so that it holds the functions the start compiled) when there was none or V8
 * refused it (another Node, another bundle).
 *
 * The cache lives in the user's own cache folder (not the shared temporary folder: V8 trusts what
 * it reads), one file per bundle, Node version and architecture. Anything that goes wrong with it
 * falls back to a plain `require`: the cache can only make a start faster, never stop one.
 * `EQPRESET_CODE_CACHE=off` turns it off; `EQPRESET_CACHE_DIR` moves it.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { homedir } from "node:os";
import * as path from "node:path";
import { Script } from "node:vm";

/**
 * How a start used the cache: `used` it; `compiled` without one (and writes it); `refused` a cache
 * V8 would not take (and rewrites it); `off` by the setting; `failed` to read the bundle its way
 * (then a plain `require` ran it).
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

function cacheFileFor(bundle: string, source: string): string {
  const { size, mtimeMs } = statSync(bundle);
  const name = `${path.basename(bundle, ".js")}-${size}-${Math.round(mtimeMs)}-${source.length}`;
  return path.join(codeCacheFolder(), `node-${process.version}-${process.arch}`, `${name}.cache`);
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written to a temporary name and renamed: two servers starting at once never read half a file. */
function writeCache(file: string, data: Buffer): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, data);
    renameSync(partial, file);
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
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      writeCache(cacheFile, script.createCachedData());
      onWritten?.();
    };
    // A server writes it a while after its start; a command that ends sooner, as it exits. The
    // timer must not keep a process alive that is otherwise done.
    setTimeout(write, WRITE_DELAY_MS).unref();
    process.once("exit", write);
  }
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {}, filename: bundle, id: bundle, loaded: false };
  run.call(module.exports, module.exports, plainRequire, module, bundle, path.dirname(bundle));
  module.loaded = true;
  return use;
}
