// The workspaces of a `check` or `summary` run, read from the disk: `cnnshape check DIR` makes DIR
// one workspace (its folder and `src/` as import roots); `cnnshape check FILE` resolves FILE's
// imports from its own folder, plus every `--root`. Each reads files through one caching reader
// and parses through one shared module cache, so a file imported by many is read and parsed once.
// The core receives the reader as a callback (see server/src/workspace/files.ts) and does no I/O.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ModuleCache, type Workspace, type WorkspaceFiles } from '../workspace/files';
import { normalisePath } from '../workspace/paths';

/** Folders never searched for the workspace's own files. */
const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__', 'site-packages', 'dist-packages', 'venv', 'env']);
/** The most files one workspace lists (the scripts that may build a model are searched among them). */
const MAX_LISTED_FILES = 5000;

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

/** The Python files under a folder, in a stable order, skipping hidden folders, environments and caches. */
export function listPythonFiles(folder: string, limit = MAX_LISTED_FILES): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= limit) return;
      if (e.startsWith('.')) continue;
      const full = join(dir, e);
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(e)) walk(full);
      } else if (e.endsWith('.py')) out.push(corePath(full));
    }
  };
  walk(folder);
  return out;
}

export interface WorkspaceSettings {
  /** Extra import roots (`--root`). */
  roots: string[];
  /** The site-packages folders of the Python environment, if one was found. */
  libraries: string[];
}

/** Builds workspaces over one reader and one module cache. */
export class WorkspaceFactory {
  readonly reader = new DiskReader();
  readonly cache = new ModuleCache();
  private readonly lists = new Map<string, string[]>();

  constructor(private readonly settings: WorkspaceSettings) {}

  /** The workspace of a folder checked as a whole: the folder and its `src/` are import roots. */
  forFolder(folder: string): Workspace {
    const root = corePath(folder);
    return this.make([root, `${root}/src`, ...this.settings.roots.map(corePath)], root);
  }

  /** The workspace of a file checked alone: its folder, then the `--root` folders. */
  forFile(file: string): Workspace {
    const roots = this.settings.roots.map(corePath);
    return this.make([corePath(dirname(file)), ...roots], roots[0] ?? corePath(dirname(file)));
  }

  private make(roots: string[], listed: string): Workspace {
    const reader = this.reader;
    const lists = this.lists;
    const files: WorkspaceFiles = {
      read: (path) => (path.endsWith('.py') ? reader.read(path) : undefined),
      isFolder: (path) => reader.isFolder(path),
      list: () => {
        let l = lists.get(listed);
        if (!l) lists.set(listed, (l = listPythonFiles(listed)));
        return l;
      },
    };
    return { files, roots: [...new Set(roots)].filter((r) => reader.isFolder(r)), libraries: this.settings.libraries, cache: this.cache };
  }
}
