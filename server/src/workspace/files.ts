// The workspace as the core sees it: the Python files it may read, through a callback, with the
// folders that imports are searched in. The CLI and the language server build one from the disk
// (and the editor's open documents); tests and the pure entry build one from a set of texts.
// Nothing here reads a disk: the analysis is a pure function of the texts the callback returns.

import type { Tree } from '../syntax/parse';
import { parseSyntax } from '../syntax/parse';
import { isInside } from './paths';

export interface WorkspaceFiles {
  /** The text of a file, undefined when there is none. Paths are absolute, with '/' (see paths.ts). */
  read(path: string): string | undefined;
  /** True when the folder exists (a namespace package is a folder of modules without __init__.py). */
  isFolder(path: string): boolean;
  /** The workspace's own Python files (not the libraries'): where the scripts that build a model are looked for. */
  list(): readonly string[];
}

export interface Workspace {
  files: WorkspaceFiles;
  /** Folders searched for absolute imports after the importing file's own folder: the workspace folder, its `src/`. */
  roots: readonly string[];
  /** The site-packages folders of a Python environment, searched last; their files are library code. */
  libraries: readonly string[];
  /** Parsed files by path and content, shared by every analysis that uses this workspace. */
  cache: ModuleCache;
}

/** A workspace held in memory: `texts` maps absolute paths to file texts. */
export function workspaceFromTexts(texts: ReadonlyMap<string, string> | Record<string, string>, options: { roots: readonly string[]; libraries?: readonly string[]; cache?: ModuleCache }): Workspace {
  const map = texts instanceof Map ? texts : new Map(Object.entries(texts));
  const libraries = options.libraries ?? [];
  const own = [...map.keys()].filter((p) => p.endsWith('.py') && !libraries.some((l) => isInside(p, l))).sort();
  return {
    files: {
      read: (path) => map.get(path),
      isFolder: (path) => [...map.keys()].some((p) => p !== path && isInside(p, path)),
      list: () => own,
    },
    roots: options.roots,
    libraries,
    cache: options.cache ?? new ModuleCache(),
  };
}

/**
 * Syntax trees of the workspace's files, kept per path with the text they were parsed from: a file
 * is parsed again only when its text changed. Trees are never modified after parsing, so
 * analyses share them. (Issue 12 may grow this into a cache of each module's evaluated names.)
 */
export class ModuleCache {
  private readonly trees = new Map<string, { text: string; tree: Tree }>();
  private readonly calls = new Map<string, { text: string; names: ReadonlySet<string> }>();

  /** The names a file calls (`UNet(`, `models.VGG(` gives VGG), read from its text once per content. */
  calledNames(path: string, text: string): ReadonlySet<string> {
    const cached = this.calls.get(path);
    if (cached && cached.text === text) return cached.names;
    const names = new Set<string>();
    // `class UNet(` and `def ResNet18(` define, they do not call.
    for (const m of text.matchAll(/(?<!\b(?:def|class)\s+)\b([A-Za-z_]\w*)\s*\(/g)) names.add(m[1]);
    // `EfficientNet.from_name('efficientnet-b0')`: a classmethod that builds the class calls it too.
    for (const m of text.matchAll(/(?<![\w.])([A-Za-z_]\w*)\s*\.\s*[A-Za-z_]\w*\s*\(/g)) names.add(m[1]);
    // `from model import Net as SuperResolution`, then `SuperResolution(3)`: that calls Net.
    for (const line of text.matchAll(/^[ \t]*(?:from\s+[\w.]+\s+)?import\b([^\n]*)$/gm)) {
      for (const m of line[1].matchAll(/\b([A-Za-z_]\w*)\s+as\s+([A-Za-z_]\w*)/g)) if (names.has(m[2])) names.add(m[1]);
    }
    this.calls.set(path, { text, names });
    return names;
  }

  /** The tree of `text` at `path`; `repair` may rewrite a text that does not parse (lines kept). */
  tree(path: string, text: string, repair?: (text: string) => string | null): Tree {
    const cached = this.trees.get(path);
    if (cached && cached.text === text) return cached.tree;
    let tree = parseSyntax(text, undefined, { file: path });
    if (tree.rootNode.hasError && repair) {
      const repaired = repair(text);
      if (repaired !== null) tree = parseSyntax(repaired, undefined, { file: path });
    }
    this.trees.set(path, { text, tree });
    return tree;
  }

  forget(path: string): void {
    this.trees.delete(path);
    this.calls.delete(path);
  }

  get size(): number {
    return this.trees.size;
  }
}
