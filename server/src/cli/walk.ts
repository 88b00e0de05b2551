// Finding the files a command works on: the paths named on the command line, and under each
// directory its Python files and Jupyter notebooks, in sorted order. Hidden entries, node_modules,
// __pycache__ and Python environments (workspace.ts isSkippedFolder) are not searched.
//
// A walk never stops on one bad entry: a symbolic link loop, a link to a folder that contains it, a
// dangling link, an entry that cannot be read, anything that is not a regular file, and a file over
// the size limit are each skipped with a warning, and the rest is searched. A path named on the
// command line that does not exist is the caller's usage error.

import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import { systemReason } from './sources';
import { isSkippedFolder } from './workspace';

export const SOURCE_EXTENSIONS = ['.py', '.ipynb'];

/** How much larger than the size limit a notebook file may be (its outputs are not analysed). */
export const NOTEBOOK_FACTOR = 16;

export interface WalkOptions {
  /** Files larger than this many bytes are skipped (undefined: no limit). */
  maxBytes?: number;
  /** How the limit is named in the warning (the flag or setting that changes it). */
  limitName?: string;
}

export interface Skipped {
  /** The path as shown (relative to the working directory). */
  path: string;
  reason: string;
}

export interface Walk {
  /** The files to read, in order. */
  files: string[];
  skipped: Skipped[];
  /** Paths named on the command line that do not exist. */
  missing: string[];
}

export function shown(path: string): string {
  return relative(process.cwd(), path) || path;
}

/** Everything the paths name, with what was skipped and why. */
export function walkPaths(paths: readonly string[], options: WalkOptions = {}): Walk {
  const out: Walk = { files: [], skipped: [], missing: [] };
  const seenFiles = new Set<string>();
  const skip = (path: string, reason: string) => out.skipped.push({ path: shown(path), reason });

  const addFile = (path: string, st: Stats) => {
    // A notebook's outputs (images above all) usually outweigh its code: the limit applies to its
    // code cells once read (files.ts), and to the file itself only at NOTEBOOK_FACTOR times.
    const limit = options.maxBytes === undefined ? undefined : /\.ipynb$/i.test(path) ? options.maxBytes * NOTEBOOK_FACTOR : options.maxBytes;
    if (limit !== undefined && st.size > limit) {
      skip(path, `${formatBytes(st.size)} is over the size limit of ${formatBytes(limit)}${options.limitName ? ` (${options.limitName})` : ''}`);
      return;
    }
    // The same file reached twice (through a link) is read once.
    const key = `${st.dev}:${st.ino}`;
    if (seenFiles.has(key)) return;
    seenFiles.add(key);
    out.files.push(path);
  };

  /** `ancestors`: the real paths of the folders being searched above this one, to catch cycles. */
  const walkDirectory = (dir: string, ancestors: Set<string>) => {
    let real: string;
    let entries: string[];
    try {
      real = realpathSync(dir);
      entries = readdirSync(dir).sort();
    } catch (error) {
      skip(dir, systemReason(error));
      return;
    }
    if (ancestors.has(real)) {
      skip(dir, `a link back to ${relative(process.cwd(), real) || '.'}, which is already being searched`);
      return;
    }
    const inside = new Set(ancestors).add(real);
    for (const name of entries) {
      if (name.startsWith('.') || name === 'node_modules' || name === '__pycache__') continue;
      const full = join(dir, name);
      const isSource = SOURCE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));
      let st: Stats;
      try {
        st = statSync(full);
      } catch (error) {
        // A link that leads nowhere is only worth a word when it looks like a source or a folder.
        const code = (error as NodeJS.ErrnoException).code;
        if (isSource || code === 'ELOOP' || code === 'EACCES' || code === 'EPERM') skip(full, code === 'ENOENT' ? 'a dangling symbolic link' : systemReason(error));
        continue;
      }
      if (st.isDirectory()) {
        // Environments (a folder with pyvenv.cfg, site-packages, venv) are libraries, not the user's code.
        if (!isSkippedFolder(full, name)) walkDirectory(full, inside);
      }
      else if (!isSource) continue;
      else if (st.isFile()) addFile(full, st);
      else skip(full, 'not a regular file');
    }
  };

  for (const p of paths) {
    let st: Stats;
    try {
      st = statSync(p);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') out.missing.push(p);
      else skip(p, systemReason(error));
      continue;
    }
    if (st.isDirectory()) walkDirectory(p, new Set());
    else if (st.isFile()) addFile(p, st);
    else skip(p, 'not a regular file');
  }
  return out;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
