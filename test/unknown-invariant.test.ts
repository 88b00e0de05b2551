// Knowing less never reports more: for every fixture and example, a seeded sample of mutants that
// each replace one sub-expression (an argument, a keyword or config value, a call, a base class)
// with a call to a function defined nowhere (test/helpers/unknowns.ts). Every error of a mutant
// (rule code and line) must be an error of the original, and every definite layer output it still
// gives must be the original's. `npm run fuzz:unknown -- --shapes` runs thousands.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../server/src/analysis/analyze';
import { hashString } from './helpers/mutants';
import { changedShapes, newErrors, opaqueMutantsOf } from './helpers/unknowns';

const root = join(__dirname, '..');
/** Mutants per file; about 450 analyses in all. */
const MUTANTS_PER_FILE = 3;

function pyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? pyFiles(full) : e.endsWith('.py') ? [full] : [];
  });
}

const files = [...pyFiles(join(root, 'test', 'fixtures')), ...pyFiles(join(root, 'examples'))].map((f) => relative(root, f)).sort();

function analysed(text: string) {
  const input = /^# flag-input:\s*(.+)$/m.exec(text)?.[1];
  return analyze(text, { input });
}

describe('an unknown never adds an error', () => {
  for (const file of files) {
    it(file, () => {
      const text = readFileSync(join(root, file), 'utf8');
      const original = analysed(text);
      const failures = opaqueMutantsOf(text, { count: MUTANTS_PER_FILE, seed: hashString(file) })
        .map((mutant) => {
          const result = analysed(mutant.text);
          const added = newErrors(original, result);
          return { mutant, added: added.length ? added : changedShapes(original, result).map((c) => `shape ${c}`) };
        })
        .filter((m) => m.added.length > 0)
        .map((m) => `${m.mutant.name}: new ${m.added.join(', ')}`);
      expect(failures).toEqual([]);
    });
  }

  it('finds a definite shape that knowing less changed', () => {
    const original = analyze(['import torch', 'import torch.nn as nn', 'model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(8, 8, 3))', 'y = model(torch.randn(1, 3, 16, 16))'].join('\n'));
    const mutant = analyze(['import torch', 'import torch.nn as nn', 'model = nn.Sequential(nn.Conv2d(3, 8, 5), nn.Conv2d(8, 8, 3))', 'y = model(torch.randn(1, 3, 16, 16))'].join('\n'));
    expect(changedShapes(original, original)).toEqual([]);
    expect(changedShapes(original, mutant).length).toBe(2);
  });

  it('finds the unknown that a guessed default would hide', () => {
    // A recurrent layer whose return_sequences is unknown: the next layer's rank is unknown, not 2.
    const text = [
      'from tensorflow import keras',
      'from tensorflow.keras import layers',
      'inputs = keras.Input(shape=(10, 8))',
      'x = layers.LSTM(4, return_sequences=undefined_opaque_value())(inputs)',
      'x = layers.Conv1D(4, 3)(x)',
      'model = keras.Model(inputs, x)',
    ].join('\n');
    expect(analyze(text).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
