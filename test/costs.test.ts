// Mult-adds and memory against real PyTorch: test/costs-truth.json holds, for every runnable PyTorch
// fixture, each layer application's mult-adds and output bytes counted by forward hooks with
// torchinfo's definitions (scripts/truth/costs_torch.py --fixtures). Each layer the engine costs must
// equal it (memory within 1 %), and so must the model's totals; the article's model has 34,702.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../server/src/analysis/analyze';
import { formatFigure, modelCosts } from '../server/src/analysis/costs';
import type { ModelResult } from '../server/src/analysis/result';
import { countOfTerms, formatCount } from '../server/src/shapes/count';
import { evaluateDim, type Dim } from '../server/src/shapes/dim';
import { matchLayers, type Truth } from './helpers/costs-truth';

const truth = JSON.parse(readFileSync(join(__dirname, 'costs-truth.json'), 'utf8')) as Record<string, Truth>;
const fixtures = join(__dirname, 'fixtures', 'torch');

function value(d: Dim | undefined, env: Record<string, number>): number | null {
  return d === undefined ? null : evaluateDim(d, env);
}

/** The model whose module records match the most of the truth's applications. */
function bestModel(models: ModelResult[], t: Truth): ModelResult | undefined {
  let best: ModelResult | undefined;
  let bestCount = -1;
  for (const m of models) {
    const n = matchLayers(m, t.layers).filter(Boolean).length;
    if (n > bestCount) [best, bestCount] = [m, n];
  }
  return best;
}

describe('mult-adds and memory against PyTorch forward hooks', () => {
  for (const [name, t] of Object.entries(truth)) {
    it(name, () => {
      const text = readFileSync(join(fixtures, name), 'utf8');
      const input = /^# flag-input:\s*(.+)$/m.exec(text)?.[1];
      const model = bestModel(analyze(text, { input }).models, t);
      expect(model, 'a model').toBeDefined();
      const problems: string[] = [];
      matchLayers(model!, t.layers).forEach((layer, i) => {
        const want = t.layers[i];
        if (!layer) return;
        const multAdds = value(layer.multAdds, t.env);
        // An unknown figure is allowed (never a wrong one); a known one must be exact.
        if (multAdds !== null && multAdds !== want.multAdds) problems.push(`line ${want.line} ${want.kind}: mult-adds ${multAdds}, PyTorch ${want.multAdds}`);
        const bytes = value(layer.outputBytes, t.env);
        if (bytes !== null && Math.abs(bytes - want.outputBytes) > 0.01 * want.outputBytes) problems.push(`line ${want.line} ${want.kind}: output bytes ${bytes}, PyTorch ${want.outputBytes}`);
      });
      // A call of .forward() itself runs no hooks, so torchinfo does not see it: totals only where the applications agree.
      const sameApplications = model!.layers.filter((l) => l.module).length === t.layers.length;
      const c = model!.costs;
      const totals: [string, Dim, number][] = [
        ['multAdds', c.multAdds, t.totals.multAdds],
        ['inputBytes', c.inputBytes, t.totals.inputBytes],
        ['forwardBackwardBytes', c.forwardBackwardBytes, t.totals.forwardBackwardBytes],
      ];
      for (const [label, d, want] of sameApplications ? totals : []) {
        const got = evaluateDim(d, t.env);
        if (got !== null && got !== want) problems.push(`${label}: ${got}, PyTorch ${want}`);
      }
      expect(problems).toEqual([]);
    });
  }

  it('covers most layers', () => {
    let known = 0;
    let all = 0;
    for (const [name, t] of Object.entries(truth)) {
      const text = readFileSync(join(fixtures, name), 'utf8');
      const input = /^# flag-input:\s*(.+)$/m.exec(text)?.[1];
      const model = bestModel(analyze(text, { input }).models, t);
      for (const layer of matchLayers(model!, t.layers)) {
        all++;
        if (layer && value(layer.multAdds, t.env) !== null) known++;
      }
    }
    expect(known / all).toBeGreaterThan(0.9);
  });
});

describe('costs of the article model', () => {
  const article = readFileSync(join(__dirname, '..', 'examples', 'article_torch.py'), 'utf8');

  it('has 34,702 mult-adds per sample, a formula in N', () => {
    const model = analyze(article).models[0];
    expect(formatFigure(model.costs.multAdds)).toBe('34702 * N');
    expect(evaluateDim(model.costs.multAdds, { N: 1 })).toBe(34702);
    expect(model.layers.filter((l) => l.module).map((l) => formatFigure(l.multAdds))).toEqual(['23520 * N', '0', '0', '8232 * N', '0', '0', '2950 * N']);
  });

  it('has torchinfo sizes at batch 1', () => {
    const model = analyze(article, { input: '(1, 1, 28, 28)' }).models[0];
    expect(model.costs).toMatchObject({ multAdds: 34702, inputBytes: 3136, forwardBackwardBytes: 2 * 4 * (3 * 28 * 28 + 6 * 7 * 7 + 10), paramBytes: 3148 * 4 });
    expect(modelCosts(model).totalBytes).toBe(3136 + 2 * 4 * (3 * 28 * 28 + 6 * 7 * 7 + 10) + 3148 * 4);
  });
});

describe('exact counts past 2^53', () => {
  it('counts nn.Linear(10**20, 10) exactly', () => {
    const model = analyze('import torch\nfrom torch import nn\n\n# input: (1, 100000000000000000000)\nmodel = nn.Sequential(nn.Linear(10**20, 10))\n').models[0];
    expect(model.totalParams).toBe(1000000000000000000010n);
    expect(formatCount(model.totalParams!)).toBe('1,000,000,000,000,000,000,010');
  });

  it('stays a number in the safe range', () => {
    expect(countOfTerms([[784, 10], [10]])).toBe(7850);
    expect(countOfTerms([[2 ** 40, 2 ** 20], [1]])).toBe(2n ** 60n + 1n);
  });
});
