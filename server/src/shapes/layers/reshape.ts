// Layer family: reshaping without arithmetic on the values. PyTorch Flatten and Unflatten; Keras
// Flatten, Reshape, Permute and RepeatVector.
//
// Flattened sizes are products of dimensions, kept symbolic (`6 * H * W`) when the input is, and
// noted for the hover. A size contradiction (`reshape-size`) is reported only when the two products
// are definitely different. Tensor methods and functions (`x.view`, `torch.flatten`, `torch.reshape`)
// belong to ops/tensor.ts and ops/functional.ts, not here.

import { asInt } from '../context';
import { Dim, dimToString, divExact, equalDims, product } from '../dim';
import { formatShape, normAxis } from '../shape';
import type { ArgValue, LayerDef, RuleContext, RuleResult } from '../types';

const KERAS_KWARGS = { name: 'kwargs', varkw: true };

/** `6 · H · W = 6 * H * W`: how a flattened size reads in a hover. */
function productNote(dims: readonly Dim[], total: Dim): string {
  return `${dims.map((d) => dimToString(d)).join(' · ')} = ${dimToString(total)}`;
}

/** `7*7*256`: a list of sizes written as the product the user would type. */
function productText(dims: readonly Dim[]): string {
  return dims.map((d) => dimToString(d)).join('*');
}

/** `12544 (7*7*256)`, or just `7` for a single size: a product and where it came from. */
function productWithFactors(dims: readonly Dim[]): string {
  const total = dimToString(product(dims));
  return dims.length > 1 ? `${total} (${productText(dims)})` : total;
}

/** The entries of a list argument as dimensions, or null when the argument is not a known list. */
function dimList(v: ArgValue): Dim[] | null {
  if (typeof v === 'number') return [asInt(v)];
  if (!Array.isArray(v)) return null;
  return v.map((x) => asInt(x));
}

/**
 * Sizes with at most one `-1` resolved against a total: the `-1` becomes total / (product of the
 * others) when that divides exactly, else unknown. `fits` is false only when the numbers
 * definitely do not divide (or the product definitely differs, without `-1`).
 */
function resolveSizes(sizes: readonly Dim[], total: Dim): { dims: Dim[]; fits: boolean | undefined; inferredAt: number } {
  const inferredAt = sizes.indexOf(-1);
  if (inferredAt < 0) return { dims: [...sizes], fits: equalDims(product(sizes), total), inferredAt };
  const others = sizes.filter((_, i) => i !== inferredAt);
  const othersProduct = product(others);
  const inferred = divExact(total, othersProduct);
  const dims = sizes.map((d, i) => (i === inferredAt ? inferred : d));
  let fits: boolean | undefined = inferred === null ? undefined : true;
  if (typeof total === 'number' && typeof othersProduct === 'number') fits = othersProduct !== 0 && total % othersProduct === 0;
  return { dims, fits, inferredAt };
}

/** PyTorch `nn.Flatten(start_dim=1, end_dim=-1)`: merges the axes from start_dim to end_dim. */
function inferTorchFlatten(ctx: RuleContext): RuleResult {
  const input = ctx.inputs[0] ?? null;
  const start = ctx.int('start_dim');
  const end = ctx.int('end_dim');
  // Flattened to the last axis from a known start, an input of unknown shape gives start_dim + 1
  // axes of unknown size (the call succeeds only where the input has that many).
  if (input === null && typeof start === 'number' && start >= 0 && end === -1) return { output: Array<Dim>(start + 1).fill(null), params: 0 };
  if (input === null || typeof start !== 'number' || typeof end !== 'number') return { output: null, params: 0 };
  // PyTorch treats a 0-d tensor as having one axis here.
  const rank = Math.max(input.length, 1);
  const dims = input.length === 0 ? [1] : input;
  const s = normAxis(start, rank);
  const e = normAxis(end, rank);
  if (s === null || e === null) {
    const bad = s === null ? 'start_dim' : 'end_dim';
    ctx.error(
      'rank-mismatch',
      `Flatten ${bad}=${ctx.describe(bad)} is out of range for a ${input.length}-d input (expected a dim in [${-rank}, ${rank - 1}]): ${ctx.origin(0)}`,
      bad,
    );
    return { output: null, params: 0 };
  }
  if (s > e) {
    ctx.error('rank-mismatch', `Flatten start_dim=${ctx.describe('start_dim')} comes after end_dim=${ctx.describe('end_dim')} on ${formatShape(input)}: ${ctx.origin(0)}`, 'start_dim');
    return { output: null, params: 0 };
  }
  const merged = dims.slice(s, e + 1);
  const total = product(merged);
  if (merged.length > 1) ctx.note(`flattened ${productNote(merged, total)}`);
  return { output: [...dims.slice(0, s), total, ...dims.slice(e + 1)], params: 0 };
}

/** PyTorch `nn.Unflatten(dim, unflattened_size)`: splits one axis into several, with one `-1` allowed. */
function inferTorchUnflatten(ctx: RuleContext): RuleResult {
  const input = ctx.inputs[0] ?? null;
  const dim = ctx.int('dim');
  const sizes = dimList(ctx.value('unflattened_size'));
  if (input === null) return { output: null, params: 0 };
  // A named dimension (a string) or an unknown index leaves the output rank known only loosely.
  if (typeof dim !== 'number' || sizes === null) return { output: null, params: 0 };
  const axis = normAxis(dim, input.length);
  if (axis === null) {
    ctx.error('rank-mismatch', `Unflatten dim=${ctx.describe('dim')} is out of range for a ${input.length}-d input: ${ctx.origin(0)}`, 'dim');
    return { output: null, params: 0 };
  }
  const size = input[axis];
  const resolved = resolveSizes(sizes, size);
  if (resolved.fits === false) {
    const written = `[${sizes.map((d) => dimToString(d)).join(', ')}]`;
    ctx.error(
      'reshape-size',
      `unflatten: Provided sizes ${written} don't multiply up to the size of dim ${axis} (${dimToString(size)}) in the input tensor ${formatShape(input)}: ${ctx.origin(0)}`,
      'unflattened_size',
    );
    const best = sizes.map((d, i) => (i === resolved.inferredAt ? null : d));
    return { output: [...input.slice(0, axis), ...best, ...input.slice(axis + 1)], params: 0 };
  }
  if (resolved.inferredAt >= 0) ctx.note(`unflatten: -1 = ${dimToString(size)} / ${productWithFactors(sizes.filter((d) => d !== -1))} = ${dimToString(resolved.dims[resolved.inferredAt])}`);
  return { output: [...input.slice(0, axis), ...resolved.dims, ...input.slice(axis + 1)], params: 0 };
}

/**
 * Keras `Flatten(data_format=None)`: everything but the batch axis becomes one axis. With
 * channels_first Keras transposes first, which changes the order of values but not the size.
 */
function inferKerasFlatten(ctx: RuleContext): RuleResult {
  const input = ctx.inputs[0] ?? null;
  // Whatever its input, Keras's Flatten gives (batch, the product of the rest): rank 2, also where
  // nothing of the input is known (Reshape likewise gives its target behind an unknown batch).
  if (input === null || input.length === 0) return { output: input === null ? [null, null] : [null, 1], params: 0 };
  const rest = input.slice(1);
  const total = rest.length === 0 ? 1 : product(rest);
  if (rest.length > 1) ctx.note(`flattened ${productNote(rest, total)}`);
  return { output: [input[0], total], params: 0 };
}

/** Keras `Reshape(target_shape)`: a new per-sample shape with the same total size; one `-1` allowed. */
function inferKerasReshape(ctx: RuleContext): RuleResult {
  const input = ctx.inputs[0] ?? null;
  const target = dimList(ctx.value('target_shape'));
  if (target === null) return { output: null, params: 0 };
  const batch: Dim = input === null || input.length === 0 ? null : input[0];
  if (target.filter((d) => d === -1).length > 1) {
    ctx.error('reshape-size', `Reshape target_shape=${ctx.describe('target_shape')} has more than one -1; Keras can infer only one unknown dimension`, 'target_shape');
    return { output: [batch, ...target.map((d) => (d === -1 ? null : d))], params: 0 };
  }
  if (input === null) return { output: [null, ...target.map((d) => (d === -1 ? null : d))], params: 0 };
  const perSample = input.slice(1);
  const total = product(perSample);
  const inputText = productWithFactors(perSample);
  const resolved = resolveSizes(target, total);
  if (resolved.fits === false) {
    if (resolved.inferredAt < 0) {
      ctx.error(
        'reshape-size',
        `Reshape expects a total size of ${productWithFactors(target)} per sample, but its input has ${inputText}: ${ctx.origin(0)}`,
        'target_shape',
      );
    } else {
      const others = target.filter((d) => d !== -1);
      ctx.error(
        'reshape-size',
        `Reshape cannot fill the -1 in target_shape=${ctx.describe('target_shape')}: its input has ${inputText} per sample, which is not a multiple of ${productWithFactors(others)}: ${ctx.origin(0)}`,
        'target_shape',
      );
    }
    return { output: [batch, ...target.map((d) => (d === -1 ? null : d))], params: 0 };
  }
  if (resolved.inferredAt >= 0) ctx.note(`reshape: -1 = ${dimToString(total)} / ${productWithFactors(target.filter((d) => d !== -1))} = ${dimToString(resolved.dims[resolved.inferredAt])}`);
  return { output: [batch, ...resolved.dims], params: 0 };
}

/** Keras `Permute(dims)`: reorders the non-batch axes; dims are 1-based. */
function inferKerasPermute(ctx: RuleContext): RuleResult {
  const input = ctx.inputs[0] ?? null;
  const dims = dimList(ctx.value('dims'));
  if (dims === null || dims.some((d) => typeof d !== 'number')) return { output: null, params: 0 };
  const order = dims as number[];
  const sorted = [...order].sort((a, b) => a - b);
  if (sorted.some((d, i) => d !== i + 1)) {
    ctx.error('rank-mismatch', `Permute dims=${ctx.describe('dims')} must be a permutation of 1..${order.length} (axis 0 is the batch and stays first)`, 'dims');
    return { output: null, params: 0 };
  }
  if (input === null) return { output: [null, ...order.map(() => null)], params: 0 };
  if (input.length !== order.length + 1) {
    ctx.error('rank-mismatch', `Permute dims=${ctx.describe('dims')} reorders ${order.length} axes, but its input ${formatShape(input)} has ${input.length - 1} besides the batch: ${ctx.origin(0)}`, 'dims');
    return { output: null, params: 0 };
  }
  return { output: [input[0], ...order.map((d) => input[d])], params: 0 };
}

/** Keras `RepeatVector(n)`: (batch, features) becomes (batch, n, features). */
function inferKerasRepeatVector(ctx: RuleContext): RuleResult {
  const input = ctx.inputs[0] ?? null;
  const n = ctx.int('n');
  if (input === null) return { output: [null, n, null], params: 0 };
  if (input.length !== 2) {
    ctx.error('rank-mismatch', `RepeatVector expects a 2-d input (batch, features), but got ${formatShape(input)}: ${ctx.origin(0)}`);
    return { output: [input[0] ?? null, n, null], params: 0 };
  }
  return { output: [input[0], n, input[1]], params: 0 };
}

export const layers: LayerDef[] = [
  {
    kind: 'Flatten',
    framework: 'torch',
    names: ['torch.nn.Flatten'],
    params: [
      { name: 'start_dim', default: 1 },
      { name: 'end_dim', default: -1 },
    ],
    infer: inferTorchFlatten,
  },
  {
    kind: 'Unflatten',
    framework: 'torch',
    names: ['torch.nn.Unflatten'],
    params: [{ name: 'dim' }, { name: 'unflattened_size' }],
    infer: inferTorchUnflatten,
  },
  {
    kind: 'Flatten',
    framework: 'keras',
    names: ['keras.layers.Flatten'],
    params: [{ name: 'data_format', default: null }, KERAS_KWARGS],
    infer: inferKerasFlatten,
  },
  {
    kind: 'Reshape',
    framework: 'keras',
    names: ['keras.layers.Reshape'],
    params: [{ name: 'target_shape' }, KERAS_KWARGS],
    infer: inferKerasReshape,
  },
  {
    kind: 'Permute',
    framework: 'keras',
    names: ['keras.layers.Permute'],
    params: [{ name: 'dims' }, KERAS_KWARGS],
    infer: inferKerasPermute,
  },
  {
    kind: 'RepeatVector',
    framework: 'keras',
    names: ['keras.layers.RepeatVector'],
    params: [{ name: 'n' }, KERAS_KWARGS],
    infer: inferKerasRepeatVector,
  },
];
