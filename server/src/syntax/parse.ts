// Parsing Python with tree-sitter, and small typed helpers over syntax nodes.
// Knows Python, not frameworks. Parsing never fails: broken code gives a tree with ERROR nodes.

import Parser from 'tree-sitter';
import Python from 'tree-sitter-python';
import type { Range } from '../analysis/result';
import { copyTree, SyntaxNode, type SyntaxTree } from './tree';

export { SyntaxNode } from './tree';
export type { SyntaxTree as Tree } from './tree';

let parser: Parser | undefined;

function getParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(Python as unknown as Parser.Language);
  }
  return parser;
}

/** The bare tree-sitter parse; pass the previous tree (already edited) for an incremental re-parse. */
export function parsePython(text: string, oldTree?: Parser.Tree): Parser.Tree {
  // The Node binding reads the text in chunks; a buffer larger than the text avoids its 32 KiB default limit.
  return getParser().parse(text, oldTree, { bufferSize: Math.max(64 * 1024, text.length * 2 + 1) });
}

/** Parses Python source into the plain syntax tree the engine works on; `file` is the path of another file of the workspace. */
export function parseSyntax(text: string, oldTree?: Parser.Tree, file?: string): SyntaxTree {
  return copyTree(parsePython(text, oldTree), text, file);
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
