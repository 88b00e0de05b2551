// Keras mistakes are reported where they are made, and the edit offered there repairs the model:
// applied to the text, it removes its error and adds none.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis/analyze';
import type { Fix } from '../../server/src/analysis/result';

function apply(text: string, fix: Fix): string {
  const lines = text.split('\n');
  const offset = (line: number, column: number) => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + column;
  return text.slice(0, offset(fix.range.line, fix.range.column)) + fix.newText + text.slice(offset(fix.range.endLine, fix.range.endColumn));
}

describe('return_sequences', () => {
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'keras', 'err_return_sequences.py'), 'utf8');
  const before = analyze(text).diagnostics;

  it('offers one edit on each recurrent layer, and each edit removes its error and adds none', () => {
    expect(before.map((d) => d.range.line + 1).sort((a, b) => a - b)).toEqual([8, 15, 23]);
    for (const d of before) {
      expect(d.fixes).toHaveLength(1);
      const after = analyze(apply(text, d.fixes[0])).diagnostics;
      expect(after.map((x) => x.message).sort()).toEqual(before.filter((x) => x !== d).map((x) => x.message).sort());
    }
  });

  it('writes the edits in the code as it stands', () => {
    const byLine = new Map(before.map((d) => [d.range.line + 1, d.fixes[0]]));
    expect(byLine.get(8)).toMatchObject({ title: 'Add return_sequences=True', newText: ', return_sequences=True)' });
    expect(byLine.get(15)).toMatchObject({ title: 'Set return_sequences=False', newText: 'False' });
  });
});
