// How the language server's workspace reads files from the disk (lsp/workspace.ts): once a pass of
// analyses however often they read a file, again at the next pass when the client does not watch
// the files, and, when it does, again once the client says the file changed. An open document's
// live text always wins over the disk's.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LspWorkspace } from '../../server/src/lsp/workspace';
import { normalisePath } from '../../server/src/workspace/paths';

function folderWith(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'cnnshape-lsp-files-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

function workspaceOf(folder: string): { workspace: LspWorkspace; path: (name: string) => string } {
  const workspace = new LspWorkspace();
  workspace.setFolders([pathToFileURL(folder).href]);
  return { workspace, path: (name) => normalisePath(join(folder, name)) };
}

describe('the language server reading the disk', () => {
  it('sees a file change at the next pass when the client does not watch files', () => {
    const folder = folderWith({ 'widths.py': 'WIDTH = 8\n' });
    const { workspace, path } = workspaceOf(folder);
    workspace.beginPass();
    expect(workspace.read(path('widths.py'))).toBe('WIDTH = 8\n');
    writeFileSync(join(folder, 'widths.py'), 'WIDTH = 16\n');
    // Within a pass the file is looked at once: every analysis of the pass reads the same text.
    expect(workspace.read(path('widths.py'))).toBe('WIDTH = 8\n');
    workspace.beginPass();
    expect(workspace.read(path('widths.py'))).toBe('WIDTH = 16\n');
  });

  it('sees a file that appears or disappears at the next pass', () => {
    const folder = folderWith({});
    const { workspace, path } = workspaceOf(folder);
    workspace.beginPass();
    expect(workspace.read(path('late.py'))).toBeUndefined();
    expect(workspace.workspaceFor(path('main.py')).files.isFolder(path('pkg'))).toBe(false);
    writeFileSync(join(folder, 'late.py'), 'X = 1\n');
    mkdirSync(join(folder, 'pkg'));
    workspace.beginPass();
    expect(workspace.read(path('late.py'))).toBe('X = 1\n');
    expect(workspace.workspaceFor(path('main.py')).files.isFolder(path('pkg'))).toBe(true);
  });

  it('reads a watched file again once the client says it changed', () => {
    const folder = folderWith({ 'widths.py': 'WIDTH = 8\n' });
    const { workspace, path } = workspaceOf(folder);
    workspace.setWatched(true);
    workspace.beginPass();
    expect(workspace.read(path('widths.py'))).toBe('WIDTH = 8\n');
    writeFileSync(join(folder, 'widths.py'), 'WIDTH = 16\n');
    workspace.fileChanged(path('widths.py'), false);
    workspace.beginPass();
    expect(workspace.read(path('widths.py'))).toBe('WIDTH = 16\n');
  });

  it('sees a watched file appear once the client says it was created, and the folder that holds it', () => {
    const folder = folderWith({});
    const { workspace, path } = workspaceOf(folder);
    workspace.setWatched(true);
    workspace.beginPass();
    expect(workspace.read(path('pkg/late.py'))).toBeUndefined();
    expect(workspace.workspaceFor(path('main.py')).files.isFolder(path('pkg'))).toBe(false);
    mkdirSync(join(folder, 'pkg'));
    writeFileSync(join(folder, 'pkg', 'late.py'), 'X = 1\n');
    workspace.fileChanged(path('pkg/late.py'), true);
    workspace.beginPass();
    expect(workspace.read(path('pkg/late.py'))).toBe('X = 1\n');
    expect(workspace.workspaceFor(path('main.py')).files.isFolder(path('pkg'))).toBe(true);
  });

  it('looks at an environment’s files again each pass, even when the client watches the folder that holds it', () => {
    const folder = folderWith({});
    const sitePackages = join(folder, '.venv', 'lib', 'python3.11', 'site-packages');
    mkdirSync(sitePackages, { recursive: true });
    writeFileSync(join(folder, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\n');
    writeFileSync(join(sitePackages, 'zoo.py'), 'WIDTH = 8\n');
    const { workspace, path } = workspaceOf(folder);
    workspace.setWatched(true);
    workspace.beginPass();
    const files = workspace.workspaceFor(path('main.py')).files;
    const zoo = path('.venv/lib/python3.11/site-packages/zoo.py');
    expect(workspace.isLibrary(zoo)).toBe(true);
    expect(files.read(zoo)).toBe('WIDTH = 8\n');
    // `pip install -U` while the editor runs: no change notification for the environment.
    writeFileSync(join(sitePackages, 'zoo.py'), 'WIDTH = 16\n');
    workspace.beginPass();
    expect(files.read(zoo)).toBe('WIDTH = 16\n');
  });

  it('reads an open document’s live text, and the disk again once it is closed', () => {
    const folder = folderWith({ 'blocks.py': 'A = 1\n' });
    const { workspace, path } = workspaceOf(folder);
    workspace.setWatched(true);
    workspace.beginPass();
    expect(workspace.read(path('blocks.py'))).toBe('A = 1\n');
    const uri = pathToFileURL(join(folder, 'blocks.py')).href;
    let live = 'A = 2\n';
    workspace.documentOpened(uri, () => live);
    expect(workspace.read(path('blocks.py'))).toBe('A = 2\n');
    live = 'A = 3\n';
    expect(workspace.read(path('blocks.py'))).toBe('A = 3\n');
    // Saved, then closed: the disk's text, even before the client's change notification.
    writeFileSync(join(folder, 'blocks.py'), 'A = 3\n');
    workspace.documentClosed(uri);
    workspace.beginPass();
    expect(workspace.read(path('blocks.py'))).toBe('A = 3\n');
  });
});
