// What the server asks of its workspace (server.ts), whichever platform provides it: in Node,
// LspWorkspace (workspace.ts: open documents, else the disk, and installed libraries); in the
// browser, DocumentsOnlyWorkspace below: the editor's open documents and nothing else, since a web
// worker has no disk (VS Code for the Web's files reach the server only as open documents).

import { ModuleCache, type Workspace, type WorkspaceFiles } from '../workspace/files';
import { dirname, normalisePath } from '../workspace/paths';

export interface WorkspaceView {
  setFolders(uris: readonly string[]): void;
  setClientInterpreter(path: string | undefined): void;
  forgetEnvironments(): void;
  isLibrary(path: string): boolean;
  documentOpened(uri: string, text: () => string): void;
  documentClosed(uri: string): void;
  fileChanged(path: string, createdOrDeleted: boolean): void;
  uriOf(path: string): string;
  workspaceFor(path: string | undefined, pythonPath?: string): Workspace;
  /** The path a document's URI names, as the core spells paths; undefined for one that names no file. */
  pathOfUri(uri: string): string | undefined;
  /** Before each analysis: a file read from the disk is looked at again, once however many analyses read it. */
  beginPass(): void;
  /** The client watches the workspace's Python files and says when one changes (fileChanged). */
  setWatched(watched: boolean): void;
}

/** The browser's workspace: open documents only, each known by its URI's path. */
export class DocumentsOnlyWorkspace implements WorkspaceView {
  private readonly cache = new ModuleCache();
  private readonly open = new Map<string, { uri: string; text: () => string }>();

  setFolders(): void {}
  setClientInterpreter(): void {}
  forgetEnvironments(): void {}
  fileChanged(): void {}
  beginPass(): void {}
  setWatched(): void {}

  isLibrary(): boolean {
    return false;
  }

  documentOpened(uri: string, text: () => string): void {
    const path = this.pathOfUri(uri);
    if (path !== undefined) this.open.set(path, { uri, text });
  }

  documentClosed(uri: string): void {
    const path = this.pathOfUri(uri);
    if (path !== undefined && this.open.get(path)?.uri === uri) this.open.delete(path);
  }

  uriOf(path: string): string {
    return this.open.get(path)?.uri ?? `file://${path}`;
  }

  workspaceFor(path: string | undefined): Workspace {
    const folder = path === undefined ? undefined : dirname(path);
    const files: WorkspaceFiles = {
      read: (p) => this.open.get(p)?.text(),
      isFolder: (p) => [...this.open.keys()].some((open) => open.startsWith(`${p}/`)),
      list: () => [...this.open.keys()].filter((p) => folder !== undefined && p.startsWith(`${folder}/`)),
    };
    return { files, roots: folder === undefined ? [] : [folder], libraries: [], cache: this.cache };
  }

  /** A URI's path (any scheme: github.dev's vscode-vfs:, memfs:, file:), percent-decoded; none for untitled documents. */
  pathOfUri(uri: string): string | undefined {
    const m = /^([a-z][a-z0-9+.-]*):(?:\/\/[^/]*)?(\/[^?#]*)/i.exec(uri);
    if (!m || m[1] === 'untitled') return undefined;
    try {
      return normalisePath(decodeURIComponent(m[2]));
    } catch {
      return undefined;
    }
  }
}
