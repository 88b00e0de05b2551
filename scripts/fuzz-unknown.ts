// The unknown invariant, at scale: for every .py file under test/fixtures/, examples/ and the shared
// corpus (../shared/corpus, or CNNSHAPE_CORPUS, when present), many mutants that each replace one
// sub-expression with an opaque unknown (test/helpers/unknowns.ts); every error of a mutant must be
// an error of the original (rule code and line). Prints each violation with the mutant's text
// kept in the temporary folder, and exits with 1 if there was one.
// With --roots DIR,DIR the .py files under those folders (published code kept outside the
// repository) are mutated too; with --shapes a mutant must also keep every definite layer output
// it still gives equal to the original's (knowing less turns a number unknown, never into another).
// `npm run fuzz:unknown [-- --per-file N] [-- --only SUBSTRING] [-- --roots DIR,...] [-- --shapes]`.

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { analyze } from '../server/src/analysis/analyze';
import type { AnalysisResult } from '../server/src/analysis/result';
import { loadParser } from '../server/src/platform/node-parser';
import { hashString } from '../test/helpers/mutants';
import { changedShapes, newErrors, opaqueMutantsOf } from '../test/helpers/unknowns';

const root = resolve(__dirname, '..');
const corpus = resolve(process.env.CNNSHAPE_CORPUS ?? join(root, '..', 'shared', 'corpus'));

function pyFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? pyFiles(full) : e.endsWith('.py') ? [full] : [];
  });
}

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function analysed(text: string): AnalysisResult | undefined {
  const input = /^# flag-input:\s*(.+)$/m.exec(text)?.[1];
  try {
    return analyze(text, { input });
  } catch {
    return undefined; // throwing is test/fuzz.test.ts's business
  }
}

function main(): void {
  const perFile = Number(argument('--per-file') ?? 40);
  const only = argument('--only');
  const extra = (argument('--roots') ?? '').split(',').filter(Boolean).map((d) => resolve(d));
  const shapes = process.argv.includes('--shapes');
  const files = [...pyFiles(join(root, 'test', 'fixtures')), ...pyFiles(join(root, 'examples')), ...pyFiles(corpus), ...extra.flatMap(pyFiles)]
    .filter((f) => !only || f.includes(only))
    .sort();
  const dir = join(tmpdir(), 'cnnshape-fuzz-unknown');
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  let mutants = 0;
  const violations: string[] = [];
  for (const path of files) {
    const file = path.startsWith(corpus) ? `corpus/${relative(corpus, path)}` : path.startsWith(root) ? relative(root, path) : path;
    const text = readFileSync(path, 'utf8');
    const original = analysed(text);
    if (!original) continue;
    opaqueMutantsOf(text, { count: perFile, seed: hashString(file) }).forEach((mutant, index) => {
      mutants++;
      const result = analysed(mutant.text);
      if (!result) return;
      const added = newErrors(original, result);
      if (shapes && added.length === 0) {
        const changed = changedShapes(original, result);
        if (changed.length) added.push(`shapes ${changed.slice(0, 3).join('; ')}${changed.length > 3 ? ` (+${changed.length - 3})` : ''}`);
      }
      if (added.length === 0) return;
      const kept = join(dir, `${file.replace(/[\\/]/g, '__').replace(/\.py$/, '')}__${index}.py`);
      writeFileSync(kept, mutant.text);
      violations.push(`${file}: ${mutant.name} -> new ${added.join(', ')} (${kept})`);
    });
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  for (const v of violations) console.log(v);
  console.log(`files: ${files.length}, mutants: ${mutants}, new errors in ${violations.length}, in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = violations.length ? 1 : 0;
}

void loadParser().then(main);
