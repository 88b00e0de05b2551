// What the command line analyses, read from disk: a Python file or a Jupyter notebook, turned into
// the Python text the core takes, and the way back from a position in that text to the place the
// user sees.
//
// - Python files: a UTF-8 byte order mark is dropped and a lone '\r' (old Mac line endings, which
//   Python accepts) becomes '\n'. Both keep every other character where it was.
// - Notebooks (.ipynb): the code cells, in order, joined with '\n' into one module (a notebook runs
//   its cells in one namespace). IPython's line magics and shell escapes (`%matplotlib inline`,
//   `!pip install ...`) become comments of the same length, and cells that a cell magic (`%%bash`)
//   hands to another language are left out. A place is `notebook.ipynb:cell 3:12:5`: the cell is
//   counted among all the notebook's cells (markdown ones too) from 1, the line within the cell.
// - Columns are counted in Unicode characters (code points) from 1, as Python's tracebacks do; the
//   core's columns are UTF-16 code units.

import { readFileSync } from 'node:fs';
import { notebookToPython, type NotebookCell } from './notebooks';

/** Where something in a source is, as the user sees it. `cell` is set for notebooks. */
export interface Place {
  /** The file as shown (relative to the working directory). */
  path: string;
  /** The notebook cell, counted from 1 among all cells; absent for Python files. */
  cell?: number;
  /** Line within the file (or the cell), from 1. */
  line: number;
  /** Column in code points, from 1. */
  column: number;
  /** For a notebook, the line of the .ipynb file that holds this cell line (for annotations on the file). */
  fileLine?: number;
}

export interface Source {
  /** The file as shown. */
  path: string;
  /** The file as found (named or walked), for reading and for the workspace. */
  file: string;
  kind: 'python' | 'notebook';
  /** The Python text given to the core. */
  text: string;
  /** The text's lines (split at '\n'), as the core counts them. */
  lines: string[];
  /** The user's place of a 0-based line and UTF-16 column of `text`. */
  place(line: number, column: number): Place;
  /** Why the source yields no Python (a notebook in another language); analysis is skipped. */
  skipReason?: string;
}

export class SourceError extends Error {}

/** Reads a Python file or a notebook; throws SourceError with a one-line reason when it cannot be used. */
export function readSource(file: string, shownPath: string): Source {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SourceError(systemReason(error));
  }
  return /\.ipynb$/i.test(file) ? notebookSource(raw, shownPath, file) : pythonSource(raw, shownPath, file);
}

/** A Python file's text: no byte order mark, every line ending '\n' or '\r\n'. */
export function normalisePython(raw: string): string {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

export function pythonSource(raw: string, shownPath: string, file = shownPath): Source {
  const text = normalisePython(raw);
  const lines = text.split('\n');
  return {
    path: shownPath,
    file,
    kind: 'python',
    text,
    lines,
    place: (line, column) => ({ path: shownPath, line: line + 1, column: codePointColumn(lines[line] ?? '', column) + 1 }),
  };
}

function notebookSource(raw: string, shownPath: string, file: string): Source {
  let converted: { text: string; cells: NotebookCell[]; skipReason?: string };
  try {
    converted = notebookToPython(normalisePython(raw));
  } catch (error) {
    throw new SourceError(`not a readable notebook: ${(error as Error).message}`);
  }
  const { text, cells } = converted;
  const lines = text.split('\n');
  return {
    path: shownPath,
    file,
    kind: 'notebook',
    text,
    lines,
    skipReason: converted.skipReason,
    place(line, column) {
      const cell = cells.find((c) => line >= c.firstLine && line < c.firstLine + c.lineCount) ?? cells[cells.length - 1];
      if (!cell) return { path: shownPath, line: line + 1, column: column + 1 };
      const inCell = Math.min(line - cell.firstLine, cell.lineCount - 1);
      return { path: shownPath, cell: cell.index + 1, line: inCell + 1, column: codePointColumn(lines[line] ?? '', column) + 1, fileLine: cell.fileLines[inCell] };
    },
  };
}

/** The number of code points in the first `utf16Column` code units of `line`. */
export function codePointColumn(line: string, utf16Column: number): number {
  let n = 0;
  const end = Math.min(utf16Column, line.length);
  for (let i = 0; i < end; i++) {
    const c = line.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < line.length) {
      const d = line.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n + Math.max(0, utf16Column - line.length);
}

/** `path:line:column`, or `path:cell N:line:column` in a notebook. */
export function formatPlace(p: Place): string {
  return p.cell === undefined ? `${p.path}:${p.line}:${p.column}` : `${p.path}:cell ${p.cell}:${p.line}:${p.column}`;
}

/** A file system error as a short reason: "permission denied", "a symbolic link loop", ... */
export function systemReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'a symbolic link loop';
    case 'EISDIR':
      return 'is a directory';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'EIO':
      return 'an input/output error';
    default:
      return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}
