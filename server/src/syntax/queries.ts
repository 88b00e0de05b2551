// The tree-sitter queries of grammars/models.scm, compiled once, and typed accessors for what
// they capture. Knows Python syntax, not frameworks.

import Parser from 'tree-sitter';
import Python from 'tree-sitter-python';
import modelsQuery from '../../../grammars/models.scm?raw';
import type { SyntaxNode, SyntaxTree } from './tree';

let compiled: Parser.Query | undefined;

function query(): Parser.Query {
  compiled ??= new Parser.Query(Python as unknown as Parser.Language, modelsQuery);
  return compiled;
}

function insideDefinition(node: SyntaxNode): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return true;
  return false;
}

/** Module-level `name = ...` assignments (also under `if __name__ == "__main__":`), by name; the last wins. */
export function moduleAssignments(tree: SyntaxTree): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  for (const m of query().matches(tree.native.rootNode, { maxStartDepth: 0 })) {
    const captured = m.captures.find((c) => c.name === 'assigned.name')?.node;
    const name = captured ? tree.nodeFor(captured) : undefined;
    if (name && !insideDefinition(name)) out.set(name.text, name);
  }
  return out;
}
