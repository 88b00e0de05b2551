// `npm run eval:costs`: grades the mult-adds and memory figures on the shared corpus's PyTorch cases
// against real PyTorch. The truth comes from scripts/truth/costs_torch.py --corpus (forward hooks,
// torchinfo's definitions, run with /usr/bin/python3); each layer application the engine costs is
// matched to the one PyTorch ran by kind and constructor line. Prints figures; exits 0 either way.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze } from '../server/src/analysis/analyze';
import type { ModelResult } from '../server/src/analysis/result';
import { evaluateDim } from '../server/src/shapes/dim';
import { loadParser } from '../server/src/platform/node-parser';
import { matchLayers, type Truth } from '../test/helpers/costs-truth';

const corpus = resolve(process.env.CNNSHAPE_CORPUS ?? join(__dirname, '..', '..', 'shared', 'corpus'));

async function main(): Promise<void> {
  await loadParser();
  const script = join(__dirname, '..', 'scripts', 'truth', 'costs_torch.py');
  const truth = JSON.parse(execFileSync('/usr/bin/python3', [script, '--corpus', corpus], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 })) as Record<string, Truth>;
  let layers = 0;
  let multAddsEqual = 0;
  let multAddsUnknown = 0;
  let bytesWithin = 0;
  let totalsEqual = 0;
  for (const [name, t] of Object.entries(truth)) {
    const text = readFileSync(join(corpus, 'cases', 'torch', name), 'utf8');
    const models = analyze(text).models;
    const model = models.reduce<ModelResult | undefined>((best, m) => (!best || matchLayers(m, t.layers).filter(Boolean).length > matchLayers(best, t.layers).filter(Boolean).length ? m : best), undefined);
    if (!model) {
      console.log(`  ${name.padEnd(36)} no model`);
      continue;
    }
    const matched = matchLayers(model, t.layers);
    const wrong: string[] = [];
    let equal = 0;
    let unknown = 0;
    let within = 0;
    matched.forEach((l, i) => {
      const want = t.layers[i];
      const got = l?.multAdds === undefined ? null : evaluateDim(l.multAdds, t.env);
      if (got === null) unknown++;
      else if (got === want.multAdds) equal++;
      else wrong.push(`line ${want.line} ${want.kind} ${got} (real ${want.multAdds})`);
      const bytes = l?.outputBytes === undefined ? null : evaluateDim(l.outputBytes, t.env);
      if (bytes !== null && Math.abs(bytes - want.outputBytes) <= 0.01 * want.outputBytes) within++;
    });
    const total = evaluateDim(model.costs.multAdds, t.env);
    if (total === t.totals.multAdds) totalsEqual++;
    layers += t.layers.length;
    multAddsEqual += equal;
    multAddsUnknown += unknown;
    bytesWithin += within;
    const totalText = total === t.totals.multAdds ? 'total equal' : `total ${total ?? '?'} (real ${t.totals.multAdds})`;
    console.log(`  ${name.padEnd(36)} mult-adds ${equal}/${t.layers.length} (${unknown} unknown)  memory ${within}/${t.layers.length}  ${totalText}${wrong.length ? `  WRONG: ${wrong.join('; ')}` : ''}`);
  }
  const cases = Object.keys(truth).length;
  console.log(`\ncosts: mult-adds ${multAddsEqual}/${layers} layers equal (${multAddsUnknown} unknown), memory ${bytesWithin}/${layers} within 1 %, totals ${totalsEqual}/${cases} models equal`);
}

void main();
