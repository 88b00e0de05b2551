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

/** The packages whose names a workspace file never defines: a call qualified by one of them is theirs. */
const FRAMEWORK_PACKAGES = new Set(['torch', 'torchvision', 'tensorflow', 'keras', 'tf_keras', 'numpy', 'einops', 'jax', 'flax', 'math']);

/**
 * The names a file binds to those packages or their members by its imports (`import torch.nn as
 * nn`, `from torch import nn`, `import numpy as np`), with the usual spellings (`torch`, `nn`, `F`,
 * `tf`, `np`) taken as theirs even where the import is out of sight.
 */
function frameworkAliases(text: string): Set<string> {
  const out = new Set(['torch', 'nn', 'F', 'tf', 'np', 'keras']);
  const root = (module: string) => module.split('.')[0];
  for (const m of text.matchAll(/^[ \t]*import[ \t]+([^\n#]+)/gm)) {
    for (const part of m[1].split(',')) {
      const p = /^\s*([\w.]+)(?:\s+as\s+(\w+))?\s*$/.exec(part);
      if (p && FRAMEWORK_PACKAGES.has(root(p[1]))) out.add(p[2] ?? root(p[1]));
    }
  }
  for (const m of text.matchAll(/^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+\(?([^\n#)]+)/gm)) {
    if (!FRAMEWORK_PACKAGES.has(root(m[1]))) continue;
    for (const part of m[2].split(',')) {
      const p = /^\s*(\w+)(?:\s+as\s+(\w+))?\s*$/.exec(part);
      if (p) out.add(p[2] ?? p[1]);
    }
  }
  return out;
}

/**
 * Syntax trees of the workspace's files, kept per path with the text they were parsed from: a file
 * is parsed again only when its text changed. Trees are never modified after parsing, so
 * analyses share them. (Issue 12 may grow this into a cache of each module's evaluated names.)
 */
export class ModuleCache {
  private readonly trees = new Map<string, { text: string; tree: Tree }>();
  private readonly calls = new Map<string, { text: string; names: ReadonlySet<string> }>();
  private readonly defined = new Map<string, { text: string; names: ReadonlySet<string> }>();

  /** The names a file calls (`UNet(`, `models.VGG(` gives VGG), read from its text once per content. */
  calledNames(path: string, text: string): ReadonlySet<string> {
    const cached = this.calls.get(path);
    if (cached && cached.text === text) return cached.names;
    const names = new Set<string>();
    const frameworks = frameworkAliases(text);
    // `class UNet(` and `def ResNet18(` define, they do not call; `nn.LayerNorm(` calls the
    // framework's LayerNorm, not a class of that name in the workspace.
    for (const m of text.matchAll(/(?<!\b(?:def|class)\s+)(?<![\w.]\s*)((?:[A-Za-z_]\w*\s*\.\s*)*)([A-Za-z_]\w*)\s*\(/g)) {
      const qualifier = /^[A-Za-z_]\w*/.exec(m[1])?.[0];
      if (qualifier === undefined || !frameworks.has(qualifier)) names.add(m[2]);
    }
    // `EfficientNet.from_name('efficientnet-b0')`: a classmethod that builds the class calls it too.
    for (const m of text.matchAll(/(?<![\w.])([A-Za-z_]\w*)\s*\.\s*[A-Za-z_]\w*\s*\(/g)) names.add(m[1]);
    // `from model import Net as SuperResolution`, then `SuperResolution(3)`: that calls Net.
    for (const line of text.matchAll(/^[ \t]*(?:from\s+[\w.]+\s+)?import\b([^\n]*)$/gm)) {
      for (const m of line[1].matchAll(/\b([A-Za-z_]\w*)\s+as\s+([A-Za-z_]\w*)/g)) if (names.has(m[2])) names.add(m[1]);
    }
    this.calls.set(path, { text, names });
    return names;
  }

  /**
   * The names a file defines at its top level (`class FeedForward(`, `def conv_bn(`), read from its
   * text once per content: its calls of those names call its own, not another file's.
   */
  definedNames(path: string, text: string): ReadonlySet<string> {
    const cached = this.defined.get(path);
    if (cached && cached.text === text) return cached.names;
    const names = new Set<string>();
    for (const m of text.matchAll(/^(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_]\w*)/gm)) names.add(m[1]);
    this.defined.set(path, { text, names });
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
