// Layer family: Keras merge layers, applied to a list of tensors. Concatenate, the element-wise
// Add / Subtract / Multiply / Average / Maximum / Minimum, and Dot.
//
// The interpreter hands a merge layer its list as ctx.inputs (one Shape each) with ctx.inputOrigins,
// and maps the lowercase functional spellings (`layers.concatenate([a, b], axis=1)`) to their classes
// through `functionalAliases`. PyTorch has no merge modules: `torch.cat`, `torch.add` and the `+`
// operator belong to ops/tensor.ts and ops/functional.ts.

import { add, Dim, dimToString, equalDims } from '../dim';
import { broadcast, formatShape, normAxis } from '../shape';
import type { LayerDef, Param, RuleContext, RuleResult, Shape } from '../types';

const KERAS_KWARGS: Param = { name: 'kwargs', varkw: true };

/** A shape as our messages print a Keras shape: `(None, 32, 32, 128)`. */
function kerasShapeText(s: Shape): string {
  return formatShape(s, 'None');
}

/** `input 0 is <origin>; input 1 is <origin>`: each merged tensor's own shape and where it came from. */
function originsText(ctx: RuleContext, indices: readonly number[]): string {
  return indices.map((i) => `input ${i} is ${ctx.origin(i)}`).join('; ');
}

/**
 * Keras `Concatenate(axis=-1)`: every axis but `axis` must agree; the output sums `axis`.
 * Unknown sizes (the batch, usually) agree with anything.
 */
function inferConcatenate(ctx: RuleContext): RuleResult {
  const inputs = ctx.inputs;
  const axisArg = ctx.int('axis');
  const known = inputs.map((s, i) => ({ s, i })).filter((x): x is { s: Dim[]; i: number } => x.s !== null);
  if (known.length === 0 || typeof axisArg !== 'number') return { output: null, params: 0 };
  const rank = known[0].s.length;
  const mismatchedRank = known.find((x) => x.s.length !== rank);
  if (mismatchedRank) {
    ctx.error('cat-mismatch', `Concatenate needs inputs of one rank, but input ${known[0].i} has ${rank} dimensions and input ${mismatchedRank.i} has ${mismatchedRank.s.length}: ${originsText(ctx, [known[0].i, mismatchedRank.i])}`);
    return { output: null, params: 0 };
  }
  const axis = normAxis(axisArg, rank);
  if (axis === null) {
    ctx.error('rank-mismatch', `Concatenate axis=${ctx.describe('axis')} is out of range for inputs of rank ${rank}: ${inputs.map(kerasShapeText).join(', ')}`, 'axis');
    return { output: null, params: 0 };
  }
  const out: Dim[] = [...known[0].s];
  for (let a = 0; a < rank; a++) {
    if (a === axis) continue;
    // Compare every input with the first one that knows this axis.
    const reference = known.find((x) => x.s[a] !== null) ?? known[0];
    out[a] = reference.s[a];
    const other = known.find((x) => equalDims(reference.s[a], x.s[a]) === false);
    if (other) {
      ctx.error(
        'cat-mismatch',
        `Concatenate on axis ${axis} needs the other axes to agree, but axis ${a} is ${dimToString(reference.s[a])} in input ${reference.i} and ${dimToString(other.s[a])} in input ${other.i}: ${originsText(ctx, [reference.i, other.i])}`,
      );
      out[axis] = null;
      return { output: out, params: 0 };
    }
  }
  // The concatenated axis is unknown as soon as one input's rank or size is.
  let total: Dim = 0;
  for (const s of inputs) total = s === null ? null : add(total, s[axis]);
  out[axis] = total;
  return { output: out, params: 0 };
}

/**
 * Keras element-wise merges: the non-batch parts broadcast (numpy rules, aligned on the right);
 * the batch sizes must agree.
 */
function inferElementwise(ctx: RuleContext): RuleResult {
  const inputs = ctx.inputs;
  // One input of unknown shape may be a list we could not read (`Subtract()(pair)`): its length is unknown.
  if (ctx.kind === 'Subtract' && inputs.length !== 2 && !(inputs.length === 1 && inputs[0] === null)) {
    ctx.error('broadcast-mismatch', `A \`Subtract\` layer should be called on exactly 2 inputs, but it got ${inputs.length}`);
  }
  if (inputs.length === 0 || inputs.some((s) => s === null || s.length === 0)) return { output: null, params: 0 };
  const shapes = inputs as Dim[][];
  let batch: Dim = null;
  let batchFrom = 0;
  for (let i = 0; i < shapes.length; i++) {
    const b = shapes[i][0];
    if (b === null) continue;
    if (batch !== null && equalDims(batch, b) === false) {
      ctx.error('broadcast-mismatch', `${ctx.kind} cannot merge tensors with different batch sizes ${dimToString(batch)} and ${dimToString(b)}: ${originsText(ctx, [batchFrom, i])}`);
      return { output: null, params: 0 };
    }
    if (batch === null) {
      batch = b;
      batchFrom = i;
    }
  }
  let merged: Shape = shapes[0].slice(1);
  for (let i = 1; i < shapes.length; i++) {
    const next = shapes[i].slice(1);
    const result = broadcast(merged, next);
    if (result.conflict) {
      const left = shapes.slice(0, i).map((s) => s.slice(1));
      const clashing = left.findIndex((s) => broadcast(s, next).conflict !== undefined);
      const j = clashing < 0 ? 0 : clashing;
      ctx.error(
        'broadcast-mismatch',
        `${ctx.kind} needs inputs of one shape (or shapes that broadcast), but ${originsText(ctx, [j, i]).replace('; ', ' and ')}`,
      );
      return { output: null, params: 0 };
    }
    merged = result.shape;
  }
  return { output: merged === null ? null : [batch, ...merged], params: 0 };
}

/** Keras `Dot(axes, normalize=False)`: a batched dot product of two tensors along one axis of each. */
function inferDot(ctx: RuleContext): RuleResult {
  const inputs = ctx.inputs;
  if (inputs.length === 1 && inputs[0] === null) return { output: null, params: 0 };
  if (inputs.length !== 2) {
    ctx.error('broadcast-mismatch', `A \`Dot\` layer should be called on a list of 2 inputs, but it got ${inputs.length}`);
    return { output: null, params: 0 };
  }
  const [a, b] = inputs;
  if (a === null || b === null) return { output: null, params: 0 };
  const raw = ctx.value('axes');
  const pair = Array.isArray(raw) ? raw : [raw, raw];
  if (pair.length !== 2 || typeof pair[0] !== 'number' || typeof pair[1] !== 'number') return { output: null, params: 0 };
  // Keras takes a negative axis modulo each input's rank; a non-negative one counts the batch as 0.
  const axisA = pair[0] < 0 ? normAxis(pair[0], a.length) : pair[0] < a.length ? pair[0] : null;
  const axisB = pair[1] < 0 ? normAxis(pair[1], b.length) : pair[1] < b.length ? pair[1] : null;
  if (axisA === null || axisB === null) {
    ctx.error('rank-mismatch', `Dot axes=${ctx.describe('axes')} is out of range for inputs ${kerasShapeText(a)} and ${kerasShapeText(b)}`, 'axes');
    return { output: null, params: 0 };
  }
  if (equalDims(a[axisA], b[axisB]) === false) {
    ctx.error(
      'broadcast-mismatch',
      `Dot axes=${ctx.describe('axes')} multiplies axis ${axisA} of input 0 with axis ${axisB} of input 1, but they are ${dimToString(a[axisA])} and ${dimToString(b[axisB])}: ${originsText(ctx, [0, 1])}`,
      'axes',
    );
  }
  const restA = a.filter((_, i) => i !== axisA);
  const restB = b.filter((_, i) => i !== axisB).slice(1);
  const out = [...restA, ...restB];
  if (out.length === 1) out.push(1);
  return { output: out, params: 0 };
}

const ELEMENTWISE_KINDS = ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'];

export const layers: LayerDef[] = [
  {
    kind: 'Concatenate',
    framework: 'keras',
    names: ['keras.layers.Concatenate'],
    params: [{ name: 'axis', default: -1 }, KERAS_KWARGS],
    infer: inferConcatenate,
  },
  ...ELEMENTWISE_KINDS.map(
    (kind): LayerDef => ({
      kind,
      framework: 'keras',
      names: [`keras.layers.${kind}`],
      params: [KERAS_KWARGS],
      infer: inferElementwise,
    }),
  ),
  {
    kind: 'Dot',
    framework: 'keras',
    names: ['keras.layers.Dot'],
    params: [{ name: 'axes' }, { name: 'normalize', default: false }, KERAS_KWARGS],
    infer: inferDot,
  },
];

/**
 * The lowercase Keras functions and the classes they construct: `keras.layers.concatenate(inputs,
 * axis=-1, **kwargs)` is `Concatenate(axis=-1, **kwargs)(inputs)`. Note that `keras.layers.dot`
 * defaults `axes` to -1 while the `Dot` class requires it.
 */
export const functionalAliases: Record<string, string> = {
  'keras.layers.concatenate': 'keras.layers.Concatenate',
  'keras.layers.add': 'keras.layers.Add',
  'keras.layers.subtract': 'keras.layers.Subtract',
  'keras.layers.multiply': 'keras.layers.Multiply',
  'keras.layers.average': 'keras.layers.Average',
  'keras.layers.maximum': 'keras.layers.Maximum',
  'keras.layers.minimum': 'keras.layers.Minimum',
  'keras.layers.dot': 'keras.layers.Dot',
};
