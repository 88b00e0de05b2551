// Robustness fuzzing: every .py file under test/fixtures/ and examples/ is mutated the way an
// editor sees code while someone types (truncations, deleted and duplicated lines, stray
// characters, absurd numbers, unbalanced brackets, deep nesting, very long lines, a 20,000-line
// file; see test/helpers/mutants.ts), and every mutant must be analysed without throwing and in
// bounded time (a guard against hangs and runaway growth, not a speed goal: speed lives in
// `npm run bench`). The mutants are deterministic (seeded by file name), so a failure names a
// mutant that can be rebuilt exactly; its text is also written to the temporary folder.
// The shared corpus gets the same treatment from scripts/fuzz-corpus.ts.

import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../server/src/analysis/analyze';
import { hashString, Mutant, mutantsOf } from './helpers/mutants';

const root = join(__dirname, '..');
/** A hang guard, far above the usual tens of milliseconds, so a busy machine cannot fail it. */
const TIME_LIMIT_MS = 5000;
/** Random mutants for all files together, per kind of mutation; keeps the whole file near 20 s on 2 busy cores. */
const MUTANTS_PER_KIND_IN_ALL = 600;

function pyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? pyFiles(full) : e.endsWith('.py') ? [full] : [];
  });
}

const files = [...pyFiles(join(root, 'test', 'fixtures')), ...pyFiles(join(root, 'examples'))].map((f) => relative(root, f)).sort();
const perKind = Math.max(2, Math.min(12, Math.floor(MUTANTS_PER_KIND_IN_ALL / Math.max(1, files.length))));

/** Milliseconds one analysis of the text takes, or the error it threw. */
function timeAnalysis(text: string): { ms: number; error?: unknown } {
  const start = performance.now();
  try {
    analyze(text);
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
  return { ms: performance.now() - start };
}

/** Writes a failing mutant where a person can run `node dist/cli.js check` on it. */
function keepMutant(file: string, index: number, mutant: Mutant): string {
  const dir = join(tmpdir(), 'cnnshape-fuzz');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${file.replace(/[\\/]/g, '__').replace(/\.py$/, '')}__mutant${index}.py`);
  writeFileSync(path, mutant.text);
  return path;
}

describe('fuzz: mutants of the fixtures and examples', () => {
  it('finds files to mutate', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(file, () => {
      const text = readFileSync(join(root, file), 'utf8');
      // The large mutants (20,000 lines, 100,000-character lines) are slow to build and analyse,
      // so only the examples get them.
      const mutants = mutantsOf(text, { perKind, seed: hashString(file), maxNumberSwaps: 2 * perKind, large: file.startsWith('examples') });
      const failures: string[] = [];
      mutants.forEach((mutant, index) => {
        let result = timeAnalysis(mutant.text);
        // A second try rules out a busy neighbour on a shared machine; a slow mutant is slow twice.
        if (!result.error && result.ms > TIME_LIMIT_MS) result = timeAnalysis(mutant.text);
        if (result.error) {
          failures.push(`${file}: mutant ${index} "${mutant.name}" threw ${String(result.error)}; text in ${keepMutant(file, index, mutant)}`);
        } else if (result.ms > TIME_LIMIT_MS) {
          failures.push(`${file}: mutant ${index} "${mutant.name}" took ${result.ms.toFixed(0)} ms (limit ${TIME_LIMIT_MS}); text in ${keepMutant(file, index, mutant)}`);
        }
      });
      expect(failures).toEqual([]);
    });
  }
});
