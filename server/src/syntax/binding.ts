// The parser the engine runs on, whichever tree-sitter binding provides it: the native Node addon
// (`tree-sitter`, fastest, needs a binary for this platform) or the WebAssembly build
// (`web-tree-sitter` with tree-sitter-python's .wasm: runs anywhere, including the browser). Both
// parse the same grammar into the same trees, with positions in UTF-16 code units; this file names
// the small part of their APIs the engine uses, so that the rest of the core works with either.
//
// The host (the CLI, the language server, a worker, a test) chooses and loads a binding once, before
// the first analysis (server/src/platform/ does that for Node and for the browser), and installs it
// with useParser(). The core itself loads nothing and does no I/O.

export interface BindingPoint {
  row: number;
  column: number;
}

/** What a syntax node of either binding answers (the incremental copy and tests read these). */
export interface BindingNode {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly hasError: boolean;
  readonly descendantCount: number;
  toString(): string;
}

/** The cursor walk that copies a tree (syntax/tree.ts). */
export interface BindingCursor {
  readonly nodeTypeId: number;
  readonly nodeType: string;
  readonly nodeIsNamed: boolean;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly currentFieldId: number;
  readonly currentFieldName: string | null | undefined;
  /** The node the cursor is on (an incremental copy reads its descendantCount). */
  readonly currentNode: BindingNode;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
}

/** An edit in UTF-16 code units, rows split at '\n' (tree-sitter's own convention). */
export interface BindingEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: BindingPoint;
  oldEndPosition: BindingPoint;
  newEndPosition: BindingPoint;
}

export interface BindingTree {
  readonly rootNode: BindingNode;
  walk(): BindingCursor;
  edit(edit: BindingEdit): void;
}

export type ParserKind = 'native' | 'wasm';

/** Thrown when a parse or an analysis stops because its caller no longer wants it (a newer edit). */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export interface ParserBinding {
  readonly kind: ParserKind;
  /**
   * Parses the text; with `oldTree` (already edited to match the text) re-parses incrementally.
   * `isCancelled` is asked now and then while parsing; once it says yes the parse stops and
   * Cancelled is thrown.
   */
  parse(text: string, oldTree?: BindingTree, isCancelled?: () => boolean): BindingTree;
  /** Frees a tree (and its cursors): WebAssembly memory is not garbage collected; a no-op for the addon. */
  release(tree: BindingTree): void;
  /** Frees a cursor made by tree.walk(). */
  releaseCursor(cursor: BindingCursor): void;
}

let current: ParserBinding | undefined;

/** Installs the parser every later parse uses (the host calls this once, before any analysis). */
export function useParser(binding: ParserBinding): void {
  current = binding;
}

/** The installed parser; throws (a host's mistake, never the user's code) when none was installed. */
export function parser(): ParserBinding {
  if (!current) throw new Error('cnnshape: no parser loaded (the host must call loadParser() before analysing)');
  return current;
}

/** The installed parser's kind, or undefined before one is loaded. */
export function parserKind(): ParserKind | undefined {
  return current?.kind;
}
