// Finding a Python environment's site-packages without running Python: from an interpreter's
// path (the `--python-path` flag, the `cnnshape.pythonPath` setting, the interpreter VS Code's
// Python extension selected) or from a virtual environment in a workspace folder (`.venv`,
// `venv`). The folders are recognised by their layout, as Python's own `site` module lays them
// out: a venv or conda prefix holds `lib/pythonX.Y/site-packages` (`Lib/site-packages` on
// Windows); a Debian-style system Python keeps its packages in `/usr/lib/python3/dist-packages`
// and `/usr/local/lib/pythonX.Y/dist-packages`.
//
// Pure: the folder listing is a callback (the CLI and the language server pass the disk's).

import { basename, dirname, joinPath, normalisePath } from './paths';

export interface FolderLister {
  /** The names in a folder; undefined when it is no folder. */
  list(path: string): readonly string[] | undefined;
}

/** Names of the virtual-environment folders looked for in a workspace folder. */
export const VENV_NAMES = ['.venv', 'venv'];

/**
 * The site-packages folders of the interpreter at `pythonPath` (an executable such as
 * `.venv/bin/python`, `C:\\env\\Scripts\\python.exe`, `/usr/bin/python3`, or the environment's folder).
 */
export function sitePackagesOfInterpreter(pythonPath: string, fs: FolderLister): string[] {
  const path = normalisePath(pythonPath);
  // An executable sits in the prefix's bin/ (Scripts/ on Windows; the prefix itself for a Windows conda root).
  const candidates: string[] = [];
  if (fs.list(path) !== undefined) candidates.push(path);
  const folder = dirname(path);
  if (/^(bin|scripts)$/i.test(basename(folder))) candidates.push(dirname(folder));
  candidates.push(folder);
  for (const prefix of candidates) {
    const found = sitePackagesOfPrefix(prefix, fs);
    if (found.length > 0) return found;
  }
  return [];
}

/** The site-packages of a virtual environment in one of the folders (`.venv`, `venv`), the first found. */
export function sitePackagesOfWorkspace(folders: readonly string[], fs: FolderLister): string[] {
  for (const folder of folders) {
    for (const name of VENV_NAMES) {
      const venv = joinPath(folder, name);
      const entries = fs.list(venv);
      if (!entries || !entries.includes('pyvenv.cfg')) continue;
      const found = sitePackagesOfPrefix(venv, fs);
      if (found.length > 0) return found;
    }
  }
  return [];
}

/** The package folders of an installation prefix, most specific first. */
export function sitePackagesOfPrefix(prefix: string, fs: FolderLister): string[] {
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.includes(p) && fs.list(p) !== undefined) out.push(p);
  };
  for (const lib of ['lib', 'lib64']) {
    const versions = (fs.list(joinPath(prefix, lib)) ?? []).filter((n) => /^python3(\.\d+)?$/.test(n)).sort().reverse();
    for (const v of versions) {
      add(joinPath(prefix, lib, v, 'site-packages'));
      add(joinPath(prefix, lib, v, 'dist-packages'));
    }
  }
  add(joinPath(prefix, 'Lib', 'site-packages'));
  // Debian and Ubuntu: the distribution's packages, then those pip put under /usr/local.
  if (prefix === '/usr') {
    add('/usr/lib/python3/dist-packages');
    for (const v of (fs.list('/usr/local/lib') ?? []).filter((n) => /^python3\.\d+$/.test(n))) add(`/usr/local/lib/${v}/dist-packages`);
  }
  return out;
}
