// The tree-sitter queries of grammars/models.scm, compiled once per parser binding, run over the
// binding's tree when a file is parsed (parse.ts), and typed accessors for what they capture.
// Knows Python syntax, not frameworks.

import modelsQuery from '../../../grammars/models.scm?raw';
import type { BindingNode, BindingQuery, BindingTree, ParserBinding } from './binding';
import type { SyntaxNode, SyntaxTree } from './tree';

const compiled = new WeakMap<ParserBinding, BindingQuery>();

function query(binding: ParserBinding): BindingQuery {
  let q = compiled.get(binding);
  if (!q) compiled.set(binding, (q = binding.query(modelsQuery)));
  return q;
}

function insideDefinition(node: SyntaxNode): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return true;
  return false;
}

/** Runs the assignment patterns over a freshly parsed tree; `nodeFor` finds the copy of a capture. */
export function findModuleAssignments(binding: ParserBinding, native: BindingTree, nodeFor: (n: BindingNode) => SyntaxNode | undefined): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  for (const m of query(binding).matches(native.rootNode, { maxStartDepth: 0 })) {
    const captured = m.captures.find((c) => c.name === 'assigned.name')?.node;
    const name = captured ? nodeFor(captured) : undefined;
    if (name && !insideDefinition(name)) out.set(name.text, name);
  }
  return out;
}

/** Module-level `name = ...` assignments (also under `if __name__ == "__main__":`), by name; the last wins. */
export function moduleAssignments(tree: SyntaxTree): Map<string, SyntaxNode> {
  return tree.moduleAssignments;
}
