// `npm run bench`: how fast the engine is, each figure beside a baseline measured in the same run on
// the same machine, so the figures mean the same on a fast or a slow computer.
//   a. Whole process: `bin/cnnshape.js check examples/article_torch.py` against real PyTorch
//      (/usr/bin/python3) building the same model and running one forward pass with shape-printing
//      hooks, which is what a user would otherwise do to learn the shapes. Goal: 15x faster. Then
//      each start-up step above an empty `node -e 0`: printing the usage (loading the bundle), and
//      the check, each with and without V8's code cache (platform/compile-cache.ts).
//   b. In one process: analysing a generated 3,000-line file with 200 models (scripts/generate-large.ts)
//      against the bare tree-sitter parse of the same text, split into parse, plain-tree copy and
//      interpretation. Goal: analysis at most twice the parse.
//   c. Memory: the JavaScript heap in use after analysing that file, with the result still held.
//   k. Big files: one file of 1 MB and one of 4 MB (copies of the article's model, each class renamed)
//      checked as a whole process, against the bare parse of the same text in this process, with the
//      process's peak RSS. Goals: at most 3x the parse; memory under 10x the file plus 100 MB.
// Then the language server (bench-lsp.ts), the workspace (bench-workspace.ts) and the confirmation.
// It prints figures and never fails on them: there are no timed assertions anywhere.
// `--lsp-only` runs the language server's part alone. Profile the in-process part with `npm run build && node --cpu-prof dist/bench.js --no-process`, and
// the language server it starts with CNNSHAPE_BENCH_SERVER_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=DIR'
// (one profile per thread: the relay's and the worker's, where the analyses run). The server's CPU
// time per edit and the check's CPU time are printed beside the wall times: on a loaded machine the
// wall time also counts the wait for a core.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { analyze } from '../server/src/analysis/analyze';
import { parsePython, syntaxTreeOf } from '../server/src/syntax/parse';
import { analyzeTree } from '../server/src/analysis/analyze';
import { median, mib, ms } from './bench-util';
import { generateLargeFile } from './generate-large';
import { benchConfirm } from './bench-confirm';
import { benchLanguageServer } from './bench-lsp';
import { benchWorkspace } from './bench-workspace';
import { loadParser } from '../server/src/platform/node-parser';

const root = resolve(__dirname, '..');
const cli = join(root, 'bin', 'cnnshape.js');
const bundle = join(root, 'dist', 'cli.js');
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
const BIG_FILE_TO_PARSE_GOAL = 3;

interface Row {
  measure: string;
  value: string;
  baseline: string;
  ratio: string;
  goal: string;
}

/** Wall time of one child process, in milliseconds, or an error text when it did not exit cleanly. */
function timeProcess(command: string, args: string[], env?: NodeJS.ProcessEnv): { ms: number; error?: string; stderr?: string } {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1048576, ...(env ? { env: { ...process.env, ...env } } : {}) });
  const elapsed = performance.now() - start;
  if (result.error) return { ms: elapsed, error: result.error.message };
  // `check` exits 1 when it finds shape errors; anything else means it did not run.
  if (result.status !== 0 && result.status !== 1 && !(result.status === 2 && args.includes('--help'))) return { ms: elapsed, error: (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ') };
  return { ms: elapsed, stderr: result.stderr };
}

/** Median wall time of `runs` runs after one unmeasured warm-up run (which fills the file cache). */
function medianProcessTime(command: string, args: string[], runs: number, env?: NodeJS.ProcessEnv): { ms: number; error?: string } {
  const warm = timeProcess(command, args, env);
  if (warm.error) return warm;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = timeProcess(command, args, env);
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

/** Median CPU time (this process's, user and system) of `fn` over `runs` runs after `warmups`: what a loaded machine changes least. */
function medianCpuTime(fn: () => unknown, runs: number, warmups: number): number {
  for (let i = 0; i < warmups; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
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
  if (!existsSync(bundle)) {
    notes.push(`a. skipped: ${bundle} is missing; run \`npm run build\` first.`);
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
  if (empty.error) return;
  notes.push(`a. for scale: an empty \`node -e 0\` takes ${ms(empty.ms)} here, so ${ms(Math.max(0, ours.ms - empty.ms))} of the check is ours.`);
  // Each start-up step above node's own start, with V8's code cache and without it.
  const noCache = { CNNSHAPE_NO_COMPILE_CACHE: '1' };
  const steps: [string, { ms: number; error?: string }][] = [
    ['load the bundle (`cnnshape --help`)', medianProcessTime(process.execPath, [cli, '--help'], 5)],
    ['the same without the code cache', medianProcessTime(process.execPath, [cli, '--help'], 5, noCache)],
    ['check the article', ours],
    ['the same without the code cache', medianProcessTime(process.execPath, [cli, 'check', articleModel], 5, noCache)],
  ];
  for (const [step, t] of steps) {
    if (t.error) continue;
    rows.push({ measure: `  start-up: ${step}`, value: ms(t.ms), baseline: `${ms(empty.ms)} node -e 0`, ratio: `+${ms(Math.max(0, t.ms - empty.ms))}`, goal: '-' });
  }
}

/** A file of `megabytes` MB: copies of the article's model, each class renamed. */
function bigFile(megabytes: number): string {
  const article = readFileSync(articleModel, 'utf8');
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < megabytes * 1048576; i++) {
    const part = article.replace(/CNN_NN/g, `CNN_NN_${i}`);
    parts.push(part);
    size += part.length + 1;
  }
  return parts.join('\n');
}

/** k. Whole-process checks of big files against their bare parse here, with the process's peak RSS. */
function bigFiles(rows: Row[], notes: string[]): void {
  if (!existsSync(bundle)) return;
  const folder = mkdtempSync(join(tmpdir(), 'cnnshape-bench-big-'));
  try {
    const preload = join(folder, 'peak-rss.js');
    // The peak is the process's own VmHWM where /proc has it: Linux carries the parent's peak at
    // fork into a child's getrusage maxRSS, so that figure said this benchmark's size, not the check's.
    writeFileSync(
      preload,
      "process.on('exit', () => { const fs = require('fs'); const u = process.resourceUsage(); let peak = u.maxRSS; try { const m = /VmHWM:\\s*(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8')); if (m) peak = Number(m[1]); } catch {} fs.writeSync(2, 'cnnshape-bench-maxrss ' + peak + ' cpu ' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });\n",
    );
    const cpuRatios: string[] = [];
    for (const megabytes of [1, 4]) {
      const text = bigFile(megabytes);
      const file = join(folder, `big_${megabytes}mb.py`);
      writeFileSync(file, text);
      const parse = medianTime(() => parsePython(text), 3, 1);
      const run = timeProcess(process.execPath, ['-r', preload, cli, 'check', '--max-file-size', '100', file]);
      if (run.error) {
        notes.push(`k. the ${megabytes} MB check failed: ${run.error}`);
        continue;
      }
      const usage = /cnnshape-bench-maxrss (\d+) cpu (\d+)/.exec(run.stderr ?? '');
      const peak = Number(usage?.[1] ?? NaN) * 1024;
      const checkCpu = Number(usage?.[2] ?? NaN) / 1000;
      const parseCpu = medianCpuTime(() => parsePython(text), 3, 0);
      if (Number.isFinite(checkCpu)) cpuRatios.push(`${megabytes} MB: the check's CPU time ${ms(checkCpu)}, ${(checkCpu / parseCpu).toFixed(1)}x the parse's (${ms(parseCpu)})`);
      const ratio = run.ms / parse;
      const memoryGoal = 10 * text.length + 100 * 1048576;
      rows.push({
        measure: `cnnshape check one ${megabytes} MB file (process)`,
        value: ms(run.ms),
        baseline: `${ms(parse)} parse`,
        ratio: `${ratio.toFixed(1)}x parse`,
        goal: `<= ${BIG_FILE_TO_PARSE_GOAL}x ${ratio <= BIG_FILE_TO_PARSE_GOAL ? 'met' : 'NOT met'}`,
      });
      if (Number.isFinite(peak)) {
        rows.push({ measure: `  its peak RSS`, value: mib(peak), baseline: `${mib(text.length)} file`, ratio: `${(peak / text.length).toFixed(1)}x file`, goal: `< ${mib(memoryGoal)} ${peak < memoryGoal ? 'met' : 'NOT met'}` });
      }
    }
    notes.push('k. the big files are copies of examples/article_torch.py with the class renamed; the bare parse runs in this process (median of 3).');
    if (cpuRatios.length) notes.push(`k. in CPU time, which a loaded machine changes least: ${cpuRatios.join('; ')}.`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
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
  // Where the analysis's time goes: the parse, the plain-JavaScript copy of the tree, the interpretation.
  const native = parsePython(large.text);
  const copy = medianTime(() => syntaxTreeOf(native, large.text), 7, 2);
  const tree = syntaxTreeOf(native, large.text);
  const interpret = medianTime(() => analyzeTree(tree, large.text), 7, 2);
  notes.push(`b. split: parse ${ms(parse)}, plain-tree copy ${ms(copy)} (${(copy / parse).toFixed(1)}x parse), interpretation and results ${ms(interpret)} (${(interpret / parse).toFixed(1)}x parse).`);
  const parseCpu = medianCpuTime(() => parsePython(large.text), 9, 2);
  const copyCpu = medianCpuTime(() => syntaxTreeOf(native, large.text), 7, 1);
  const interpretCpu = medianCpuTime(() => analyzeTree(tree, large.text), 7, 1);
  notes.push(
    `b. the same in CPU time, which a loaded machine changes least: parse ${ms(parseCpu)}, copy ${ms(copyCpu)} (${(copyCpu / parseCpu).toFixed(1)}x), interpretation ${ms(interpretCpu)} (${(interpretCpu / parseCpu).toFixed(1)}x); ` +
      `the whole analysis ${((parseCpu + copyCpu + interpretCpu) / parseCpu).toFixed(1)}x the parse.`,
  );

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
  if (!process.argv.includes('--no-process')) bigFiles(rows, notes);
  console.log(`cnnshape benchmark (node ${process.version}, ${process.platform}/${process.arch})\n`);
  printTable(rows);
  console.log('');
  for (const n of notes) console.log(n);
  console.log(`\nbenchmark took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

// `--lsp-only`: only the language server's part (bench-lsp.ts), for measuring a change to it.
if (process.argv.includes('--lsp-only')) {
  void loadParser()
    .then(() => benchLanguageServer())
    .catch((error) => console.log(`language server benchmark failed: ${error instanceof Error ? error.message : String(error)}`));
} else {
  void loadParser()
    .then(main)
    .then(() => benchLanguageServer())
    .catch((error) => console.log(`language server benchmark failed: ${error instanceof Error ? error.message : String(error)}`))
    .then(() => benchWorkspace())
    .catch((error) => console.log(`workspace benchmark failed: ${error instanceof Error ? error.message : String(error)}`))
    .then(() => benchConfirm())
    .catch((error) => console.log(`confirmation benchmark failed: ${error instanceof Error ? error.message : String(error)}`));
}
