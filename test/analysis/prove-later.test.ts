// A quick analysis (proveFixes: false) keeps the rest of its work: proveLater proves its fixes from
// the state it left, and gives exactly what a full analysis of the same text gives, so the
// language server proves an edit's fixes without interpreting the file once more (lsp/proofs.ts).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, proveLater } from '../../server/src/analysis/analyze';

const root = join(__dirname, '..', '..');

function pythonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? pythonFiles(full) : name.endsWith('.py') ? [full] : [];
  });
}

describe('proveLater', () => {
  it('gives what a full analysis gives, for every fixture and example with diagnostics, once', () => {
    let proven = 0;
    for (const file of [...pythonFiles(join(root, 'test/fixtures')), ...pythonFiles(join(root, 'examples'))]) {
      const text = readFileSync(file, 'utf8');
      const quick = analyze(text, { proveFixes: false });
      const later = proveLater(quick);
      if (quick.diagnostics.length === 0) {
        expect(later, file).toBeUndefined();
        continue;
      }
      proven++;
      expect(JSON.stringify(later), file).toBe(JSON.stringify(analyze(text)));
      expect(proveLater(quick), file).toBeUndefined();
    }
    expect(proven).toBeGreaterThan(20);
  });

  it('keeps nothing for a text it analysed without its unclosed line, nor for a full analysis', () => {
    const broken = 'import torch.nn as nn\nnet = nn.Sequential(nn.Linear(4, 3), nn.Linear(5, 2)\nx = (\n';
    const quick = analyze(broken, { proveFixes: false });
    expect(proveLater(quick)).toBeUndefined();
    expect(proveLater(analyze('import torch.nn as nn\nnet = nn.Sequential(nn.Linear(4, 3), nn.Linear(5, 2))\n'))).toBeUndefined();
  });
});
