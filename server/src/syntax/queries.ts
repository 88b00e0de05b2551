// The module-level assignments of a file (`model = nn.Sequential(...)`, `net = keras.Model(a, b)`,
// also under a module-level `if`: `if __name__ == "__main__": model = Net()`), read from the plain
// tree the first time they are asked for. Knows Python syntax, not frameworks.
//
// These were once a tree-sitter query (grammars/models.scm) run at every parse: compiling a query
// over the Python grammar takes tens of milliseconds, a large part of a short command's start, for
// what two loops over the module's statements find.

import type { SyntaxNode, SyntaxTree } from './tree';

const found = new WeakMap<SyntaxNode, Map<string, SyntaxNode>>();

/**
 * Module-level `name = ...` assignments (statements of the module, and of the first branch of a
 * module-level `if`), by name, each the assigned name's node; the last one in the text wins.
 */
export function moduleAssignments(tree: SyntaxTree): Map<string, SyntaxNode> {
  const root = tree.rootNode;
  let out = found.get(root);
  if (out) return out;
  out = new Map<string, SyntaxNode>();
  if (root.type === 'module') {
    for (const statement of root.children) {
      if (statement.type === 'expression_statement') addAssigned(statement, out);
      else if (statement.type === 'if_statement') {
        const consequence = statement.childForFieldName('consequence');
        if (consequence?.type === 'block') for (const inner of consequence.children) if (inner.type === 'expression_statement') addAssigned(inner, out);
      }
    }
  }
  found.set(root, out);
  return out;
}

/** The names an expression statement's plain assignments (`name = ...`, `name: T = ...`) bind. */
function addAssigned(statement: SyntaxNode, out: Map<string, SyntaxNode>): void {
  for (const assignment of statement.children) {
    if (assignment.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    if (left?.type === 'identifier') out.set(left.text, left);
  }
}
