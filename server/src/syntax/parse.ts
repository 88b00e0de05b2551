// Parsing Python with tree-sitter (whichever binding the host installed, see binding.ts), and small
// typed helpers over syntax nodes. Knows Python, not frameworks. Parsing never fails: broken code
// gives a tree with ERROR nodes.

import type { Range } from '../analysis/result';
import { Cancelled, parser, type BindingTree } from './binding';
import { findModuleAssignments } from './queries';
import { copyTree, SyntaxNode, type SyntaxTree } from './tree';

export { SyntaxNode } from './tree';
export type { SyntaxTree as Tree } from './tree';

/** The bare tree-sitter parse; pass the previous tree (already edited) for an incremental re-parse. */
export function parsePython(text: string, oldTree?: BindingTree): BindingTree {
  return parser().parse(text, oldTree);
}

/**
 * Parses Python source into the plain syntax tree the engine works on. The binding's tree is
 * released at once unless `keepNative` is set: then the caller owns `tree.native` and releases it
 * (the language server keeps it to re-parse the next version incrementally). With `isCancelled`,
 * parsing and copying stop with Cancelled once it says yes.
 */
export function parseSyntax(text: string, oldTree?: BindingTree, keepNative = false, isCancelled?: () => boolean): SyntaxTree {
  const native = parser().parse(text, oldTree, isCancelled);
  let kept = false;
  try {
    const tree = syntaxTreeOf(native, text, isCancelled);
    kept = keepNative;
    return keepNative ? { ...tree, native } : tree;
  } finally {
    if (!kept) parser().release(native);
  }
}

/** The plain tree of a binding's tree (parsed from `text`) and its query results; `native` stays the caller's. */
export function syntaxTreeOf(native: BindingTree, text: string, isCancelled?: () => boolean): SyntaxTree {
  const binding = parser();
  const copied = copyTree(native, text, (cursor) => binding.releaseCursor(cursor), isCancelled);
  if (isCancelled?.()) throw new Cancelled();
  return { rootNode: copied.rootNode, moduleAssignments: findModuleAssignments(binding, native, copied.nodeFor) };
}

export function rangeOf(node: SyntaxNode): Range {
  return { line: node.startPosition.row, column: node.startPosition.column, endLine: node.endPosition.row, endColumn: node.endPosition.column };
}

export function field(node: SyntaxNode, name: string): SyntaxNode | null {
  return node.childForFieldName(name);
}

/** The named children, skipping comments. */
export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c) => c.type !== 'comment');
}
