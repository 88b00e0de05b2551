// Runs one layer or op rule on plain values, through the same binding and context that the
// interpreter uses, for table tests of the formulas.

import type { Count } from '../../server/src/shapes/count';
import { ArgContext, bindArgs, BoundArgs } from '../../server/src/shapes/context';
import { findLayer, findOp } from '../../server/src/shapes/registry';
import { ArgValue, LayerArg, Output, Shape } from '../../server/src/shapes/types';
import { Dim } from '../../server/src/shapes/dim';

export interface RuleRun {
  output: Output;
  params: Count | null | undefined;
  errors: { code: string; message: string; arg?: string; fix?: { arg: string; value: number } }[];
  notes: string[];
}

function bind(params: Parameters<typeof bindArgs>[0], args: ArgValue[], kwargs: Record<string, ArgValue>): BoundArgs {
  const bound = bindArgs(params, args, new Map(Object.entries(kwargs)));
  if (bound.problems.length) throw new Error(`binding: ${bound.problems.join('; ')}`);
  return bound;
}

/** `layer('torch.nn.Conv2d', [1, 3, 3], {padding: 1}, [[1, 1, 28, 28]])`. */
export function layer(name: string, args: ArgValue[], kwargs: Record<string, ArgValue>, inputs: Shape[]): RuleRun {
  const def = findLayer(name);
  if (!def) throw new Error(`no layer ${name}`);
  const ctx = new ArgContext({ framework: def.framework, kind: def.kind, bound: bind(def.params, args, kwargs), inputs });
  const r = def.infer(ctx);
  return { output: r.output, params: r.params, errors: ctx.errors, notes: ctx.notes };
}

/** A layer object to pass to a wrapper such as `keras.layers.Bidirectional`. */
export function layerArg(name: string, args: ArgValue[], kwargs: Record<string, ArgValue> = {}): LayerArg {
  const def = findLayer(name);
  if (!def) throw new Error(`no layer ${name}`);
  return new LayerArg(def, bind(def.params, args, kwargs));
}

/** `op('torch.cat', [[t1, t2]], {dim: 1})` where tensors are given with `tensor(shape)`. */
export function op(name: string, args: ArgValue[], kwargs: Record<string, ArgValue> = {}): RuleRun {
  const def = findOp(name);
  if (!def) throw new Error(`no op ${name}`);
  const ctx = new ArgContext({ framework: 'torch', kind: def.kind, bound: bind(def.params, args, kwargs) });
  const r = def.infer(ctx);
  return { output: r.output, params: r.params, errors: ctx.errors, notes: ctx.notes };
}

export { TensorArg as Tensor } from '../../server/src/shapes/types';
export type { Dim };
