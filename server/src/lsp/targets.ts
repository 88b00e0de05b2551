// What the server analyses: an open Python file, or a whole notebook seen as one virtual document
// (see notebooks.ts). Features work in the coordinates of the analysed text and map back to the
// real documents through the target, so none of them needs to know about notebooks.
// This file and its neighbours are the only place where analysis ranges become LSP ranges; the
// two are both 0-based lines and columns, so they map one to one.

import type { Position, Range as LspRange } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from '../analysis/result';

/** A range in a real document (a file, or a notebook cell). */
export interface DocumentRange {
  uri: string;
  range: LspRange;
}

export interface AnalysisTarget {
  /** The cache key: the file's URI, or the notebook's URI. */
  readonly key: string;
  readonly version: number;
  /** The text given to analyze(). */
  readonly text: string;
  /** The documents that receive diagnostics (the file, or every Python cell). */
  readonly documentUris: readonly string[];
  /** Maps a range of the analysed text to a real document; undefined when it falls outside them. */
  toDocument(range: Range): DocumentRange | undefined;
  /** Maps a position in a real document to the analysed text; undefined for a foreign document. */
  toAnalysed(uri: string, position: Position): Position | undefined;
  /** The current text of a real document that belongs to this target. */
  documentText(uri: string): string | undefined;
  /**
   * How a message shown in document `uri` names line `line` (0-based) of the analysed text; absent
   * where the analysed text is the document (a file: messages keep their `line N`).
   */
  lineLabel?(line: number, uri: string): string | undefined;
}

/** A message with each `line N` of the analysed text as the document it is shown in counts it. */
export function relabelLines(message: string, target: AnalysisTarget, uri: string): string {
  const label = target.lineLabel;
  if (!label) return message;
  return message.replace(/\bline (\d+)\b/g, (whole, n: string) => label(Number(n) - 1, uri) ?? whole);
}

export function toLspRange(range: Range): LspRange {
  return {
    start: { line: range.line, character: range.column },
    end: { line: range.endLine, character: range.endColumn },
  };
}

export function fromLspRange(range: LspRange): Range {
  return { line: range.start.line, column: range.start.character, endLine: range.end.line, endColumn: range.end.character };
}

/** True when the position lies inside the range, both ends included (a cursor right after a name still hovers it). */
export function rangeContains(range: Range, position: Position): boolean {
  if (position.line < range.line || position.line > range.endLine) return false;
  if (position.line === range.line && position.character < range.column) return false;
  if (position.line === range.endLine && position.character > range.endColumn) return false;
  return true;
}

/** A rough size used to prefer the innermost of several ranges around a position. */
export function rangeSize(range: Range): number {
  return (range.endLine - range.line) * 100000 + (range.endColumn - range.column);
}

export function textDocumentTarget(document: TextDocument): AnalysisTarget {
  return {
    key: document.uri,
    version: document.version,
    text: document.getText(),
    documentUris: [document.uri],
    // A range in another file of the workspace is OUTSIDE (see analysis/view.ts): no place here.
    toDocument: (range) => (range.line < 0 ? undefined : { uri: document.uri, range: toLspRange(range) }),
    toAnalysed: (uri, position) => (uri === document.uri ? position : undefined),
    documentText: (uri) => (uri === document.uri ? document.getText() : undefined),
  };
}
