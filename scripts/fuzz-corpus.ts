// Robustness fuzzing over the shared corpus (../shared/corpus, or CNNSHAPE_CORPUS): the mutants of
// test/helpers/mutants.ts for every .py file there, each analysed and timed; prints a summary of
// what threw and what took over a second, with the slowest mutants. Never fails; it reports.
// `--stress` also analyses each file repeated to 20,000 lines (all models: slow by design).
// Build and run (one line, from the repository root):
//   npx esbuild scripts/fuzz-corpus.ts --bundle --platform=node --outfile=dist/fuzz-corpus.js --external:tree-sitter --external:tree-sitter-python --loader:.scm=text --log-level=warning && node dist/fuzz-corpus.js

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { analyze } from '../server/src/analysis/analyze';
import { hashString, Mutant, mutantsOf, repeatedToLines } from '../test/helpers/mutants';
import { loadParser } from '../server/src/platform/node-parser';

const TIME_LIMIT_MS = 1000;
const corpus = resolve(process.env.CNNSHAPE_CORPUS ?? join(__dirname, '..', '..', 'shared', 'corpus'));

interface Timed {
  file: string;
  mutant: Mutant;
  ms: number;
  error?: unknown;
}

function pyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? pyFiles(full) : e.endsWith('.py') ? [full] : [];
  });
}

function timeAnalysis(file: string, mutant: Mutant): Timed {
  const start = performance.now();
  try {
    analyze(mutant.text);
  } catch (error) {
    return { file, mutant, ms: performance.now() - start, error };
  }
  return { file, mutant, ms: performance.now() - start };
}

/** Writes a failing mutant to the temporary folder, for `node dist/cli.js check PATH`. */
function keepMutant(t: Timed, index: number): string {
  const dir = join(tmpdir(), 'cnnshape-fuzz-corpus');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${t.file.replace(/[\\/]/g, '__').replace(/\.py$/, '')}__${index}.py`);
  writeFileSync(path, t.mutant.text);
  return path;
}

function main(): void {
  if (!existsSync(corpus)) {
    console.log(`No corpus at ${corpus}; set CNNSHAPE_CORPUS to its folder.`);
    return;
  }
  const stress = process.argv.includes('--stress');
  const files = pyFiles(corpus).sort();
  const started = performance.now();
  const all: Timed[] = [];
  const failures: string[] = [];
  let kept = 0;
  for (const path of files) {
    const file = relative(corpus, path);
    const text = readFileSync(path, 'utf8');
    const mutants = mutantsOf(text, { perKind: 12, seed: hashString(file) });
    if (stress) {
      const repeated = repeatedToLines(text, 20000);
      mutants.push({ name: `the file repeated to 20,000 lines (${repeated.copies} copies)`, text: repeated.text });
    }
    for (const mutant of mutants) {
      let t = timeAnalysis(file, mutant);
      // A second try rules out a busy neighbour; a slow mutant is slow twice.
      if (!t.error && t.ms > TIME_LIMIT_MS) {
        const again = timeAnalysis(file, mutant);
        if (again.ms < t.ms) t = again;
      }
      all.push(t);
      if (t.error) failures.push(`THREW  ${file}: "${mutant.name}": ${String(t.error)} (${keepMutant(t, kept++)})`);
      else if (t.ms > TIME_LIMIT_MS) failures.push(`SLOW   ${file}: "${mutant.name}": ${t.ms.toFixed(0)} ms (${keepMutant(t, kept++)})`);
    }
    process.stdout.write('.');
  }
  process.stdout.write('\n\n');

  const times = all.map((t) => t.ms).sort((a, b) => a - b);
  const percentile = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0;
  console.log(`corpus: ${corpus}`);
  console.log(`files: ${files.length}, mutants: ${all.length}, in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`analysis time per mutant: median ${percentile(50).toFixed(1)} ms, 99th percentile ${percentile(99).toFixed(1)} ms, max ${percentile(100).toFixed(0)} ms`);
  console.log(`threw: ${all.filter((t) => t.error).length}, over ${TIME_LIMIT_MS} ms: ${all.filter((t) => !t.error && t.ms > TIME_LIMIT_MS).length}`);
  for (const f of failures) console.log(f);
  console.log('\nslowest mutants:');
  for (const t of [...all].sort((a, b) => b.ms - a.ms).slice(0, 10)) console.log(`  ${t.ms.toFixed(0).padStart(6)} ms  ${t.file}: ${t.mutant.name}`);
}

void loadParser().then(main);
