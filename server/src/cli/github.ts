// `cnnshape check --format github`: one GitHub Actions workflow command per diagnostic
// (`::error file=...,line=...,col=...,endLine=...,endColumn=...,title=...::message`), which the
// Actions runner turns into annotations on the pull request's files. Skipped files become
// `::warning` lines. In a notebook the annotation sits on the line of the .ipynb file that holds the
// cell line, and the message names the cell and the line within it.

import { placedText, placeMessage, type Placed } from './format';
import type { Checked } from './files';
import type { Skipped } from './walk';

const COMMAND = { error: 'error', warning: 'warning', information: 'notice' } as const;

/** Data after `::`: % and line breaks are escaped. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: also ':' and ','. */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** The commands of a run; a diagnostic in another file of the workspace (`d.path`) is placed in that file, read through `other`. */
export function formatGithub(checked: readonly Checked[], skipped: readonly Skipped[], other: (path: string) => Placed = (path) => placedText(path, '')): string {
  const lines: string[] = [];
  for (const { source: checkedSource, result } of checked) {
    for (const d of result.diagnostics) {
      const source = d.path === undefined ? checkedSource : { ...other(d.path), path: other(d.path).place(0, 0).path };
      const start = source.place(d.range.line, d.range.column);
      const end = source.place(d.range.endLine, d.range.endColumn);
      const props = [`file=${escapeProperty(source.path)}`];
      if (start.cell === undefined) props.push(`line=${start.line}`, `col=${start.column}`, `endLine=${end.line}`, `endColumn=${end.column}`);
      else props.push(`line=${start.fileLine ?? 1}`);
      props.push(`title=${escapeProperty(`cnnshape ${d.code}`)}`);
      const where = start.cell === undefined ? '' : `cell ${start.cell}, line ${start.line}, column ${start.column}: `;
      const fixes = d.fixes.map((f) => `\nfix: ${f.title}`).join('');
      lines.push(`::${COMMAND[d.severity]} ${props.join(',')}::${escapeData(where + placeMessage(d.message, source) + fixes)}`);
    }
  }
  for (const s of skipped) lines.push(`::warning file=${escapeProperty(s.path)},title=cnnshape::${escapeData(`skipped: ${s.reason}`)}`);
  return lines.length ? lines.join('\n') + '\n' : '';
}
