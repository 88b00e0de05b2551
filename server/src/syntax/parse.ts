// Parsing Python with tree-sitter (whichever binding the host installed, see binding.ts), and small
// typed helpers over syntax nodes. Knows Python, not frameworks. Parsing never fails: broken code
// gives a tree with ERROR nodes.

import type { Range } from '../analysis/result';
import { Cancelled, parser, type BindingTree } from './binding';
import { copyTree, SyntaxNode, type CopyOptions, type SyntaxTree } from './tree';

export { SyntaxNode } from './tree';
export type { SyntaxTree as Tree } from './tree';

/** The bare tree-sitter parse; pass the previous tree (already edited) for an incremental re-parse. */
export function parsePython(text: string, oldTree?: BindingTree): BindingTree {
  return parser().parse(text, oldTree);
}

/** How to parse: keep the binding's tree, stop when cancelled, name the workspace file the text came from. */
export interface ParseOptions {
  /** Keep `tree.native` for an incremental re-parse; the caller then releases it (parser().release). */
  keepNative?: boolean;
  /** Asked now and then; once it says yes, parsing and copying stop with Cancelled. */
  isCancelled?: () => boolean;
  /** The path of another file of the workspace; undefined for the analysed text itself. */
  file?: string;
  /** The plain tree of the text before one edit, and the edit: what the edit left alone is moved, not copied (tree.ts). */
  previous?: CopyOptions['previous'];
}

/**
 * Parses Python source into the plain syntax tree the engine works on. The binding's tree is
 * released at once unless `keepNative` is set (the language server keeps it to re-parse the next
 * version incrementally).
 */
export function parseSyntax(text: string, oldTree?: BindingTree, options: ParseOptions = {}): SyntaxTree {
  const native = parser().parse(text, oldTree, options.isCancelled);
  let kept = false;
  try {
    const tree = syntaxTreeOf(native, text, options);
    kept = options.keepNative === true;
    return kept ? { ...tree, native } : tree;
  } finally {
    if (!kept) parser().release(native);
  }
}

/** The plain tree of a binding's tree (parsed from `text`); `native` stays the caller's. */
export function syntaxTreeOf(native: BindingTree, text: string, options: Omit<ParseOptions, 'keepNative'> = {}): SyntaxTree {
  const binding = parser();
  const rootNode = copyTree(native, text, { releaseCursor: (cursor) => binding.releaseCursor(cursor), isCancelled: options.isCancelled, file: options.file, previous: options.previous });
  if (options.isCancelled?.()) throw new Cancelled();
  return { rootNode };
}

export function rangeOf(node: SyntaxNode): Range {
  // Each position is a search over the line starts: computed once each.
  const start = node.startPosition;
  const end = node.endPosition;
  return { line: start.row, column: start.column, endLine: end.row, endColumn: end.column };
}

export function field(node: SyntaxNode, name: string): SyntaxNode | null {
  return node.childForFieldName(name);
}

/** The named children, skipping comments. */
export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c) => c.type !== 'comment');
}
