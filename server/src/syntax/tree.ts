// A plain JavaScript copy of a tree-sitter syntax tree, made in one cursor walk.
//
// The interpreter visits the same nodes many times (a block's forward() runs once per block, a
// model is traced up to three times); every property read on a native tree-sitter node crosses into
// C++ (or into WebAssembly), which made the binding's tree the analysis's main cost. This copy
// answers the same questions (type, text, children, fields, positions) from plain objects; the
// binding's tree is needed only for the queries of grammars/ (run at parse time, see parse.ts) and
// for incremental re-parsing.

import { Cancelled, type BindingCursor, type BindingNode, type BindingTree } from './binding';

export interface Point {
  row: number;
  column: number;
}

const NO_CHILDREN: SyntaxNode[] = [];

export class SyntaxNode {
  /** The children in order; leaves share one empty array (most nodes are leaves). */
  children: SyntaxNode[] = NO_CHILDREN;
  parent: SyntaxNode | null = null;
  /** The field this node fills in its parent (`left`, `body`, ...), if any. */
  field: string | null = null;
  private named: SyntaxNode[] | undefined;
  private textCache: string | undefined;

  constructor(
    private readonly source: Source,
    readonly type: string,
    readonly isNamed: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly hasError: boolean,
  ) {}

  /** The path of the file this node was parsed from; undefined for the analysed text itself. */
  get file(): string | undefined {
    return this.source.file;
  }

  get text(): string {
    this.textCache ??= this.source.text.slice(this.startIndex, this.endIndex);
    return this.textCache;
  }

  /** Line and column (UTF-16 code units, as LSP counts them), computed on demand. */
  get startPosition(): Point {
    return this.source.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.source.point(this.endIndex);
  }

  get namedChildren(): SyntaxNode[] {
    this.named ??= this.children === NO_CHILDREN ? NO_CHILDREN : this.children.filter((c) => c.isNamed);
    return this.named;
  }

  childForFieldName(name: string): SyntaxNode | null {
    for (const c of this.children) if (c.field === name) return c;
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    return this.children.filter((c) => c.field === name);
  }

  descendantsOfType(type: string): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    const stack: SyntaxNode[] = [this];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.type === type) out.push(n);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
    }
    return out;
  }
}

/** Where a node is, for messages: `line 12` in the analysed file, `blocks.py:12` in another file of the workspace. */
export function lineLabel(node: SyntaxNode): string {
  const line = node.startPosition.row + 1;
  const file = node.file;
  return file === undefined ? `line ${line}` : `${file.slice(file.lastIndexOf('/') + 1)}:${line}`;
}

export interface SyntaxTree {
  rootNode: SyntaxNode;
  /**
   * The binding's tree, kept only when the parse asked for it (the language server re-parses
   * incrementally from it); whoever asked releases it (parser().release) when done with it.
   */
  native?: BindingTree;
  /** Module-level `name = ...` assignments, by name (grammars/models.scm, run at parse time). */
  moduleAssignments: Map<string, SyntaxNode>;
}

/** A copied tree's root, and how to find the copy of one of the binding's nodes (a query capture). */
export interface CopiedTree {
  rootNode: SyntaxNode;
  nodeFor(native: BindingNode): SyntaxNode | undefined;
}

/** The source text with its line starts, to turn offsets into positions. */
class Source {
  private readonly lineStarts: number[] = [0];
  constructor(
    readonly text: string,
    readonly file: string | undefined,
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  point(index: number): Point {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: index - this.lineStarts[lo] };
  }
}

/** Per grammar symbol: its type name and whether it is named (the same for every node of that symbol). */
const typeInfo: { type: string; named: boolean }[] = [];
const fieldNames: (string | null)[] = [];

/** How to copy: the cursor's release, the cancellation check, and the workspace file the text came from. */
export interface CopyOptions {
  releaseCursor?: (cursor: BindingCursor) => void;
  isCancelled?: () => boolean;
  /** The path of another file of the workspace; undefined for the analysed text itself. */
  file?: string;
}

/** Copies a binding's tree into plain objects, walking it once with a cursor (released afterwards). */
export function copyTree(native: BindingTree, text: string, options: CopyOptions = {}): CopiedTree {
  const cursor = native.walk();
  let rootNode: SyntaxNode;
  try {
    rootNode = copyNodes(native, cursor, new Source(text, options.file), options.isCancelled);
  } finally {
    options.releaseCursor?.(cursor);
  }
  return { rootNode, nodeFor: (n) => findNode(rootNode, n.startIndex, n.endIndex, n.type) };
}

/** Nodes copied between two questions to `isCancelled`. */
const CANCEL_CHECK_NODES = 65536;

function copyNodes(native: BindingTree, cursor: BindingCursor, source: Source, isCancelled?: () => boolean): SyntaxNode {
  let sinceCheck = 0;
  // Type, named-ness and field names are looked up by their numeric ids, read once per id: the
  // string getters of the cursor cost a crossing into C++ and a new string for every node.
  const make = (): SyntaxNode => {
    const typeId = cursor.nodeTypeId;
    let info = typeInfo[typeId];
    if (!info) info = typeInfo[typeId] = { type: cursor.nodeType, named: cursor.nodeIsNamed };
    return new SyntaxNode(source, info.type, info.named, cursor.startIndex, cursor.endIndex, info.type === 'ERROR');
  };
  const fieldName = (): string | null => {
    const id = cursor.currentFieldId;
    if (!id) return null;
    let name = fieldNames[id];
    if (name === undefined) name = fieldNames[id] = cursor.currentFieldName ?? null;
    return name;
  };
  const root = make();
  // Iterative pre-order walk: deeply nested code must not overflow the stack. The stack holds the
  // ancestors of the cursor's node.
  const stack: SyntaxNode[] = [root];
  if (cursor.gotoFirstChild()) {
    for (;;) {
      if (isCancelled && ++sinceCheck === CANCEL_CHECK_NODES) {
        sinceCheck = 0;
        if (isCancelled()) throw new Cancelled();
      }
      const parent = stack[stack.length - 1];
      const node = make();
      node.parent = parent;
      node.field = fieldName();
      if (parent.children === NO_CHILDREN) parent.children = [node];
      else parent.children.push(node);
      if (cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) break;
        stack.pop();
        if (stack.length === 0) break;
      }
      if (stack.length === 0) break;
    }
  }
  (root as unknown as { hasError: boolean }).hasError = native.rootNode.hasError;
  return root;
}

/** The node with this range and type, found by descending from the root. */
function findNode(root: SyntaxNode, start: number, end: number, type: string): SyntaxNode | undefined {
  let n: SyntaxNode | undefined = root;
  while (n) {
    if (n.startIndex === start && n.endIndex === end && n.type === type) return n;
    n = n.children.find((c) => c.startIndex <= start && c.endIndex >= end && !(c.startIndex === c.endIndex && start !== end));
  }
  return undefined;
}
