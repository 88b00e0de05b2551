// The costs truth written by scripts/truth/costs_torch.py (forward hooks, torchinfo's definitions),
// read by test/costs.test.ts (fixtures, test/costs-truth.json) and scripts/eval-costs.ts (corpus).

import type { LayerRecord, ModelResult } from '../../server/src/analysis/result';

export interface TruthLayer {
  kind: string;
  line: number | null;
  params?: number;
  multAdds: number;
  outputBytes: number;
}

export interface Truth {
  env: Record<string, number>;
  input?: number[][];
  layers: TruthLayer[];
  totals: Record<'multAdds' | 'inputBytes' | 'forwardBackwardBytes' | 'paramBytes' | 'totalBytes', number>;
}

/** The engine's module records matched to the truth's applications by kind and constructor line, in order. */
export function matchLayers(model: ModelResult, layers: TruthLayer[]): (LayerRecord | undefined)[] {
  const used = new Set<LayerRecord>();
  return layers.map((t) => {
    const found = model.layers.find((l) => l.module && !used.has(l) && l.kind === t.kind && l.range.line + 1 === t.line && l.path === undefined);
    if (found) used.add(found);
    return found;
  });
}
