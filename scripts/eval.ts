// `npm run eval`: grades the engine on the shared corpus (../shared/corpus, or CNNSHAPE_CORPUS).
// For every case it compares each layer's output shape with what the real framework produced,
// for every bug file it checks that the bug is flagged on its line with a fitting rule code, and
// for every correct or tricky file that no error is raised. Prints figures; exits 0 either way.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze } from '../server/src/analysis/analyze';
import type { LayerRecord, ModelResult } from '../server/src/analysis/result';
import { outputToJson } from '../server/src/cli/format';
import { loadParser } from '../server/src/platform/node-parser';

const corpus = resolve(process.env.CNNSHAPE_CORPUS ?? join(__dirname, '..', '..', 'shared', 'corpus'));

/** Rule codes that fit each bug category of the corpus. */
const CATEGORY_CODES: Record<string, string[]> = {
  wrong_linear_in_features: ['linear-in-features'],
  linear_without_flatten: ['linear-in-features'],
  wrong_conv_in_channels: ['conv-in-channels'],
  missing_transpose: ['conv-in-channels'],
  residual_add_mismatch: ['broadcast-mismatch'],
  broadcast_add_mismatch: ['broadcast-mismatch'],
  wrong_view_size: ['reshape-size'],
  wrong_reshape_size: ['reshape-size'],
  wrong_rnn_input_size: ['rnn-input-size'],
  groupnorm_groups: ['groups-divisible', 'norm-num-features'],
  wrong_channels_for_op: ['groups-divisible'],
  wrong_batchnorm_features: ['norm-num-features'],
  rnn_ndim_mismatch: ['rank-mismatch'],
  pool_ndim_mismatch: ['rank-mismatch'],
  concat_size_mismatch: ['cat-mismatch'],
  kernel_too_large: ['nonpositive-size'],
  shape_assert_fails: ['shape-assert'],
};

interface TruthLayer {
  kind: string;
  type: string;
  line: number | null;
  output_shape: unknown;
}

function findModel(models: ModelResult[], line: number | undefined): ModelResult | undefined {
  if (line !== undefined) {
    const m = models.find((x) => x.range.line + 1 === line || x.range.line === line);
    if (m) return m;
  }
  return models.length === 1 ? models[0] : undefined;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Matches truth layers to ours in order, by kind; returns [exact, total, mismatches]. */
function gradeLayers(truth: TruthLayer[], ours: LayerRecord[]): { exact: number; total: number; misses: string[] } {
  const wanted = truth.filter((l) => l.kind === 'module' || l.kind === 'layer' || l.kind === 'op');
  let j = 0;
  let exact = 0;
  const misses: string[] = [];
  for (const t of wanted) {
    let k = j;
    while (k < ours.length && ours[k].kind !== t.type) k++;
    if (k >= ours.length) {
      misses.push(`${t.type}@${t.line}: missing`);
      continue;
    }
    const got = outputToJson(ours[k].output);
    if (same(got, t.output_shape)) exact++;
    else misses.push(`${t.type}@${t.line}: got ${JSON.stringify(got)} want ${JSON.stringify(t.output_shape)}`);
    j = k + 1;
  }
  return { exact, total: wanted.length, misses };
}

function main(): void {
  if (!existsSync(corpus)) {
    console.log(`corpus not found at ${corpus}; set CNNSHAPE_CORPUS`);
    return;
  }
  const verbose = process.argv.includes('--verbose');
  const perFramework: Record<string, { exact: number; total: number; files: number; falseErrors: number }> = {};
  console.log(`Corpus: ${corpus}\n`);
  console.log('Cases (layer output shapes equal to the real framework):');
  for (const fw of ['torch', 'keras']) {
    const dir = join(corpus, 'cases', fw);
    if (!existsSync(dir)) continue;
    const acc = (perFramework[fw] = { exact: 0, total: 0, files: 0, falseErrors: 0 });
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.py')).sort()) {
      const name = f.replace(/\.py$/, '');
      const truthPath = join(corpus, 'truth', `${name}.json`);
      if (!existsSync(truthPath)) continue;
      const truth = JSON.parse(readFileSync(truthPath, 'utf8'));
      const result = analyze(readFileSync(join(dir, f), 'utf8'));
      const model = findModel(result.models, truth.model_class_line ?? truth.model_def_line);
      const g = model ? gradeLayers(truth.layers, model.layers) : { exact: 0, total: truth.layers.filter((l: TruthLayer) => l.kind !== 'block' && l.kind !== 'input' && l.kind !== 'model').length, misses: ['model not found'] };
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      acc.exact += g.exact;
      acc.total += g.total;
      acc.files++;
      acc.falseErrors += errors.length;
      const params = model && truth.total_params !== undefined ? (model.totalParams === truth.total_params ? 'params ok' : `params ${model.totalParams} want ${truth.total_params}`) : '';
      console.log(`  ${fw.padEnd(5)} ${name.padEnd(34)} ${String(g.exact).padStart(3)}/${String(g.total).padEnd(3)} ${errors.length ? `FALSE ERRORS: ${errors.map((e) => `${e.code}@${e.range.line + 1}`).join(', ')}` : ''} ${params}`);
      if (verbose) for (const m of g.misses.slice(0, 8)) console.log(`        ${m}`);
    }
  }

  console.log('\nBug files:');
  const bugs = { flagged: 0, total: 0, tricky: 0, trickyClean: 0 };
  for (const fw of ['torch', 'keras']) {
    const dir = join(corpus, 'bugs', fw);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.py')).sort()) {
      const meta = JSON.parse(readFileSync(join(dir, f.replace(/\.py$/, '.json')), 'utf8'));
      const result = analyze(readFileSync(join(dir, f), 'utf8'));
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      if (meta.expected === 'ok') {
        bugs.tricky++;
        if (errors.length === 0) bugs.trickyClean++;
        console.log(`  ${fw.padEnd(5)} ${f.padEnd(50)} ${errors.length === 0 ? 'clean' : `FALSE ERRORS: ${errors.map((e) => `${e.code}@${e.range.line + 1}: ${e.message}`).join(' | ')}`}`);
        continue;
      }
      bugs.total++;
      const codes = CATEGORY_CODES[meta.category] ?? [];
      const lines = new Set<number>([meta.bug_line, meta.error?.raised_at_line].filter((x) => typeof x === 'number'));
      const hit = errors.find((e) => codes.includes(e.code) && (lines.has(e.range.line + 1) || e.related.some((r) => lines.has(r.range.line + 1))));
      if (hit) bugs.flagged++;
      const shown = hit ? `flagged ${hit.code}@${hit.range.line + 1}` : `MISSED (${meta.category} line ${meta.bug_line}); got: ${errors.map((e) => `${e.code}@${e.range.line + 1}`).join(', ') || 'nothing'}`;
      console.log(`  ${fw.padEnd(5)} ${f.padEnd(50)} ${shown}`);
      if (verbose && hit) console.log(`        ${hit.message}`);
    }
  }

  console.log('\nSummary:');
  for (const [fw, a] of Object.entries(perFramework)) {
    const pct = a.total ? ((100 * a.exact) / a.total).toFixed(1) : '0';
    console.log(`  ${fw}: ${a.exact}/${a.total} layer shapes exact (${pct}%, goal 98%), errors on correct files: ${a.falseErrors}`);
  }
  console.log(`  bugs flagged on their line with a fitting code: ${bugs.flagged}/${bugs.total}`);
  console.log(`  tricky correct files without error: ${bugs.trickyClean}/${bugs.tricky}`);
}

void loadParser().then(main);
