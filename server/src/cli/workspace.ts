// The workspaces of a `check` or `summary` run, read from the disk: `cnnshape check DIR` makes DIR
// one workspace (its folder and `src/` as import roots); `cnnshape check FILE` resolves FILE's
// imports from its own folder, the folder holding its package (if it lies in one), plus every `--root`. Installed libraries are read from the
// site-packages of `--python-path`, else of a `.venv`/`venv` in the workspace's folders. Each reads files through one caching reader
// and parses through one shared module cache, so a file imported by many is read and parsed once.
// The core receives the reader as a callback (see server/src/workspace/files.ts) and does no I/O.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { sitePackagesOfInterpreter, sitePackagesOfWorkspace, type FolderLister } from '../workspace/environment';
import { ModuleCache, type Workspace, type WorkspaceFiles } from '../workspace/files';
import { normalisePath } from '../workspace/paths';

/** Folders never searched for the workspace's own files (besides hidden ones and Python environments). */
const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__', 'site-packages', 'dist-packages']);

/** True for a folder that holds no files of the user's own: a cache, installed packages, a Python environment (its pyvenv.cfg). */
export function isSkippedFolder(path: string, name: string): boolean {
  if (name.startsWith('.') || SKIPPED_FOLDERS.has(name)) return true;
  try {
    return statSync(join(path, 'pyvenv.cfg')).isFile();
  } catch {
    return false;
  }
}
/** The most files one workspace lists (the scripts that may build a model are searched among them). */
const MAX_LISTED_FILES = 5000;
/** The most folders one listing visits, so that a huge tree costs a bounded time. */
const MAX_LISTED_FOLDERS = 2000;

/** A path as the core spells it: absolute, with '/'. */
export function corePath(path: string): string {
  return normalisePath(resolve(path));
}

/** Reads files from the disk once each; a missing or unreadable file reads as undefined. */
export class DiskReader {
  private readonly texts = new Map<string, string | undefined>();
  private readonly folders = new Map<string, boolean>();

  read(path: string): string | undefined {
    if (this.texts.has(path)) return this.texts.get(path);
    let text: string | undefined;
    try {
      text = statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
    } catch {
      text = undefined;
    }
    this.texts.set(path, text);
    return text;
  }

  isFolder(path: string): boolean {
    let known = this.folders.get(path);
    if (known === undefined) {
      try {
        known = statSync(path).isDirectory();
      } catch {
        known = false;
      }
      this.folders.set(path, known);
    }
    return known;
  }
}

/**
 * The Python files of a folder (and, when `recursive`, of its subfolders), in a stable order,
 * skipping hidden folders, environments and caches; bounded in files and folders visited.
 */
export function listPythonFiles(folder: string, recursive = true): string[] {
  const out: string[] = [];
  let folders = 0;
  const walk = (dir: string) => {
    if (++folders > MAX_LISTED_FOLDERS) return;
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= MAX_LISTED_FILES) return;
      const full = join(dir, e);
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (recursive && !isSkippedFolder(full, e)) walk(full);
      } else if (e.endsWith('.py')) out.push(corePath(full));
    }
  };
  walk(folder);
  return out;
}

/** Folder listings from the disk, for finding environments. */
export const diskLister: FolderLister = {
  list(path) {
    try {
      return readdirSync(path);
    } catch {
      return undefined;
    }
  },
};

export interface WorkspaceSettings {
  /** Extra import roots (`--root`). */
  roots: string[];
  /** The Python interpreter whose site-packages hold the installed libraries (`--python-path`). */
  pythonPath?: string;
}

/** Builds workspaces over one reader and one module cache. */
export class WorkspaceFactory {
  readonly reader = new DiskReader();
  readonly cache = new ModuleCache();
  private readonly lists = new Map<string, string[]>();

  private interpreterLibraries: string[] | undefined;

  constructor(private readonly settings: WorkspaceSettings) {}

  /** The site-packages folders of `--python-path`; empty when it names no environment. */
  librariesOfInterpreter(): string[] {
    if (this.settings.pythonPath === undefined) return [];
    this.interpreterLibraries ??= sitePackagesOfInterpreter(corePath(this.settings.pythonPath), diskLister);
    return this.interpreterLibraries;
  }

  /** The environment's site-packages: `--python-path`'s, else a `.venv`/`venv` in one of the folders. */
  private librariesFor(folders: string[]): string[] {
    if (this.settings.pythonPath !== undefined) return this.librariesOfInterpreter();
    return sitePackagesOfWorkspace(folders, diskLister);
  }

  /**
   * The workspace of a folder checked as a whole: the folder, its `src/` and, where the folder is a
   * package, the folder above its outermost package (`models/vanilla_vae.py` importing `from models
   * import BaseVAE`) are import roots; all its files are its own.
   */
  forFolder(folder: string): Workspace {
    const root = corePath(folder);
    const roots = this.settings.roots.map(corePath);
    return this.make([root, `${root}/src`, ...this.packageRoot(root), ...roots], [{ folder: root, recursive: true }, ...roots.map((r) => ({ folder: r, recursive: true }))]);
  }

  /**
   * The workspace of a file checked alone: its folder, the folder holding its package where the
   * file lies in one (`pkg/models.py` importing `from pkg.utils import ...`, as Python finds it
   * once the package is installed or run with `python -m pkg.models`), then the `--root` folders
   * (its own files: those of its folder and the roots).
   */
  forFile(file: string): Workspace {
    const own = corePath(dirname(file));
    const roots = this.settings.roots.map(corePath);
    return this.make([own, ...this.packageRoot(own), ...roots], [{ folder: own, recursive: false }, ...roots.map((r) => ({ folder: r, recursive: true }))]);
  }

  /** The folder above the outermost package (folder with `__init__.py`) that holds `folder`; none when `folder` is no package. */
  private packageRoot(folder: string): string[] {
    let top: string | undefined;
    for (let f = folder, depth = 0; depth < 16 && this.reader.read(`${f}/__init__.py`) !== undefined; depth++) {
      top = f;
      const parent = corePath(dirname(f));
      if (parent === f) break;
      f = parent;
    }
    return top === undefined ? [] : [corePath(dirname(top))];
  }

  private make(roots: string[], listed: { folder: string; recursive: boolean }[]): Workspace {
    const reader = this.reader;
    const lists = this.lists;
    const listOf = ({ folder, recursive }: { folder: string; recursive: boolean }) => {
      const key = `${recursive}:${folder}`;
      let l = lists.get(key);
      if (!l) lists.set(key, (l = listPythonFiles(folder, recursive)));
      return l;
    };
    let own: string[] | undefined;
    const files: WorkspaceFiles = {
      read: (path) => (path.endsWith('.py') ? reader.read(path) : undefined),
      isFolder: (path) => reader.isFolder(path),
      // Listed once per workspace: a run reads the disk once.
      list: () => (own ??= [...new Set(listed.flatMap(listOf))]),
    };
    const libraries = this.librariesFor(listed.map((l) => l.folder));
    return { files, roots: [...new Set(roots)].filter((r) => reader.isFolder(r)), libraries, cache: this.cache };
  }
}
