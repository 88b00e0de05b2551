// Completion and signature help on every prefix of real model code: the text as it stands while
// it is typed. Neither may throw; each answers a list (maybe empty) or null.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/analysis/analyze';
import { completionsAt } from '../../server/src/lsp/completion';
import { signatureHelpAt } from '../../server/src/lsp/signatureHelp';

const FILES = ['torch/article_symbolic.py', 'torch/rnn_lstm_unpack.py', 'keras/functional_multi_io.py'].map((f) => join(__dirname, '..', 'fixtures', f));

function endOf(text: string) {
  const lines = text.split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

describe('half-typed code', () => {
  for (const file of FILES) {
    it(file.replace(/^.*fixtures\//, ''), () => {
      const text = readFileSync(file, 'utf8');
      for (let cut = 0; cut <= text.length; cut++) {
        const prefix = text.slice(0, cut);
        expect(() => signatureHelpAt(prefix, endOf(prefix))).not.toThrow();
      }
      // Completion analyses the file again: every prefix that ends inside a call's parentheses.
      for (let cut = 1; cut <= text.length; cut++) {
        if (text[cut - 1] !== '(' && text[cut - 1] !== ',') continue;
        const prefix = text.slice(0, cut);
        const items = completionsAt(prefix, endOf(prefix), (t) => analyze(t));
        expect(Array.isArray(items)).toBe(true);
      }
    });
  }
});

describe('completion in the words of the file', () => {
  const text = [
    'import torch',
    'from torch import nn',
    '',
    '',
    '# input: (1, 1, 28, 28)',
    'class Net(nn.Module):',
    '    def __init__(self, kernel=5):',
    '        super().__init__()',
    '        self.width = 6',
    '        self.conv = nn.Conv2d(1, self.width, kernel, padding=2)',
    '        self.bn = nn.BatchNorm2d(',
    '',
    '    def forward(self, x):',
    '        return self.bn(self.conv(x))',
    '',
  ].join('\n');

  it('offers the name that holds the value first, and never a keyword argument of a call', () => {
    const at = text.indexOf('nn.BatchNorm2d(') + 'nn.BatchNorm2d('.length;
    const line = text.slice(0, at).split('\n').length - 1;
    const items = completionsAt(text, { line, character: 'nn.BatchNorm2d('.length + 18 }, (t) => analyze(t));
    expect(items.map((i) => i.label)).toEqual(['self.width', '6']);
  });
});
