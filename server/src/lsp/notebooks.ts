// Notebooks: a Jupyter notebook is analysed as a whole. Its Python code cells, in order, are joined
// with newlines into one virtual document; every diagnostic, hover and hint found in it is mapped
// back to its cell by line offsets, and messages count lines within cells. Markdown cells and cells
// of other languages are left out.
// The cells arrive through LSP notebook document sync (vscode-languageserver's NotebookDocuments);
// server.ts owns that collection, this file only builds the virtual document.

import { NotebookCellKind, type NotebookDocument, type NotebookDocumentSyncOptions } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisTarget } from './targets';
import { toLspRange } from './targets';

export const notebookDocumentSyncOptions: NotebookDocumentSyncOptions = {
  notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }] }],
};

interface PlacedCell {
  uri: string;
  /** Its place among all the notebook's cells, from 1 (Markdown cells count, as the editor shows them). */
  number: number;
  document: TextDocument;
  /** The line of the virtual document where this cell starts. */
  firstLine: number;
  lineCount: number;
}

export function notebookTarget(
  notebook: NotebookDocument,
  cellDocument: (cellUri: string) => TextDocument | undefined,
): AnalysisTarget {
  const cells: PlacedCell[] = [];
  const texts: string[] = [];
  let nextLine = 0;
  for (const [index, cell] of notebook.cells.entries()) {
    if (cell.kind !== NotebookCellKind.Code) continue;
    const document = cellDocument(cell.document);
    if (!document || document.languageId !== 'python') continue;
    const text = document.getText();
    const lineCount = text.split('\n').length;
    cells.push({ uri: cell.document, number: index + 1, document, firstLine: nextLine, lineCount });
    texts.push(text);
    nextLine += lineCount;
  }
  const cellAtLine = (line: number) => cells.find((c) => line >= c.firstLine && line < c.firstLine + c.lineCount);

  return {
    key: notebook.uri,
    version: notebook.version,
    text: texts.join('\n'),
    documentUris: cells.map((c) => c.uri),
    toDocument(range) {
      const cell = cellAtLine(range.line);
      if (!cell) return undefined;
      const lastLine = cell.firstLine + cell.lineCount - 1;
      // A range running past its cell is cut at the cell's end.
      const endInside = range.endLine <= lastLine;
      const shifted = toLspRange({
        line: range.line - cell.firstLine,
        column: range.column,
        endLine: (endInside ? range.endLine : lastLine) - cell.firstLine,
        endColumn: endInside ? range.endColumn : cell.document.getText().split('\n')[cell.lineCount - 1].length,
      });
      return { uri: cell.uri, range: shifted };
    },
    toAnalysed(uri, position) {
      const cell = cells.find((c) => c.uri === uri);
      return cell ? { line: position.line + cell.firstLine, character: position.character } : undefined;
    },
    documentText: (uri) => cells.find((c) => c.uri === uri)?.document.getText(),
    // Lines count within each cell: `line 7` in the cell itself, `line 2 of cell 3` from another.
    lineLabel(line, uri) {
      const cell = cellAtLine(line);
      if (!cell) return undefined;
      const within = `line ${line - cell.firstLine + 1}`;
      return cell.uri === uri ? within : `${within} of cell ${cell.number}`;
    },
  };
}
