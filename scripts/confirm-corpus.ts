// Runs the TensorFlow.js confirmation over the shared corpus (/work/shared/corpus, or the folder
// given as the first argument): every case and bug file, one row per model with its counts of
// confirmed, different, not confirmable and failed layers and its time; for a bug file, whether
// tfjs failed (or differed) on the bug's line. Then the layers that differ, and the reasons for
// the layers that could not be confirmed, most frequent first. A script, not a test: the corpus
// is shared and changes. Usage (bundled ad hoc, like scripts/build.mjs bundles):
//   npx esbuild scripts/confirm-corpus.ts --bundle --platform=node --outfile=dist/confirm-corpus.js \
//     --external:tree-sitter --external:tree-sitter-python --external:@tensorflow/* --external:webgpu \
//     --loader:.scm=text --log-level=warning && node dist/confirm-corpus.js [CORPUS] [--backend NAME]

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend, type BackendRequest } from '../server/src/confirm/backends';
import { confirmText } from '../server/src/confirm/confirm';
import { loadParser } from '../server/src/platform/node-parser';

interface Row {
  file: string;
  model: string;
  counts: string;
  ms: string;
  bug: string;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const backendFlag = args.indexOf('--backend');
  const backend = (backendFlag >= 0 ? args[backendFlag + 1] : 'auto') as BackendRequest;
  const root = args.find((a, i) => !a.startsWith('--') && (backendFlag < 0 || i !== backendFlag + 1)) ?? '/work/shared/corpus';
  const log = console.log;
  console.log = (...a: unknown[]) => console.error(...a);
  const choice = await selectBackend(backend);
  const rows: Row[] = [];
  const differences: string[] = [];
  const reasons = new Map<string, number>();
  const totals = { confirmed: 0, different: 0, unconfirmable: 0, failed: 0, ms: 0 };
  let bugsShown = 0;
  let bugs = 0;
  for (const part of ['cases', 'bugs']) {
    for (const framework of ['torch', 'keras']) {
      const dir = join(root, part, framework);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).filter((f) => f.endsWith('.py')).sort()) {
        const file = `${part}/${framework}/${name}`;
        const text = readFileSync(join(dir, name), 'utf8');
        const truthPath = join(dir, name.replace(/\.py$/, '.json'));
        const truth = part === 'bugs' && existsSync(truthPath) ? (JSON.parse(readFileSync(truthPath, 'utf8')) as { expected?: string; bug_line?: number }) : undefined;
        if (process.env.CNNSHAPE_CORPUS_TRACE) process.stderr.write(`${file}\n`);
        const models = await confirmText(choice, text);
        let bug = '';
        if (truth?.expected === 'error') {
          bugs++;
          const shown = models.some((m) => m.layers.some((l) => l.line === truth.bug_line && (l.status === 'failed' || l.status === 'different')));
          if (shown) bugsShown++;
          bug = `line ${truth.bug_line}: ${shown ? 'tfjs fails there' : 'not shown'}`;
        } else if (truth?.expected === 'ok') bug = 'tricky (ok)';
        if (models.length === 0) rows.push({ file, model: '-', counts: 'no models', ms: '', bug });
        for (const m of models) {
          const s = m.summary;
          totals.confirmed += s.confirmed;
          totals.different += s.different;
          totals.unconfirmable += s.unconfirmable;
          totals.failed += s.failed;
          totals.ms += m.ms;
          rows.push({ file, model: m.name, counts: m.refused ? `not run: ${m.refused}` : `${s.confirmed}/${s.different}/${s.unconfirmable}/${s.failed}`, ms: m.ms.toFixed(1), bug });
          for (const l of m.layers) {
            if (l.status === 'different') differences.push(`${file}:${l.line} ${l.kind}: predicted ${JSON.stringify(l.predicted)}, tfjs ${JSON.stringify(l.actual)}`);
            if (l.status === 'unconfirmable' && l.reason) {
              const key = `${l.kind}: ${l.reason.replace(/\d+/g, 'N')}`;
              reasons.set(key, (reasons.get(key) ?? 0) + 1);
            }
          }
        }
      }
    }
  }
  console.log = log;
  const header: Row = { file: 'file', model: 'model', counts: 'ok/diff/n.c./failed', ms: 'ms', bug: 'bug' };
  const keys = Object.keys(header) as (keyof Row)[];
  const widths = keys.map((k) => Math.min(60, Math.max(...[header, ...rows].map((r) => r[k].length))));
  const line = (r: Row) => keys.map((k, i) => r[k].padEnd(widths[i])).join('  ').trimEnd();
  console.log(`cnnshape confirm over ${root} on ${choice.backend}, ${choice.device}${choice.notes.length ? ` (passed over: ${choice.notes.join('; ')})` : ''}\n`);
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(`\nlayers: ${totals.confirmed} confirmed, ${totals.different} different, ${totals.unconfirmable} not confirmable, ${totals.failed} failed; ${(totals.ms / 1000).toFixed(1)} s of forward passes`);
  console.log(`bugs: tfjs fails (or differs) on the bug line in ${bugsShown} of ${bugs}`);
  if (differences.length) console.log(`\ndifferent:\n  ${differences.join('\n  ')}`);
  console.log(`\nnot confirmable, by reason:\n  ${[...reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${n}  ${r}`).join('\n  ')}`);
}

void loadParser().then(main);
