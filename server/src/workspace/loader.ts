// Python's import system over the workspace's files: which file an import names. Absolute imports
// are searched in the importing file's own folder (for the user's files), then the workspace's
// roots (its folder, `src/`), then the environment's site-packages; relative imports count folders
// up from the importing file. In each folder a package (`name/__init__.py`) comes before a module
// (`name.py`), and a folder without `__init__.py` is a namespace package, as in Python.
//
// The frameworks the engine models by name (torch, keras, tensorflow, numpy) are never read from
// site-packages: their calls are shape rules, not source. Everything else an environment holds
// (torchvision, timm, a model zoo) is read like the user's code.
// Where none holds torchvision, `torchvision.models` is the generated table's (model/torchvision.ts).
//
// Files are read through the workspace's callback and parsed through its cache; the loader
// remembers every file it read, so that a caller can tell which files an analysis depended on.

import type { ModuleFile, ModuleLoader } from '../python/modules';
import type { SyntaxNode } from '../syntax/parse';
import type { Workspace } from './files';
import { basename, dirname, isInside, joinPath } from './paths';
import { CARRIED_LIBRARIES_ROOT, CARRIED_PACKAGES, carriedLibraryFile } from '../model/torchvision';
import { isModelledModule, MODELLED_PACKAGES } from '../model/library';

export class WorkspaceLoader implements ModuleLoader {
  /** Every file this loader read, in the order first read. */
  readonly filesRead = new Set<string>();
  private readonly found = new Map<string, ModuleFile | null>();
  /** Folders the analysed code added to `sys.path`, in the order added. */
  private readonly addedRoots: string[] = [];

  constructor(
    private readonly workspace: Workspace,
    /** Rewrites a file that does not parse so that the rest of it still does (lines kept); see analysis. */
    private readonly repair?: (text: string) => string | null,
  ) {}

  /** Records a file the analysis depends on that was read without an import (a script that builds a model). */
  noteRead(path: string): void {
    this.filesRead.add(path);
  }

  /** True for a file of an installed library (under a site-packages folder). */
  isLibrary(path: string): boolean {
    return this.workspace.libraries.some((l) => isInside(path, l)) || isInside(path, CARRIED_LIBRARIES_ROOT);
  }

  /** The analysed file as a module: its folder anchors relative imports and its name is `__main__`'s real one. */
  fileFor(path: string, text: string): ModuleFile {
    return this.makeFile(path, dirname(path), this.moduleNameOf(path), path.endsWith('/__init__.py'), this.isLibrary(path), text);
  }

  addRoot(folder: string): void {
    if (!this.addedRoots.includes(folder)) this.addedRoots.push(folder);
  }

  environmentKnown(): boolean {
    return this.workspace.libraries.length > 0;
  }

  absolute(name: string, importer: ModuleFile | null): ModuleFile | undefined {
    if (!/^[A-Za-z_][\w.]*$/.test(name) || isModelledModule(name)) return undefined;
    const parts = name.split('.');
    const folders: { folder: string; library: boolean }[] = [];
    if (importer && !importer.library) folders.push({ folder: importer.folder, library: false });
    for (const r of this.workspace.roots) folders.push({ folder: r, library: false });
    for (const r of this.addedRoots) folders.push({ folder: r, library: this.isLibrary(joinPath(r, '_')) });
    // `import model.resnet` in model/pspnet.py, a folder without `__init__.py` run from the
    // project's top: the folder above the importer's own folder of that name is a root too.
    if (importer && !importer.library) {
      for (let folder = importer.folder; dirname(folder) !== folder; folder = dirname(folder)) {
        if (basename(folder) === parts[0]) folders.push({ folder: dirname(folder), library: false });
      }
    }
    if (!MODELLED_PACKAGES.has(parts[0])) for (const l of this.workspace.libraries) folders.push({ folder: l, library: true });
    // Where no environment holds them, torchvision's classification models come from the generated
    // table (model/torchvision.ts), and timm's common layers from model/timm.ts.
    if (CARRIED_PACKAGES.has(parts[0])) folders.push({ folder: CARRIED_LIBRARIES_ROOT, library: true });
    for (const { folder, library } of folders) {
      const file = this.find(folder, parts, name, library);
      if (file) return file;
    }
    return undefined;
  }

  relative(level: number, name: string, importer: ModuleFile | null): ModuleFile | undefined {
    if (!importer) return undefined;
    let folder = importer.folder;
    let pkgName = importer.isPackage ? importer.name : importer.name.split('.').slice(0, -1).join('.');
    for (let i = 1; i < level; i++) {
      folder = dirname(folder);
      pkgName = pkgName.split('.').slice(0, -1).join('.');
    }
    const parts = name ? name.split('.') : [];
    const full = [pkgName, ...parts].filter((p) => p).join('.');
    return this.find(folder, parts, full, importer.library);
  }

  submodule(pkg: ModuleFile, name: string): ModuleFile | undefined {
    if (!pkg.isPackage || !/^[A-Za-z_]\w*$/.test(name) || isModelledModule(pkg.name ? `${pkg.name}.${name}` : name)) return undefined;
    return this.find(pkg.folder, [name], pkg.name ? `${pkg.name}.${name}` : name, pkg.library);
  }

  /** The module `parts` under `base` (the package `base` itself when `parts` is empty). */
  private find(base: string, parts: string[], name: string, library: boolean): ModuleFile | undefined {
    const key = `${base}|${parts.join('.')}`;
    const known = this.found.get(key);
    if (known !== undefined) return known ?? undefined;
    const file = this.lookUp(base, parts, name, library);
    this.found.set(key, file ?? null);
    return file;
  }

  private lookUp(base: string, parts: string[], name: string, library: boolean): ModuleFile | undefined {
    let folder = base;
    for (let i = 0; i < parts.length - 1; i++) {
      folder = joinPath(folder, parts[i]);
      if (!this.exists(joinPath(folder, '__init__.py')) && !this.workspace.files.isFolder(folder)) return undefined;
    }
    const last = parts[parts.length - 1];
    const pkgFolder = last === undefined ? folder : joinPath(folder, last);
    const init = joinPath(pkgFolder, '__init__.py');
    const initText = this.readText(init);
    if (initText !== undefined) return this.makeFile(init, pkgFolder, name, true, library, initText);
    if (last !== undefined) {
      const modulePath = joinPath(folder, `${last}.py`);
      const text = this.readText(modulePath);
      if (text !== undefined) return this.makeFile(modulePath, folder, name, false, library, text);
    }
    if (this.workspace.files.isFolder(pkgFolder)) return this.makeFile(null, pkgFolder, name, true, library, null);
    return undefined;
  }

  private makeFile(path: string | null, folder: string, name: string, isPackage: boolean, library: boolean, text: string | null): ModuleFile {
    let root: SyntaxNode | null | undefined;
    const cache = this.workspace.cache;
    const repair = this.repair;
    return {
      path,
      folder,
      name,
      isPackage,
      library,
      text,
      root: () => {
        if (root === undefined) root = path !== null && text !== null ? cache.tree(path, text, repair).rootNode : null;
        return root;
      },
    };
  }

  private exists(path: string): boolean {
    return this.readText(path) !== undefined;
  }

  private readText(path: string): string | undefined {
    const table = carriedLibraryFile(path);
    if (table !== undefined || path.startsWith(`${CARRIED_LIBRARIES_ROOT}/`)) return table;
    const text = this.workspace.files.read(path);
    if (text !== undefined) this.filesRead.add(path);
    return text;
  }

  /** A file's dotted name from the first root (or site-packages folder) that holds it. */
  private moduleNameOf(path: string): string {
    for (const folder of [...this.workspace.roots, ...this.workspace.libraries]) {
      if (!isInside(path, folder) || path === folder) continue;
      const rel = path.slice(folder.length).replace(/^\/+/, '').replace(/\.py$/, '').replace(/\/__init__$/, '');
      return rel.split('/').join('.');
    }
    return path.slice(path.lastIndexOf('/') + 1).replace(/\.py$/, '');
  }
}
