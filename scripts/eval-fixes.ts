// `npm run eval:fixes`: grades where errors are reported and what their fixes do, over the bug files
// of the shared corpus (../shared/corpus, or CNNSHAPE_CORPUS) and the test fixtures that expect an
// error. Three figures:
//   - on the line: the share of bug files with an error underlined on the line a person changes
//     (a corpus file's `bug_line`; a fixture's `# error:` lines);
//   - first fix: the share whose first offered fix, applied to the text, gives a file that runs
//     with the correct file's shapes: real PyTorch (/usr/bin/python3, scripts/truth/run_models.py)
//     for PyTorch, a TensorFlow.js forward pass of the engine's records (confirm/) for Keras;
//     against the correct case's output shape (and parameter count) for the corpus, without an
//     error for a fixture, which has no correct twin;
//   - fixes that add an error: offered fixes after which the engine reports an error on a line and
//     code it did not report before, or real PyTorch raises a different error. The goal is zero.
// `--verbose` prints each file's errors and fixes. Prints figures; exits 0 either way.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { analyze } from '../server/src/analysis/analyze';
import type { AnalysisResult, Fix, ShapeDiagnostic } from '../server/src/analysis/result';
import { outputToJson } from '../server/src/cli/format';
import { selectBackend } from '../server/src/confirm/backends';
import { confirmText } from '../server/src/confirm/confirm';
import { loadParser } from '../server/src/platform/node-parser';

const repo = resolve(__dirname, '..');
const corpus = resolve(process.env.CNNSHAPE_CORPUS ?? join(repo, '..', 'shared', 'corpus'));
const verbose = process.argv.includes('--verbose');

interface Item {
  name: string;
  framework: 'torch' | 'keras';
  text: string;
  /** 1-based lines a person changes. */
  lines: Set<number>;
  /** The `--input` flag a fixture gives (`# flag-input:`). */
  flagInput?: string;
  /** How to run it in PyTorch. */
  modelExpr?: string;
  inputs?: number[][];
  dtype?: { dtype: string; low?: number; high?: number };
  /** The correct file's output shape and parameter count (corpus only). */
  truth?: { output: unknown; params: number | null };
}

interface RunResult {
  id: string;
  ok: boolean;
  output_shape?: unknown;
  params?: number | null;
  error?: string;
  line?: number | null;
}

function corpusItems(): Item[] {
  const out: Item[] = [];
  for (const framework of ['torch', 'keras'] as const) {
    const dir = join(corpus, 'bugs', framework);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.py')).sort()) {
      const meta = JSON.parse(readFileSync(join(dir, f.replace(/\.py$/, '.json')), 'utf8'));
      if (meta.expected !== 'error') continue;
      const truthPath = join(corpus, 'truth', `${basename(String(meta.case ?? ''), '.py')}.json`);
      const truth = existsSync(truthPath) ? JSON.parse(readFileSync(truthPath, 'utf8')) : undefined;
      out.push({
        name: `corpus ${framework}/${f}`,
        framework,
        text: readFileSync(join(dir, f), 'utf8'),
        lines: new Set([meta.bug_line]),
        modelExpr: meta.model_expr ?? truth?.model_expr,
        inputs: meta.input_shapes ?? truth?.input_shapes,
        dtype: meta.input_dtype ?? truth?.input_dtype,
        truth: truth ? { output: truth.output_shape, params: truth.total_params ?? null } : undefined,
      });
    }
  }
  return out;
}

function pyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? pyFiles(full) : e.endsWith('.py') ? [full] : [];
  });
}

/** The fixtures with `# error:` comments; the model and input from their `# input:` and `# model:` comments. */
function fixtureItems(): Item[] {
  const root = join(repo, 'test', 'fixtures');
  const out: Item[] = [];
  for (const file of pyFiles(root).sort()) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split(/\r?\n/);
    const errorLines = new Set<number>();
    lines.forEach((l, i) => {
      if (/#\s*error:\s*\[/.test(l)) errorLines.add(i + 1);
    });
    if (errorLines.size === 0) continue;
    const framework = /(^|\/)keras\//.test(relative(root, file)) ? 'keras' : 'torch';
    const flagInput = /^# flag-input:\s*(.+)$/m.exec(text)?.[1];
    const item: Item = { name: `fixture ${relative(root, file)}`, framework, text, lines: errorLines, flagInput };
    const inputAt = lines.findIndex((l) => /^\s*#\s*input:/.test(l));
    const inputText = inputAt >= 0 ? lines[inputAt].replace(/^\s*#\s*input:\s*/, '') : flagInput;
    if (inputText) item.inputs = [...inputText.matchAll(/\(([^()]*)\)/g)].map((m) => m[1].split(',').filter((d) => d.trim()).map((d) => Number(d)));
    const modelComment = lines.map((l) => /^\s*#\s*model:\s*(.+)$/.exec(l)?.[1]).find((x) => x !== undefined);
    let declLine = inputAt >= 0 ? inputAt + 1 : -1;
    while (declLine >= 0 && declLine < lines.length && /^\s*#/.test(lines[declLine])) declLine++;
    const decl = declLine >= 0 ? /^(?:class\s+(\w+)|(\w+)\s*=)/.exec(lines[declLine] ?? '') : /^class\s+(\w+)\(/m.exec(text);
    item.modelExpr = modelComment ?? (decl ? (decl[1] ? `${decl[1]}()` : decl[2]) : undefined);
    const dtype = /#\s*input-dtype:\s*int64\s*\[(\d+),\s*(\d+)\)/.exec(text);
    item.dtype = dtype ? { dtype: 'int64', low: Number(dtype[1]), high: Number(dtype[2]) } : undefined;
    out.push(item);
  }
  return out;
}

function applyFix(text: string, fix: Fix): string {
  const lines = text.split('\n');
  const offset = (line: number, column: number) => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + column;
  return text.slice(0, offset(fix.range.line, fix.range.column)) + fix.newText + text.slice(offset(fix.range.endLine, fix.range.endColumn));
}

function errorsOf(r: AnalysisResult): ShapeDiagnostic[] {
  return r.diagnostics.filter((d) => d.severity === 'error');
}

/** Errors of `after` on a line and code that `before` did not have. */
function newErrors(before: ShapeDiagnostic[], after: ShapeDiagnostic[]): ShapeDiagnostic[] {
  const keys = new Set(before.map((d) => `${d.path ?? ''}:${d.code}@${d.range.line}`));
  return after.filter((d) => !keys.has(`${d.path ?? ''}:${d.code}@${d.range.line}`));
}

function runTorch(jobs: { id: string; text: string; model_expr: string; inputs: number[][]; dtype?: Item['dtype'] }[]): Map<string, RunResult> {
  const out = new Map<string, RunResult>();
  if (jobs.length === 0) return out;
  const p = spawnSync('/usr/bin/python3', [join(repo, 'scripts', 'truth', 'run_models.py')], { input: JSON.stringify(jobs), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (p.status !== 0) console.log(`  (real PyTorch did not run: ${p.stderr.trim().split('\n').pop()})`);
  for (const line of (p.stdout ?? '').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as RunResult;
      out.set(r.id, r);
    } catch {
      // a print of the user's code: not ours
    }
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Shapes equal after the batch axis (Keras truth writes None, a forward pass 1 or 2). */
function sameButBatch(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x) => typeof x !== 'object' || x === null)) return same(a.slice(1), b.slice(1));
  return same(a, b);
}

interface Row {
  item: Item;
  result: AnalysisResult;
  onLine: boolean;
  firstOnLine: boolean;
  first?: { fix: Fix; text: string };
  offered: { fix: Fix; text: string; added: ShapeDiagnostic[] }[];
}

async function main(): Promise<void> {
  const items = [...(existsSync(corpus) ? corpusItems() : []), ...fixtureItems()];
  if (!existsSync(corpus)) console.log(`corpus not found at ${corpus}; set CNNSHAPE_CORPUS (fixtures only)`);
  const rows: Row[] = [];
  for (const item of items) {
    const result = analyze(item.text, { input: item.flagInput });
    const errors = errorsOf(result);
    const onLine = errors.some((e) => e.path === undefined && item.lines.has(e.range.line + 1));
    const firstOnLine = errors.length > 0 && errors[0].path === undefined && item.lines.has(errors[0].range.line + 1);
    const offered: Row['offered'] = [];
    for (const e of errors) {
      for (const fix of e.fixes) {
        if (fix.path !== undefined) continue;
        const text = applyFix(item.text, fix);
        offered.push({ fix, text, added: newErrors(errors, errorsOf(analyze(text, { input: item.flagInput }))) });
      }
    }
    const firstError = errors.find((e) => e.fixes.some((f) => f.path === undefined));
    const firstFix = firstError?.fixes.find((f) => f.path === undefined);
    rows.push({ item, result, onLine, firstOnLine, first: firstFix ? { fix: firstFix, text: applyFix(item.text, firstFix) } : undefined, offered });
  }

  // Real PyTorch: every file as it is, and after each offered fix.
  const jobs: Parameters<typeof runTorch>[0] = [];
  rows.forEach((row, i) => {
    const { item } = row;
    if (item.framework !== 'torch' || !item.modelExpr || !item.inputs) return;
    const base = { model_expr: item.modelExpr, inputs: item.inputs, dtype: item.dtype };
    jobs.push({ id: `${i}:original`, text: item.text, ...base });
    row.offered.forEach((o, k) => jobs.push({ id: `${i}:${k}`, text: o.text, ...base }));
  });
  const torchRuns = runTorch(jobs);

  // TensorFlow.js: the Keras files after their first fix.
  const log = console.log;
  console.log = (...a: unknown[]) => console.error(...a);
  const backend = await selectBackend('cpu').catch(() => undefined);
  const kerasRuns = new Map<number, { ok: boolean; output: unknown; params: number | null; why: string }>();
  for (const [i, row] of rows.entries()) {
    if (row.item.framework !== 'keras' || !row.first || !backend) continue;
    try {
      const models = await confirmText(backend, row.first.text, { input: row.item.flagInput });
      const failed = models.flatMap((m) => m.layers.filter((l) => l.status === 'failed' || l.status === 'different'));
      const fixed = analyze(row.first.text, { input: row.item.flagInput });
      const model = fixed.models[0];
      kerasRuns.set(i, { ok: models.length > 0 && failed.length === 0 && errorsOf(fixed).length === 0, output: model ? outputToJson(model.output) : null, params: typeof model?.totalParams === "number" ? model.totalParams : model?.totalParams == null ? null : Number(model.totalParams), why: failed.map((l) => `${l.kind}@${l.line}: ${l.status} ${l.message ?? ''}`).join('; ') || (models.length === 0 ? 'no model' : '') });
    } catch (e) {
      kerasRuns.set(i, { ok: false, output: null, params: null, why: String(e) });
    }
  }
  console.log = log;

  const fig = { files: 0, onLine: 0, firstOnLine: 0, withFix: 0, firstGood: 0, firstSameParams: 0, offered: 0, adding: 0, addedByEngine: 0, addedByTorch: 0, torchChecked: 0 };
  const perGroup = new Map<string, { files: number; onLine: number; firstGood: number }>();
  console.log(`Corpus: ${corpus}\n`);
  rows.forEach((row, i) => {
    const { item } = row;
    const group = `${item.name.split(' ')[0]} ${item.framework}`;
    const g = perGroup.get(group) ?? { files: 0, onLine: 0, firstGood: 0 };
    perGroup.set(group, g);
    fig.files++;
    g.files++;
    if (row.onLine) fig.onLine++, g.onLine++;
    if (row.firstOnLine) fig.firstOnLine++;
    let firstVerdict = 'no fix offered';
    if (row.first) {
      fig.withFix++;
      let good = false;
      let sameParams = false;
      if (item.framework === 'torch') {
        const firstIndex = row.offered.findIndex((o) => o.fix === row.first!.fix);
        const r = torchRuns.get(`${i}:${firstIndex}`);
        if (!r) firstVerdict = 'not run';
        else if (!r.ok) firstVerdict = `PyTorch raises: ${r.error}`;
        else if (item.truth) {
          good = same(r.output_shape, item.truth.output);
          sameParams = good && r.params === item.truth.params;
          firstVerdict = good ? (sameParams ? 'runs, correct shapes and parameters' : `runs, correct shapes, ${r.params} parameters (correct file ${item.truth.params})`) : `runs, output ${JSON.stringify(r.output_shape)} (correct file ${JSON.stringify(item.truth.output)})`;
        } else {
          good = true;
          firstVerdict = `runs, output ${JSON.stringify(r.output_shape)}`;
        }
      } else {
        const k = kerasRuns.get(i);
        if (!k) firstVerdict = 'not run';
        else if (!k.ok) firstVerdict = `tfjs or the engine still fails: ${k.why}`;
        else if (item.truth) {
          good = sameButBatch(k.output, item.truth.output);
          sameParams = good && k.params === item.truth.params;
          firstVerdict = good ? (sameParams ? 'runs, correct shapes and parameters' : `runs, correct shapes, ${k.params} parameters (correct file ${item.truth.params})`) : `runs, output ${JSON.stringify(k.output)} (correct file ${JSON.stringify(item.truth.output)})`;
        } else {
          good = true;
          firstVerdict = 'runs';
        }
      }
      if (good) fig.firstGood++, g.firstGood++;
      if (sameParams) fig.firstSameParams++;
    }
    // Offered fixes that add an error: by the engine, and by real PyTorch (a different error than the file's own).
    const original = torchRuns.get(`${i}:original`);
    const added: string[] = [];
    row.offered.forEach((o, k) => {
      fig.offered++;
      let adds = false;
      if (o.added.length) {
        adds = true;
        fig.addedByEngine++;
        added.push(`"${o.fix.title}" adds ${o.added.map((d) => `${d.code}@${d.range.line + 1}`).join(', ')}`);
      }
      const r = torchRuns.get(`${i}:${k}`);
      if (r && original) {
        fig.torchChecked++;
        if (!r.ok && (original.ok || r.error !== original.error)) {
          adds = true;
          fig.addedByTorch++;
          added.push(`"${o.fix.title}": PyTorch then raises ${r.error}${r.line ? ` at line ${r.line}` : ''}`);
        }
      }
      if (adds) fig.adding++;
    });
    const errors = errorsOf(row.result);
    const where = errors.length ? errors.map((e) => `${e.code}@${e.range.line + 1}`).join(', ') : 'nothing';
    console.log(`  ${item.name.padEnd(66)} ${row.onLine ? 'on line' : `OFF LINE ${[...item.lines].join(',')}`}  errors: ${where}`);
    console.log(`      first fix: ${row.first ? `"${row.first.fix.title}" at line ${row.first.fix.range.line + 1}: ${firstVerdict}` : 'none'}`);
    for (const a of added) console.log(`      ADDS AN ERROR: ${a}`);
    if (verbose) for (const e of errors) console.log(`      ${e.code}@${e.range.line + 1}: ${e.message}${e.fixes.length ? ` | fixes: ${e.fixes.map((f) => f.title).join('; ')}` : ''}`);
  });

  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(0)}%` : '-');
  console.log('\nSummary:');
  for (const [group, g] of perGroup) console.log(`  ${group.padEnd(15)} on the changed line ${g.onLine}/${g.files}, first fix gives the correct shapes ${g.firstGood}/${g.files}`);
  console.log(`  flagged on the changed line: ${fig.onLine}/${fig.files} (${pct(fig.onLine, fig.files)}); the first error there: ${fig.firstOnLine}/${fig.files}`);
  console.log(`  first offered fix, applied, runs with the correct file's shapes: ${fig.firstGood}/${fig.files} (${pct(fig.firstGood, fig.files)}); with a fix offered: ${fig.firstGood}/${fig.withFix}; also the correct parameter count: ${fig.firstSameParams}`);
  console.log(`  offered fixes that add an error: ${fig.adding} of ${fig.offered} (engine ${fig.addedByEngine}, real PyTorch ${fig.addedByTorch} of ${fig.torchChecked} run; goal 0)`);
}

void loadParser().then(main);
