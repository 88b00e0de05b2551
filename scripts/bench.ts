// `npm run bench`: how fast the engine is, each figure a ratio against a baseline measured in the
// same run on the same machine, so the figures mean the same on a fast or a slow computer.
//   a. Whole process: `node dist/cli.js check examples/article_torch.py` against real PyTorch
//      (/usr/bin/python3) building the same model and running one forward pass with shape-printing
//      hooks, which is what a user would otherwise do to learn the shapes. Goal: 15x faster.
//   b. In one process: analysing a generated 3,000-line file with 200 models (scripts/generate-large.ts)
//      against the bare tree-sitter parse of the same text. Goal: analysis at most twice the parse.
//   c. Memory: the JavaScript heap in use after analysing that file, with the result still held.
// It prints figures and never fails on them: there are no timed assertions anywhere.
// Profile the in-process part with `npm run build && node --cpu-prof dist/bench.js --no-process`.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { analyze } from '../server/src/analysis/analyze';
import { parsePython } from '../server/src/syntax/parse';
import { median, mib, ms } from './bench-util';
import { generateLargeFile } from './generate-large';
import { benchConfirm } from './bench-confirm';
import { benchLanguageServer } from './bench-lsp';
import { loadParser } from '../server/src/platform/node-parser';

const root = resolve(__dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const articleModel = join(root, 'examples', 'article_torch.py');
const python = '/usr/bin/python3';

/** Runs the model file's last nn.Module class once on one MNIST-sized image, printing every module's output shape. */
const TORCH_SCRIPT = `
import sys, torch
path = sys.argv[1]
namespace = {'__name__': 'cnnshape_bench'}
exec(compile(open(path).read(), path, 'exec'), namespace)
classes = [v for v in namespace.values() if isinstance(v, type) and issubclass(v, torch.nn.Module) and v.__module__ == 'cnnshape_bench']
model = classes[-1]()
for name, module in model.named_modules():
    module.register_forward_hook(lambda m, i, o, name=name: print(name or '(model)', type(m).__name__, tuple(o.shape)))
model(torch.randn(1, 1, 28, 28))
`;

const SPEEDUP_GOAL = 15;
const ANALYSIS_TO_PARSE_GOAL = 2;

interface Row {
  measure: string;
  value: string;
  baseline: string;
  ratio: string;
  goal: string;
}

/** Wall time of one child process, in milliseconds, or an error text when it did not exit cleanly. */
function timeProcess(command: string, args: string[]): { ms: number; error?: string } {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1048576 });
  const elapsed = performance.now() - start;
  if (result.error) return { ms: elapsed, error: result.error.message };
  // `check` exits 1 when it finds shape errors; anything else means it did not run.
  if (result.status !== 0 && result.status !== 1) return { ms: elapsed, error: (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ') };
  return { ms: elapsed };
}

/** Median wall time of `runs` runs after one unmeasured warm-up run (which fills the file cache). */
function medianProcessTime(command: string, args: string[], runs: number): { ms: number; error?: string } {
  const warm = timeProcess(command, args);
  if (warm.error) return warm;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = timeProcess(command, args);
    if (t.error) return t;
    times.push(t.ms);
  }
  return { ms: median(times) };
}

/** Median time of `fn` over `runs` runs, after `warmups` unmeasured runs that let the JIT settle. */
function medianTime(fn: () => unknown, runs: number, warmups: number): number {
  for (let i = 0; i < warmups; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** The garbage collector, reachable without starting node with --expose-gc. */
function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return typeof gc === 'function' ? () => gc() : () => {};
}

function processComparison(rows: Row[], notes: string[]): void {
  if (!existsSync(cli)) {
    notes.push(`a. skipped: ${cli} is missing; run \`npm run build\` first.`);
    return;
  }
  const ours = medianProcessTime(process.execPath, [cli, 'check', articleModel], 9);
  if (ours.error) {
    notes.push(`a. the command line failed: ${ours.error}`);
    return;
  }
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    rows.push({ measure: 'cnnshape check article_torch.py (process)', value: ms(ours.ms), baseline: '-', ratio: '-', goal: `>= ${SPEEDUP_GOAL}x faster` });
    notes.push(`a. PyTorch comparison skipped: ${python} cannot import torch. Enable it with \`apt-get install -y python3-torch\`.`);
    return;
  }
  const torch = medianProcessTime(python, ['-c', TORCH_SCRIPT, articleModel], 3);
  if (torch.error) {
    notes.push(`a. PyTorch comparison skipped: the PyTorch run failed: ${torch.error}`);
    return;
  }
  const speedup = torch.ms / ours.ms;
  rows.push({
    measure: 'cnnshape check article_torch.py (process)',
    value: ms(ours.ms),
    baseline: `${ms(torch.ms)} PyTorch`,
    ratio: `${speedup.toFixed(1)}x faster`,
    goal: `>= ${SPEEDUP_GOAL}x ${speedup >= SPEEDUP_GOAL ? 'met' : 'NOT met'}`,
  });
  const empty = medianProcessTime(process.execPath, ['-e', '0'], 5);
  if (!empty.error) notes.push(`a. for scale: an empty \`node -e 0\` takes ${ms(empty.ms)} here, so ${ms(Math.max(0, ours.ms - empty.ms))} of the check is ours.`);
}

function inProcessComparison(rows: Row[], notes: string[]): void {
  const large = generateLargeFile({ models: 200, lines: 3000 });
  const gc = garbageCollector();

  // Memory first, before the timing loops leave garbage and compiled code behind.
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const held = analyze(large.text);
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;

  const parse = medianTime(() => parsePython(large.text), 15, 3);
  let models = 0;
  let diagnostics = 0;
  const analysis = medianTime(
    () => {
      const result = analyze(large.text);
      models = result.models.length;
      diagnostics = result.diagnostics.length;
    },
    7,
    2,
  );
  const ratio = analysis / parse;
  rows.push({
    measure: `analyze ${large.lines}-line file, ${large.models} models`,
    value: ms(analysis),
    baseline: `${ms(parse)} parse`,
    ratio: `${ratio.toFixed(1)}x parse`,
    goal: `<= ${ANALYSIS_TO_PARSE_GOAL}x ${ratio <= ANALYSIS_TO_PARSE_GOAL ? 'met' : 'NOT met'}`,
  });
  notes.push(`b. the analysis found ${models} of ${large.models} models and ${diagnostics} diagnostics (the file is shape-correct: 0 expected).`);

  rows.push({
    measure: 'heap used after analysing that file',
    value: mib(after),
    baseline: `${mib(before)} before`,
    ratio: `+${mib(after - before)} held`,
    goal: '-',
  });
  notes.push(`c. the result held ${held.models.length} models; the tree-sitter tree lives outside the JavaScript heap (rss ${mib(process.memoryUsage().rss)}).`);
}

function printTable(rows: Row[]): void {
  const header: Row = { measure: 'measure', value: 'value', baseline: 'baseline', ratio: 'ratio', goal: 'goal' };
  const keys = Object.keys(header) as (keyof Row)[];
  const widths = keys.map((k) => Math.max(...[header, ...rows].map((r) => r[k].length)));
  const line = (r: Row) => keys.map((k, i) => r[k].padEnd(widths[i])).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function main(): void {
  const rows: Row[] = [];
  const notes: string[] = [];
  const started = performance.now();
  if (!process.argv.includes('--no-process')) processComparison(rows, notes);
  inProcessComparison(rows, notes);
  console.log(`cnnshape benchmark (node ${process.version}, ${process.platform}/${process.arch})\n`);
  printTable(rows);
  console.log('');
  for (const n of notes) console.log(n);
  console.log(`\nbenchmark took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

void loadParser()
  .then(main)
  .then(() => benchLanguageServer())
  .catch((error) => console.log(`language server benchmark failed: ${error instanceof Error ? error.message : String(error)}`))
  .then(() => benchConfirm())
  .catch((error) => console.log(`confirmation benchmark failed: ${error instanceof Error ? error.message : String(error)}`));
