// Loads a CommonJS bundle of dist/ with V8's code cache, so that a process does not compile the
// same megabyte of JavaScript at every start (the command line and the language server are started
// often, and compiling their bundles was the largest step of a short `cnnshape check`).
//
// Node 22.1 and later have `module.enableCompileCache()`, which caches every module it loads; on
// Node 20 (the oldest this package supports) the bundle is compiled here through `vm.Script` with
// the cache V8 produced after an earlier run (kept in the system's temporary folder, keyed by the
// bundle's path, the Node version and the bundle's content; a stale or foreign cache is simply
// rejected by V8).
// Any failure falls back to a plain `require`: the cache only ever saves time.
// CNNSHAPE_NO_COMPILE_CACHE=1 turns it off (the benchmark measures both).

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';

interface NodeModuleInternals {
  wrap(source: string): string;
  _nodeModulePaths(dir: string): string[];
  _cache: Record<string, unknown>;
  enableCompileCache?: (dir?: string) => unknown;
}

const WRITE_AFTER_MS = 4000;

/** Where the caches live: one folder per user, under the system's temporary folder. */
export function compileCacheDir(): string {
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : (process.env.USERNAME ?? 'user');
  return join(tmpdir(), `cnnshape-compile-cache-${user}`);
}

/**
 * Whether the cache folder is this user's alone (the temporary folder is shared: a cache another
 * user could write is not read). Where there are no user ids (Windows), the folder is the user's own.
 */
function ownFolder(dir: string): boolean {
  if (typeof process.getuid !== 'function') return true;
  const stats = statSync(dir);
  return stats.isDirectory() && stats.uid === process.getuid() && (stats.mode & 0o022) === 0;
}

/** Requires `file` (an absolute path to a CommonJS bundle), compiled from V8's code cache when one is there. */
export function requireCached(file: string): unknown {
  const M = Module as unknown as NodeModuleInternals;
  const load = createRequire(file);
  if (process.env.CNNSHAPE_NO_COMPILE_CACHE) return load(file);
  if (typeof M.enableCompileCache === 'function') {
    try {
      M.enableCompileCache(compileCacheDir());
    } catch {
      // Not enabled: the bundle compiles as usual.
    }
    return load(file);
  }
  let source: string;
  let script: Script;
  let cachedData: Buffer | undefined;
  let cachePath: string;
  try {
    // The bytes are hashed as read (hashing the decoded string would encode it again).
    const bytes = readFileSync(file);
    source = bytes.toString('utf8');
    const key = createHash('sha1').update(process.version).update(process.arch).update(bytes).digest('hex').slice(0, 20);
    // Named by the bundle's place too: a build elsewhere (another install, another checkout) has
    // caches of its own, and clearing this bundle's stale caches leaves theirs alone.
    const place = createHash('sha1').update(file).digest('hex').slice(0, 8);
    cachePath = join(compileCacheDir(), `${basename(file)}-${place}-${key}.cache`);
    try {
      cachedData = ownFolder(compileCacheDir()) ? readFileSync(cachePath) : undefined;
    } catch {
      cachedData = undefined;
    }
    const dynamicImport = (vmConstants as unknown as { USE_MAIN_CONTEXT_DEFAULT_LOADER?: unknown } | undefined)?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
    script = new Script(M.wrap(source), { filename: file, cachedData, ...(dynamicImport ? { importModuleDynamically: dynamicImport as never } : {}) });
  } catch {
    return load(file);
  }
  if (cachedData === undefined || script.cachedDataRejected) {
    // Written at exit, or a few seconds in for a process that lives on (the language server), when
    // the functions the run needed have been compiled too.
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      try {
        mkdirSync(dirname(cachePath), { recursive: true, mode: 0o700 });
        if (!ownFolder(dirname(cachePath))) return;
        const temporary = `${cachePath}.${process.pid}.${Math.random().toString(36).slice(2)}`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cachePath);
        // The caches of earlier builds of this bundle are of no more use.
        const prefix = basename(cachePath).slice(0, basename(cachePath).lastIndexOf('-') + 1);
        for (const name of readdirSync(dirname(cachePath))) {
          if (name.startsWith(prefix) && name.endsWith('.cache') && name !== basename(cachePath)) rmSync(join(dirname(cachePath), name), { force: true });
        }
      } catch {
        // A cache that cannot be written costs only time.
      }
    };
    process.once('exit', write);
    setTimeout(write, WRITE_AFTER_MS).unref();
  }
  const mod = new Module(file, module) as Module & { filename: string; paths: string[]; loaded: boolean };
  mod.filename = file;
  mod.paths = M._nodeModulePaths(dirname(file));
  M._cache[file] = mod;
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: unknown, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  mod.loaded = true;
  return mod.exports;
}
