// A plain JavaScript copy of a tree-sitter syntax tree, made in one cursor walk.
//
// The interpreter visits the same nodes many times (a block's forward() runs once per block, a
// model is traced up to three times); every property read on a native tree-sitter node crosses into
// C++ (or into WebAssembly), which made the binding's tree the analysis's main cost. This copy
// answers the same questions (type, text, children, fields, positions) from plain objects; the
// binding's tree is needed only for incremental re-parsing.

import { Cancelled, type BindingCursor, type BindingTree } from './binding';
import { TYPES_WITH_FIELDS } from './fields';

export interface Point {
  row: number;
  column: number;
}

const NO_CHILDREN: SyntaxNode[] = [];

/** The roots of trees with errors (a flag on every node would cost each node a field). */
const erroneousRoots = new WeakSet<SyntaxNode>();

export class SyntaxNode {
  // The fields are assigned in the constructor only, in one order, and declared without class-field
  // initializers: a tree holds hundreds of thousands of nodes, and a field initializer defines each
  // property anew on every object before the constructor writes it (about a third of the copy's
  // JavaScript time).
  /** The children in order; leaves share one empty array (most nodes are leaves). */
  declare children: SyntaxNode[];
  declare parent: SyntaxNode | null;
  /** The field this node fills in its parent (`left`, `body`, ...), if any. */
  declare field: string | null;
  /** The text this node lies in; replaced (with the offsets) when an incremental copy reuses the node. */
  private declare source: Source;
  declare readonly type: string;
  declare readonly isNamed: boolean;
  declare startIndex: number;
  declare endIndex: number;
  private declare named: SyntaxNode[] | undefined;
  private declare textCache: string | undefined;

  constructor(source: Source, type: string, isNamed: boolean, startIndex: number, endIndex: number) {
    this.children = NO_CHILDREN;
    this.parent = null;
    this.field = null;
    this.source = source;
    this.type = type;
    this.isNamed = isNamed;
    this.startIndex = startIndex;
    this.endIndex = endIndex;
    this.named = undefined;
    this.textCache = undefined;
  }

  /** True for an ERROR node, and for a root whose tree holds errors anywhere (tree-sitter's hasError, which only a root is asked). */
  get hasError(): boolean {
    return this.type === 'ERROR' || erroneousRoots.has(this);
  }

  /** Moves this subtree into a new text whose content here is the same, `delta` code units on. */
  moveTo(source: Source, delta: number): void {
    const stack: SyntaxNode[] = [this];
    while (stack.length) {
      const n = stack.pop()!;
      n.source = source;
      n.startIndex += delta;
      n.endIndex += delta;
      for (let i = 0; i < n.children.length; i++) stack.push(n.children[i]);
    }
  }

  /**
   * A node of this one's type, text and range whose children are some of this node's, in order
   * (their parent stays this node): a module of some of a file's statements (analysis/parts.ts).
   */
  withSomeChildren(children: SyntaxNode[]): SyntaxNode {
    const node = new SyntaxNode(this.source, this.type, this.isNamed, this.startIndex, this.endIndex);
    node.children = children.length ? children : NO_CHILDREN;
    return node;
  }

  /** How many nodes this subtree holds, itself included (tree-sitter's descendantCount). */
  countNodes(): number {
    let count = 0;
    const stack: SyntaxNode[] = [this];
    while (stack.length) {
      const n = stack.pop()!;
      count++;
      for (let i = 0; i < n.children.length; i++) stack.push(n.children[i]);
    }
    return count;
  }

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

  /** The named children, without the `\` line continuations the grammar places among them anywhere (`f(a, \⏎ b)`). */
  get namedChildren(): SyntaxNode[] {
    this.named ??= this.children === NO_CHILDREN ? NO_CHILDREN : this.children.filter((c) => c.isNamed && c.type !== 'line_continuation');
    return this.named;
  }

  childForFieldName(name: string): SyntaxNode | null {
    const children = this.children;
    for (let i = 0; i < children.length; i++) if (children[i].field === name) return children[i];
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    const children = this.children;
    for (let i = 0; i < children.length; i++) if (children[i].field === name) out.push(children[i]);
    return out;
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
  /** For a module of some of a file's statements (SyntaxNode.withSomeChildren): the whole file's root, which their parents lead to. */
  whole?: SyntaxNode;
}

/** The source text with its line starts, to turn offsets into positions. */
export class Source {
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

/**
 * Per grammar symbol: its type name and whether it is named (the same for every node of that symbol);
 * whether its children can fill fields (only the types the grammar gives fields: the other nodes'
 * children are not asked, a crossing into the binding saved per node); and whether it is a token
 * whose text is its type (an anonymous node without a space: a keyword, an operator, punctuation;
 * not the aliased `is not` / `not in`, which hold two tokens and any spaces between them).
 */
interface TypeInfo {
  type: string;
  named: boolean;
  hasFields: boolean;
  token: boolean;
}
const typeInfo: TypeInfo[] = [];

/**
 * The same text as the engine's string literals hold: a property key, which the runtime keeps once
 * per text. The binding hands out a new string for each type and field name; compared with a
 * literal (`node.type === 'call'`, `childForFieldName('function')`) such a string is compared
 * character by character, an interned one by its identity.
 */
function interned(text: string): string {
  return Object.keys({ [text]: 0 })[0] ?? text;
}

function infoOf(cursor: BindingCursor): TypeInfo {
  const typeId = cursor.nodeTypeId;
  let info = typeInfo[typeId];
  if (!info) {
    const type = interned(cursor.nodeType);
    const named = cursor.nodeIsNamed;
    info = typeInfo[typeId] = { type, named, hasFields: TYPES_WITH_FIELDS.has(type), token: !named && type.length > 0 && !type.includes(' ') };
  }
  return info;
}
const fieldNames: (string | null)[] = [];

/** How to copy: the cursor's release, the cancellation check, and the workspace file the text came from. */
export interface CopyOptions {
  releaseCursor?: (cursor: BindingCursor) => void;
  isCancelled?: () => boolean;
  /** The path of another file of the workspace; undefined for the analysed text itself. */
  file?: string;
  /**
   * The plain tree of the text before one edit, and that edit (the binding's tree was re-parsed
   * incrementally from it): its top-level statements that the edit did not touch are moved into
   * the new tree instead of copied again. That old tree is consumed: its nodes now belong to the new one.
   */
  previous?: { root: SyntaxNode; edit: { startIndex: number; oldEndIndex: number; newEndIndex: number } };
}

/** Copies a binding's tree into plain objects, walking it once with a cursor (released afterwards). */
export function copyTree(native: BindingTree, text: string, options: CopyOptions = {}): SyntaxNode {
  const cursor = native.walk();
  let rootNode: SyntaxNode;
  try {
    const hasError = native.rootNode.hasError;
    const copier = new Copier(cursor, new Source(text, options.file), !hasError, options.isCancelled);
    const previous = options.previous;
    rootNode = previous && !previous.root.hasError && !hasError ? copier.copyReusing(previous.root, previous.edit) : copier.copyHere();
    if (hasError) erroneousRoots.add(rootNode);
  } finally {
    options.releaseCursor?.(cursor);
  }
  return rootNode;
}

/**
 * The node counts of the top-level statements an incremental copy compared, kept with each node: a
 * statement the edits leave alone is compared again at each edit, and moving it keeps its count.
 */
const nodeCounts = new WeakMap<SyntaxNode, number>();

function nodeCountOf(node: SyntaxNode): number {
  let count = nodeCounts.get(node);
  if (count === undefined) nodeCounts.set(node, (count = node.countNodes()));
  return count;
}

/** Nodes copied between two questions to `isCancelled`. */
const CANCEL_CHECK_NODES = 65536;

class Copier {
  private sinceCheck = 0;

  constructor(
    private readonly cursor: BindingCursor,
    private readonly source: Source,
    /**
     * The tree has no error: every token is where the grammar puts it, none is MISSING (zero-width),
     * so a token's end is its start plus its type's length and it has no children.
     */
    private readonly errorFree: boolean,
    private readonly isCancelled?: () => boolean,
  ) {}

  // Type, named-ness and field names are looked up by their numeric ids, read once per id: the
  // string getters of the cursor cost a crossing into C++ and a new string for every node.
  private make(info: TypeInfo): SyntaxNode {
    const cursor = this.cursor;
    const start = cursor.startIndex;
    return new SyntaxNode(this.source, info.type, info.named, start, this.errorFree && info.token ? start + info.type.length : cursor.endIndex);
  }

  private fieldName(): string | null {
    const cursor = this.cursor;
    const id = cursor.currentFieldId;
    if (!id) return null;
    let name = fieldNames[id];
    if (name === undefined) {
      const read = cursor.currentFieldName;
      name = fieldNames[id] = read ? interned(read) : null;
    }
    return name;
  }

  /** Copies the cursor's node and everything under it; the cursor ends on that node again. */
  copyHere(): SyntaxNode {
    const cursor = this.cursor;
    const isCancelled = this.isCancelled;
    const errorFree = this.errorFree;
    const topInfo = infoOf(cursor);
    const top = this.make(topInfo);
    // Iterative pre-order walk: deeply nested code must not overflow the stack. The stack holds the
    // ancestors of the cursor's node. Each ancestor's children gather in the scratch list of its
    // depth and are copied into an array of their exact number once the last is made: an array
    // grown by push keeps room for 17 or more, and most nodes have one to three children.
    // Whether the children of each ancestor can fill fields (in an erroneous tree, every node's are asked).
    const stack: SyntaxNode[] = [top];
    const fielded: boolean[] = [!errorFree || topInfo.hasFields];
    const scratch = this.scratch;
    const counts = this.counts;
    counts[0] = 0;
    if ((errorFree && topInfo.token) || !cursor.gotoFirstChild()) return top;
    for (;;) {
      if (isCancelled && ++this.sinceCheck === CANCEL_CHECK_NODES) {
        this.sinceCheck = 0;
        if (isCancelled()) throw new Cancelled();
      }
      const depth = stack.length - 1;
      const info = infoOf(cursor);
      const node = this.make(info);
      node.parent = stack[depth];
      if (fielded[depth]) node.field = this.fieldName();
      (scratch[depth] ??= [])[counts[depth]++] = node;
      if (!(errorFree && info.token) && cursor.gotoFirstChild()) {
        stack.push(node);
        fielded[depth + 1] = !errorFree || info.hasFields;
        counts[depth + 1] = 0;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        // The node on top of the stack has all its children.
        const last = stack.length - 1;
        stack[last].children = scratch[last].slice(0, counts[last]);
        if (!cursor.gotoParent()) return top;
        stack.pop();
        if (stack.length === 0) return top;
      }
    }
  }

  /** The children gathered so far at each depth of the walk (reused from one parent to the next). */
  private readonly scratch: SyntaxNode[][] = [];
  private readonly counts: number[] = [];

  /**
   * Copies the root (the cursor's node) with its top-level statements, moving in those of the old
   * tree that lie wholly before or after the edit with the same type, range (shifted by the edit)
   * and number of nodes: their text is the same, and in a tree without errors a top-level
   * statement's subtree depends on its text alone. The others are copied.
   */
  copyReusing(oldRoot: SyntaxNode, edit: { startIndex: number; oldEndIndex: number; newEndIndex: number }): SyntaxNode {
    const cursor = this.cursor;
    const root = this.make(infoOf(cursor));
    if (!cursor.gotoFirstChild()) return root;
    const delta = edit.newEndIndex - edit.oldEndIndex;
    const old = oldRoot.children;
    let o = 0;
    const children: SyntaxNode[] = [];
    do {
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      let node: SyntaxNode | undefined;
      const before = end < edit.startIndex;
      const after = start > edit.newEndIndex;
      if (before || after) {
        const oldStart = after ? start - delta : start;
        const oldEnd = after ? end - delta : end;
        while (o < old.length && old[o].startIndex < oldStart) o++;
        const candidate = old[o];
        if (candidate && candidate.startIndex === oldStart && candidate.endIndex === oldEnd && candidate.type === typeInfo[cursor.nodeTypeId]?.type && candidate.field === this.fieldName()) {
          if (nodeCountOf(candidate) === cursor.currentNode.descendantCount) {
            candidate.moveTo(this.source, after ? delta : 0);
            node = candidate;
            o++;
          }
        }
      }
      if (!node) {
        node = this.copyHere();
        node.field = this.fieldName();
      }
      node.parent = root;
      children.push(node);
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
    root.children = children.length ? children : NO_CHILDREN;
    return root;
  }
}
