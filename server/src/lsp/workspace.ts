// The language server's view of the workspace: the folders the client opened, the files the
// analysis may read, from the editor's open documents (their live text, never the disk's copy)
// or else the disk (kept while a file's modification time and size are unchanged), and the Python
// environment whose installed libraries it may read: the `cnnshape.pythonPath` setting, else the
// interpreter VS Code's Python extension selected, else a `.venv`/`venv` in the workspace folder. Parsed files
// live in one module cache for the whole session, keyed by content, so an import shared by every
// open file is parsed once. The core receives all this as a Workspace callback and does no I/O.

import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { diskLister, listPythonFiles } from '../cli/workspace';
import { sitePackagesOfInterpreter, sitePackagesOfWorkspace } from '../workspace/environment';
import { ModuleCache, type Workspace, type WorkspaceFiles } from '../workspace/files';
import { dirname, isInside, normalisePath } from '../workspace/paths';
import type { WorkspaceView } from './workspace-view';

interface DiskText {
  mtimeMs: number;
  size: number;
  /** Undefined: no such file (or an unreadable one). */
  text: string | undefined;
  /** The pass (see beginPass) in which the file's modification time and size were last read. */
  pass: number;
}

export class LspWorkspace implements WorkspaceView {
  readonly cache = new ModuleCache();
  private folders: string[] = [];
  /** The interpreter the client's Python extension selected, if it said. */
  private clientInterpreter: string | undefined;
  private readonly environments = new Map<string, string[]>();
  private readonly disk = new Map<string, DiskText>();
  private readonly folderChecks = new Map<string, { exists: boolean; pass: number }>();
  private readonly lists = new Map<string, string[]>();
  /** Open documents by path: their URI and live text. */
  private readonly open = new Map<string, { uri: string; text: () => string }>();
  /** Counts the server's analysis passes: a file on the disk is looked at (stat) at most once a pass. */
  private pass = 0;
  /** True once the client watches the workspace's Python files: it then says when one changes (fileChanged). */
  private watched = false;

  /**
   * Starts a pass of analyses (the server calls it before each): the files read from the disk are
   * looked at again, once each, however many analyses of the pass read them. A file of a workspace
   * folder that the client watches is not looked at again until the client says it changed.
   */
  beginPass(): void {
    this.pass++;
  }

  /** The client watches the workspace folders' Python files (didChangeWatchedFiles). */
  setWatched(watched: boolean): void {
    this.watched = watched;
  }

  /** The workspace folders the client opened (file URIs). */
  setFolders(uris: readonly string[]): void {
    this.folders = uris.map((u) => pathOfUri(u)).filter((p): p is string => p !== undefined);
    this.lists.clear();
  }

  /** The interpreter the client's Python extension selected (undefined: none). */
  setClientInterpreter(path: string | undefined): void {
    this.clientInterpreter = path;
    this.environments.clear();
  }

  /** Environments are looked for again (the settings changed, a pyvenv.cfg appeared). */
  forgetEnvironments(): void {
    this.environments.clear();
  }

  /** True for a file of one of the environments found so far. */
  isLibrary(path: string): boolean {
    for (const folders of this.environments.values()) if (folders.some((f) => isInside(path, f))) return true;
    return false;
  }

  get folderPaths(): readonly string[] {
    return this.folders;
  }

  documentOpened(uri: string, text: () => string): void {
    const path = pathOfUri(uri);
    if (path !== undefined) this.open.set(path, { uri, text });
  }

  documentClosed(uri: string): void {
    const path = pathOfUri(uri);
    if (path !== undefined && this.open.get(path)?.uri === uri) {
      this.open.delete(path);
      // Its file is read from the disk again: what was read of it before it was opened is out of date.
      this.disk.delete(path);
    }
  }

  /** A file changed, appeared or disappeared on the disk: forget what was read of it. */
  fileChanged(path: string, createdOrDeleted: boolean): void {
    this.disk.delete(path);
    if (createdOrDeleted) {
      this.lists.clear();
      this.folderChecks.clear();
    }
  }

  pathOfUri(uri: string): string | undefined {
    return pathOfUri(uri);
  }

  /** The URI to publish to for a path: the open document's own spelling, else a file URI. */
  uriOf(path: string): string {
    return this.open.get(path)?.uri ?? pathToFileURL(path).href;
  }

  /** The workspace of a document (undefined path: an untitled text); `pythonPath` is the document's setting. */
  workspaceFor(path: string | undefined, pythonPath?: string): Workspace {
    const inside = this.workspaceFolderOf(path);
    // Outside every workspace folder, a file's own folder is its workspace (not listed below it).
    const folder = inside ?? (path === undefined ? undefined : dirname(path));
    // The document's own folder comes first: Jupyter runs a notebook there, so its imports start there.
    const roots = [...new Set([...(path === undefined ? [] : [dirname(path)]), ...(folder === undefined ? [] : [folder, `${folder}/src`])])];
    const files: WorkspaceFiles = {
      read: (p) => this.read(p),
      isFolder: (p) => this.isFolder(p),
      list: () => (folder === undefined ? [] : this.list(folder, inside !== undefined)),
    };
    return { files, roots, libraries: this.librariesFor(folder, pythonPath), cache: this.cache };
  }

  /** The current text of a file: the open document's, else the disk's. */
  read(path: string): string | undefined {
    if (!path.endsWith('.py')) return undefined;
    const open = this.open.get(path);
    if (open) return open.text();
    const seen = this.disk.get(path);
    if (seen && (seen.pass === this.pass || this.trustsWatcher(path))) return seen.text;
    let st;
    try {
      st = statSync(path);
    } catch {
      st = undefined;
    }
    if (!st?.isFile()) {
      this.disk.set(path, { mtimeMs: 0, size: 0, text: undefined, pass: this.pass });
      return undefined;
    }
    if (seen?.text !== undefined && seen.mtimeMs === st.mtimeMs && seen.size === st.size) {
      seen.pass = this.pass;
      return seen.text;
    }
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      text = undefined;
    }
    this.disk.set(path, { mtimeMs: st.mtimeMs, size: st.size, text, pass: this.pass });
    return text;
  }

  /** True when the folder exists on the disk (looked at once a pass, or until a watched file appears or disappears). */
  isFolder(path: string): boolean {
    const seen = this.folderChecks.get(path);
    if (seen && (seen.pass === this.pass || this.trustsWatcher(path))) return seen.exists;
    const exists = isFolderOnDisk(path);
    this.folderChecks.set(path, { exists, pass: this.pass });
    return exists;
  }

  /**
   * True when what was seen of a path (a file's text, that it is missing, a folder) holds until the
   * client says otherwise: the client watches the Python files of the workspace folders, which
   * holds the path. Only a folder holding Python files matters to imports, and one appears or
   * disappears with them. An environment's files (a `.venv` inside the folder) are looked at each
   * pass: editors often leave them out of watching.
   */
  private trustsWatcher(path: string): boolean {
    return this.watched && this.workspaceFolderOf(path) !== undefined && !this.isLibrary(path);
  }

  /** The site-packages of the environment: the setting's interpreter, the client's, else a venv in the folder. */
  private librariesFor(folder: string | undefined, pythonPath: string | undefined): string[] {
    const interpreter = pythonPath ?? this.clientInterpreter;
    const key = interpreter !== undefined ? `python:${interpreter}` : `folder:${folder ?? ''}`;
    let found = this.environments.get(key);
    if (!found) {
      if (interpreter !== undefined) found = sitePackagesOfInterpreter(normalisePath(interpreter), diskLister);
      else found = folder === undefined ? [] : sitePackagesOfWorkspace([folder], diskLister);
      this.environments.set(key, found);
    }
    return found;
  }

  /** The workspace folder holding a path (the innermost); the first folder for a document that is no file. */
  private workspaceFolderOf(path: string | undefined): string | undefined {
    if (path === undefined) return this.folders[0];
    let best: string | undefined;
    for (const f of this.folders) if (isInside(path, f) && (best === undefined || f.length > best.length)) best = f;
    return best;
  }

  private list(folder: string, recursive: boolean): string[] {
    const key = `${recursive}:${folder}`;
    let l = this.lists.get(key);
    if (!l) this.lists.set(key, (l = listPythonFiles(folder, recursive)));
    return l;
  }
}

/** The path of a file URI, as the core spells paths; undefined for other schemes (untitled:). */
export function pathOfUri(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return normalisePath(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

function isFolderOnDisk(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
