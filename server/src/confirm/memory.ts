// How much memory a confirmation's forward pass needs, from the engine's predicted shapes, before
// anything runs: the weights (4 bytes a parameter) plus the largest set of activations alive at
// once. An activation (float32, 4 bytes an element) lives from the layer that produces it to the
// last layer that reads it (the trace's graph edges, `inputsFrom`); the model's inputs live
// throughout. confirm.ts frees each output after its last reader, so this is the pass's real peak,
// give or take what a backend allocates inside one layer.

import { isCount } from '../shapes/count';
import type { ModelResult } from '../analysis/result';
import { evaluateDim } from '../shapes/dim';
import { TupleOut, type Output, type Shape } from '../shapes/types';

export interface MemoryEstimate {
  /** Bytes of the weights. */
  weights: number;
  /** Bytes of the activations alive at the peak. */
  activations: number;
  /** The index in model.layers of the layer at the peak; -1 when the inputs alone are the peak. */
  peakAt: number;
}

/** Elements of a shape with the symbols given values (an unknown leading batch counts 1); 0 when a size is unknown. */
function elements(shape: Shape, symbols: Record<string, number>): number {
  if (shape === null) return 0;
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    const v = d === null ? (i === 0 ? 1 : null) : evaluateDim(d, symbols);
    if (v === null || v < 0) return 0;
    n *= v;
  }
  return n;
}

function outputBytes(o: Output, symbols: Record<string, number>): number {
  if (o instanceof TupleOut) return o.items.reduce((sum, item) => sum + outputBytes(item, symbols), 0);
  return 4 * elements(o, symbols);
}

/**
 * For each layer application, the index of the last one that reads its output; its own index when
 * none does, except the last application, whose output is kept to the end (the pass waits on it).
 */
export function lastReaders(model: ModelResult): number[] {
  const last = model.layers.map((_, i) => i);
  model.layers.forEach((r, j) => {
    for (const from of r.inputsFrom) if (from >= 0 && from < j) last[from] = Math.max(last[from], j);
  });
  return last;
}

/** The weights' and the peak activations' bytes of a forward pass with `symbols` as the input's sizes. */
export function estimateMemory(model: ModelResult, symbols: Record<string, number>): MemoryEstimate {
  const seen = new Set<number>();
  let params = 0;
  for (const r of model.layers) {
    if (!isCount(r.params) || (r.layerId !== null && seen.has(r.layerId))) continue;
    if (r.layerId !== null) seen.add(r.layerId);
    params += Number(r.params);
  }
  const inputs = model.input.reduce((sum, s) => sum + outputBytes(s, symbols), 0);
  const last = lastReaders(model);
  // Bytes freed after each step: a difference array over the applications.
  const freed = new Array<number>(model.layers.length + 1).fill(0);
  let live = inputs;
  let peak = inputs;
  let peakAt = -1;
  model.layers.forEach((r, k) => {
    const bytes = outputBytes(r.output, symbols);
    live += bytes;
    freed[last[k]] += bytes;
    if (live > peak) {
      peak = live;
      peakAt = k;
    }
    live -= freed[k];
  });
  return { weights: params * 4, activations: peak, peakAt };
}
